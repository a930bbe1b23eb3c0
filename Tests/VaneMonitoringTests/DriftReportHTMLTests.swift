import Foundation
import Testing
@testable import VaneMonitoring

struct DriftReportHTMLTests {
    func report() throws -> DriftReport {
        let ref = try DataTable(columns: [
            (name: "amount", values: .numeric((0..<200).map { Double($0 % 40) })),
            (name: "<colour>", values: .categorical(CategoricalColumn((0..<200).map { ["red", "green", "blue & co"][$0 % 3] }))),
            (name: "empty", values: .numeric([Double](repeating: .nan, count: 200))),
        ])
        let cur = try DataTable(columns: [
            (name: "amount", values: .numeric((0..<200).map { Double($0 % 40) + 15 })),
            (name: "<colour>", values: .categorical(CategoricalColumn((0..<200).map { ["red", "red", "blue & co"][$0 % 3] }))),
            (name: "empty", values: .numeric([Double](repeating: .nan, count: 200))),
        ])
        return try DriftEngine.run(reference: ref, current: cur, options: .init(categoricalColumns: ["<colour>"]))
    }

    @Test func pageIsSelfContainedWithAChartPerColumnThatHasData() throws {
        let html = try report().html(referenceName: "ref.csv", currentName: "cur.csv")
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(!html.lowercased().contains("<script"))
        #expect(!html.contains("https://") && !html.contains("<link") && !html.contains("<img"))
        // two columns have values on both sides; the all-missing one has no chart
        #expect(html.components(separatedBy: "<svg").count - 1 == 2)
        #expect(html.components(separatedBy: "class=\"bar-ref\"").count == html.components(separatedBy: "class=\"bar-cur\"").count)
        #expect(html.contains("Dataset drift detected"))
        #expect(html.contains("not enough data"))
    }

    @Test func textFromTheDataIsEscaped() throws {
        let html = try report().html(referenceName: "a<b>.csv", currentName: "\"q\".csv")
        #expect(!html.contains("<colour>"))
        #expect(html.contains("&lt;colour&gt;"))
        #expect(html.contains("blue &amp; co") || html.contains("blue &amp;"))
        #expect(html.contains("a&lt;b&gt;.csv") && html.contains("&quot;q&quot;.csv"))
    }

    @Test func emptyColumnIsNotEnoughDataWithANullThresholdInJSON() throws {
        let r = try report()
        let empty = try #require(r.columns.first { $0.column == "empty" })
        #expect(empty.status == "not_enough_data" && !empty.driftDetected)
        let json = try #require(try JSONSerialization.jsonObject(with: r.jsonData()) as? [String: Any])
        let cols = try #require(json["columns"] as? [[String: Any]])
        let e = try #require(cols.first { $0["column"] as? String == "empty" })
        #expect(e["threshold"] is NSNull)
        #expect(e["status"] as? String == "not_enough_data")
        let amount = try #require(cols.first { $0["column"] as? String == "amount" })
        #expect(amount["status"] as? String == "ok")
        #expect((amount["distribution"] as? [String: Any])?["kind"] as? String == "histogram")
    }
}
