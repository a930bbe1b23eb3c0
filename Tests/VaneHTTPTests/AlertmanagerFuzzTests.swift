import Foundation
import HTTPTypes
import NIOCore
import Testing
@testable import VaneHTTP
import VaneOps

/// Seeded mutations of alerts, silences, changes and webhook messages: whatever arrives, the
/// answer is an honest 2xx or 4xx in the surface's shape, never a 5xx, and the server answers on.
@Suite struct AlertmanagerFuzzTests {
    static var alert: [String: Any] { ["labels": ["alertname": "A", "service": "s"], "annotations": ["summary": "x"],
                                       "startsAt": "2026-01-01T00:00:00Z", "endsAt": "2030-01-01T00:00:00Z", "generatorURL": "http://p/g"] }
    static var silence: [String: Any] { ["matchers": [["name": "alertname", "value": "A", "isRegex": false, "isEqual": true]],
                                         "startsAt": "2026-01-01T00:00:00Z", "endsAt": "2030-01-01T00:00:00Z", "createdBy": "f", "comment": "c"] }

    func mutate(_ template: [String: Any], _ rng: inout FuzzRandom) -> [String: Any] {
        var object = template
        for _ in 0..<(rng.chance(20) ? 0 : 1 + rng.below(3)) {
            let key = rng.chance(20) ? rng.pick(["junk", "labels", "matchers", "id"]) : rng.pick(object.keys.sorted())
            switch rng.below(4) {
            case 0: object[key] = HTTPFuzzTests.hostileValue(&rng)
            case 1 where key == "labels" || key == "annotations":
                object[key] = [rng.pick(["", "a b", "1x", "ok", String(repeating: "n", count: 5000)]): HTTPFuzzTests.hostileValue(&rng)]
            case 2 where key == "matchers":
                object[key] = [["name": rng.pick(["a", "", "a b"]), "value": rng.pick(["(", "a++", "(a+)+$", ".*", "", String(repeating: "a", count: 5000)]),
                                "isRegex": rng.chance(70), "isEqual": rng.chance(50)]]
            default: object[key] = rng.pick(["2026-13-01T00:00:00Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2026-01-01T00:00:00+14:00", "now"])
            }
        }
        return object
    }

    func bytes(_ value: Any, _ rng: inout FuzzRandom) -> [UInt8] {
        var bytes = Array((try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])) ?? Data("[]".utf8))
        switch rng.below(8) {
        case 0 where !bytes.isEmpty: bytes = Array(bytes.prefix(rng.below(bytes.count)))
        case 1 where !bytes.isEmpty: bytes[rng.below(bytes.count)] = UInt8(truncatingIfNeeded: rng.next())
        case 2: bytes.insert(contentsOf: rng.pick([[0xC3], [0xFF, 0xFE], Array("\\ud800".utf8)]), at: rng.below(bytes.count + 1))
        default: break
        }
        return bytes
    }

    /// The tree reader alone: the result or the error's text.
    func treeRead(_ body: [UInt8], maxValues: Int) -> Result<[PostedAlert], any Error> {
        Result { try AlertmanagerWire.postedAlertsFromTree(body, maxValues: maxValues) }
    }

    @Test("the fast alert reader gives the tree reader's alerts, or steps aside", arguments: [UInt64(21), 22, 23])
    func fastReaderAgreesWithTheTree(seed: UInt64) throws {
        var rng = FuzzRandom(seed: seed)
        var fast = 0
        for round in 0..<2_000 {
            var items = (0..<(1 + rng.below(4))).map { _ in rng.chance(40) ? Self.alert : mutate(Self.alert, &rng) }
            if rng.chance(20) { items[0]["labels"] = ["a": "1", "b": "x\"y\\z\u{1}", "ü": "ö", "c": ""] }
            let body = bytes(items, &rng)
            let maxValues = rng.chance(10) ? rng.below(40) : 1_000_000
            let tree = treeRead(body, maxValues: maxValues)
            guard let quick = AlertmanagerWire.postedAlertsFast(body, maxValues: maxValues) else { continue }
            fast += 1
            guard case .success(let alerts) = tree else {
                Issue.record("round \(round): the fast reader took a body the tree refuses: \(tree) \(String(decoding: body, as: UTF8.self).prefix(300))")
                continue
            }
            #expect(quick.count == alerts.count)
            for (a, b) in zip(quick, alerts) {
                let sameLabels = LabelSet(a.labels) == LabelSet(b.labels)
                let sameAnnotations = LabelSet(a.annotations) == LabelSet(b.annotations)
                #expect(sameLabels && sameAnnotations, "round \(round)")
                let starts = a.startsAt == b.startsAt && a.startsAt?.offsetSeconds == b.startsAt?.offsetSeconds
                let ends = a.endsAt == b.endsAt && a.endsAt?.offsetSeconds == b.endsAt?.offsetSeconds
                #expect(starts && ends && a.generatorURL == b.generatorURL, "round \(round)")
            }
        }
        // Well-formed bodies go the fast way (a fifth of these, the rest being mutated).
        #expect(fast > 200)
        let plain = Array(try JSONSerialization.data(withJSONObject: [Self.alert, Self.alert, ["labels": ["a": "b"]]]))
        #expect(AlertmanagerWire.postedAlertsFast(plain, maxValues: 1_000)?.count == 3)
    }

    @Test("mutated alert-side requests never get a 5xx", arguments: [UInt64(15), 16])
    func mutatedRequests(seed: UInt64) async throws {
        try await VaneTestClient.with { vane in
            var rng = FuzzRandom(seed: seed)
            for round in 0..<300 {
                let (path, body): (String, [UInt8])
                switch rng.below(4) {
                case 0: (path, body) = ("/api/v2/alerts", bytes((0..<(1 + rng.below(3))).map { _ in mutate(Self.alert, &rng) }, &rng))
                case 1: (path, body) = ("/api/v2/silences", bytes(mutate(Self.silence, &rng), &rng))
                case 2: (path, body) = ("/api/vane/v1/changes", bytes(mutate(["type": "deploy", "service": "s", "at": "2026-01-01T00:00:00Z"], &rng), &rng))
                default: (path, body) = ("/api/vane/v1/alertmanager/webhook", bytes(["alerts": [mutate(Self.alert, &rng)], "status": "firing"], &rng))
                }
                let r = try await vane.request(.post, path, body: ByteBuffer(bytes: body), headers: [.contentType: "application/json"])
                #expect(r.status.code < 500, "round \(round) \(path): \(r.status.code) \(r.text.prefix(300))")
                if rng.chance(10) {
                    let query = rng.pick(["filter=" + (rng.pick(["a=~(", "a=%ZZ", "=x", "a=\"b", "a!~.*"]).addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""),
                                          "receiver=%28", "active=" + "x", "silenced=false"])
                    let g = try await vane.request(.get, "/api/v2/alerts?" + query)
                    #expect(g.status.code < 500, "GET alerts?\(query): \(g.status.code)")
                }
            }
            #expect(try await vane.request(.get, "/api/v2/status").status == .ok)
        }
    }
}
