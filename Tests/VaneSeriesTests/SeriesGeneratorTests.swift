import Foundation
import Testing
@testable import VaneSeries

struct SeriesGeneratorTests {
    let generator = SeriesGenerator(seed: 11, seriesCount: 40)

    @Test func splitMixIsTheReferenceSequence() {
        // First outputs of SplitMix64 seeded with 1234567 (Vigna's reference implementation).
        var rng = SplitMix64(seed: 1_234_567)
        #expect(rng.next() == 6_457_827_717_110_365_317)
        #expect(rng.next() == 3_203_168_211_198_807_973)
    }

    @Test func corpusIsReproducibleForASeed() {
        let a = generator.corpus()
        let b = SeriesGenerator(seed: 11, seriesCount: 40).corpus()
        #expect(a == b)
        let c = SeriesGenerator(seed: 12, seriesCount: 40).corpus()
        #expect(a != c)
        #expect(generator.series(index: 17) == a[17])
    }

    @Test func seriesShapeAndLabelsAreWithinBounds() {
        for s in generator.corpus() {
            #expect(generator.lengthRange.contains(s.count))
            #expect(s.timestamps.count == s.count)
            #expect(zip(s.timestamps, s.timestamps.dropFirst()).allSatisfy { $0 < $1 })
            #expect(s.values.allSatisfy { $0.isFinite })
            #expect(s.labels.count <= 4)
            #expect(s.labels == s.anomalies.map(\.row))
            for l in s.labels {
                #expect(Double(l) >= 0.15 * Double(s.count) && l < s.count)
            }
            // Every label keeps its own window, after the probationary period.
            let windows = NABWindowing.windows(rowCount: s.count, labels: s.labels)
            #expect(windows.count == s.labels.count)
            #expect(windows.allSatisfy { $0.start >= NABWindowing.probationaryLength(rowCount: s.count) })
            if s.tags.contains("count") {
                #expect(s.values.allSatisfy { $0 >= 0 && $0 == $0.rounded() })
            }
            if !s.tags.contains("irregular") {
                #expect(Set(zip(s.timestamps, s.timestamps.dropFirst()).map { $1 - $0 }) == [300])
            }
        }
    }

    @Test func corpusCoversEveryKind() {
        let corpus = SeriesGenerator().corpus()
        #expect(corpus.count == 80)
        let kinds = Set(corpus.flatMap { $0.anomalies.map(\.kind) })
        #expect(kinds == Set(AnomalyKind.allCases))
        let tags = Set(corpus.flatMap(\.tags))
        for tag in ["noAnomaly", "irregular", "count", "daily", "weekly", "trend", "gaussian", "heavyTailed", "ar1",
                    "noiseLow", "noiseMid", "noiseHigh"] {
            #expect(tags.contains(tag), "missing \(tag)")
        }
        #expect(corpus.contains { $0.labels.count == 4 } && corpus.contains { $0.labels.count == 1 })
    }

    @Test func anomaliesChangeTheSeries() {
        for s in generator.corpus() {
            // Compare with the previous row, unless an earlier anomaly inflated the noise there.
            let noisy = s.anomalies.contains { $0.kind == .varianceChange }
            for a in s.anomalies where (a.kind == .spike || a.kind == .dip) && !noisy {
                let moved = s.values[a.row] - s.values[a.row - 1]
                #expect(a.kind == .spike ? moved > 0 : (moved < 0 || s.values[a.row] == 0), "\(s.name)")
            }
            for a in s.anomalies where a.kind == .flatLine {
                let stuck = s.values[a.row..<(a.row + a.duration)]
                #expect(Set(stuck).count == 1, "\(s.name)")
            }
        }
    }
}
