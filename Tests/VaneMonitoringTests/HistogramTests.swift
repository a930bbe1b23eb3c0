import Testing
@testable import VaneMonitoring

// Reference edges: NumPy 2.4 `np.histogram_bin_edges(x, bins="sturges")`.
struct HistogramTests {
    @Test func sturgesAtPowerOfTwo() throws {
        // 16 values 0…15: width = 15 / (log2 16 + 1) = 3 → 5 bins
        #expect(try Histogram.sturgesEdges(minimum: 0, maximum: 15, count: 16) == [0, 3, 6, 9, 12, 15])
    }

    @Test func sturgesThousandValues() throws {
        let edges = try Histogram.sturgesEdges(minimum: 0, maximum: 1, count: 1000)
        #expect(edges.count == 12)
        #expect(edges[5] == 0.4545454545454546)
        #expect(edges[10] == 0.9090909090909092)
    }

    @Test func constantSampleGetsOneWidenedBin() throws {
        #expect(try Histogram.sturgesEdges(minimum: 5, maximum: 5, count: 3) == [4.5, 5.5])
    }

    @Test func lastBinIsClosed() {
        #expect(Histogram.counts([0, 1, 2, 3, 3, 4], edges: [0, 2, 4]) == [2, 4])
        #expect(Histogram.counts([-1, 5], edges: [0, 2, 4]) == [0, 0])
    }

    @Test func pairwiseSumMatchesPlainSumOnIntegers() {
        let v = (1...1000).map(Double.init)
        #expect(NumericKernels.pairwiseSum(v) == 500500)
    }

    @Test func radixSortOrdersSpecialValues() {
        var values = (0..<1000).map { Double(($0 * 7919) % 1000) - 500 }
        values += [.infinity, -.infinity, 0, -0.0, 1e-300, -1e-300]
        #expect(RadixSort.sorted(values) == values.sorted())
    }
}
