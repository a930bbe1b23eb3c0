import Testing
@testable import VaneOps

@Suite struct FingerprintTests {
    @Test func matchesAlertmanagersCapturedFingerprints() {
        // From ../shared/fixtures/alertmanager (Alertmanager 0.25's own output).
        #expect(LabelSet(["alertname": "HalfTimeFiring", "service": "payments", "severity": "critical"]).fingerprint.description == "7f0599fd557b806d")
        #expect(LabelSet(["alertname": "AlwaysFiring", "service": "checkout", "severity": "warning"]).fingerprint.description == "39e8ad63bff262d8")
        #expect(LabelSet(["alertname": "ManualWarning", "service": "payments", "severity": "warning", "instance": "pay-1"]).fingerprint.description == "dcaeb79a94f09d68")
    }

    @Test func emptySetIsTheOffsetBasisAndHexIsPadded() {
        #expect(LabelSet.empty.fingerprint.value == 14_695_981_039_346_656_037)
        #expect(Fingerprint(0xab).description == "00000000000000ab")
        #expect(Fingerprint(hex: "00000000000000ab") == Fingerprint(0xab))
        #expect(Fingerprint(hex: "xyz") == nil)
    }

    @Test func orderOfLabelsDoesNotMatterAndTheLastDuplicateWins() {
        let a = LabelSet([Label("b", "2"), Label("a", "1")])
        let b = LabelSet([Label("a", "0"), Label("b", "2"), Label("a", "1")])
        #expect(a.fingerprint == b.fingerprint)
        #expect(b["a"] == "1")
        #expect(a.description == "{a=\"1\", b=\"2\"}")
    }
}
