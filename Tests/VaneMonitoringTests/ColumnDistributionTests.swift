import Foundation
import Testing
@testable import VaneMonitoring

struct ColumnDistributionTests {
    @Test func histogramSharesEdgesAndCountsLikeNumPy() throws {
        let r: [Double] = [0, 1, 1, 2, 3, 10].sorted(), c: [Double] = [5, 5, 6, 10, 10].sorted()
        let d = try #require(ColumnDistribution.histogram(sortedReference: r, sortedCurrent: c, bins: 5))
        #expect(d.kind == .histogram)
        #expect(d.edges == [0, 2, 4, 6, 8, 10])
        // edges[i] <= x < edges[i+1], last bin closed: the same as np.histogram
        #expect(d.reference == Histogram.counts(r, edges: d.edges!))
        #expect(d.current == Histogram.counts(c, edges: d.edges!))
        #expect(d.reference == [3, 2, 0, 0, 1])
        #expect(d.current == [0, 0, 2, 1, 2])
    }

    @Test func histogramIgnoresInfinitiesAndWidensAConstantSample() throws {
        let d = try #require(ColumnDistribution.histogram(sortedReference: [-.infinity, 4, 4], sortedCurrent: [4, .infinity], bins: 20))
        #expect(d.edges == [3.5, 4.5])
        #expect(d.reference == [2] && d.current == [1])
        #expect(ColumnDistribution.histogram(sortedReference: [.infinity], sortedCurrent: [], bins: 10) == nil)
    }

    @Test func categoriesKeepTheMostFrequentAndSumTheRest() {
        let labels = (0..<25).map { "k\($0)" }
        let ref = (0..<25).map { $0 }, cur = (0..<25).map { _ in 1 }
        let d = ColumnDistribution.categories(labels: labels, reference: ref, current: cur, limit: 20)
        #expect(d.labels?.first == "k24" && d.labels?.count == 20)
        #expect(d.otherReference == 0 + 1 + 2 + 3 + 4)
        #expect(d.otherCurrent == 5)
        #expect(d.reference.reduce(0, +) + d.otherReference == ref.reduce(0, +))
    }

    @Test func driftResultsCarryTheirDistribution() throws {
        let r = DriftEngine.column(name: "x", kind: .numerical, reference: .numeric((0..<100).map(Double.init)),
                                   current: .numeric((50..<150).map(Double.init)), method: nil, threshold: nil)
        let d = try #require(r.distribution)
        #expect(d.edges?.first == 0 && d.edges?.last == 149)
        #expect(d.reference.reduce(0, +) == 100 && d.current.reduce(0, +) == 100)
        let cat = DriftEngine.column(name: "c", kind: .categorical, reference: .categorical(CategoricalColumn(["a", "b", "b", nil])),
                                     current: .categorical(CategoricalColumn(["b", "c"])), method: nil, threshold: nil)
        #expect(cat.distribution?.labels == ["b", "a", "c"])
        #expect(cat.distribution?.reference == [2, 1, 0] && cat.distribution?.current == [1, 0, 1])
    }
}
