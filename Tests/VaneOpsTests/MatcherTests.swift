import Testing
@testable import VaneOps

@Suite struct MatcherTests {
    @Test func parsesAlertmanagersForms() throws {
        let m = try MatcherParser.parse(#"severity=~"critical|warning""#)
        #expect(m.name == "severity" && m.kind == .regex && m.value == "critical|warning")
        #expect(m.matches("critical") && m.matches("warning") && !m.matches("criticalx") && !m.matches(""))
        let bare = try MatcherParser.parse("  service != checkout  ")
        #expect(bare.kind == .notEqual && bare.value == "checkout")
        let escaped = try MatcherParser.parse(#"note="say \"hi\"\n\\ ok""#)
        #expect(escaped.value == "say \"hi\"\n\\ ok")
        #expect(try MatcherParser.parse("a!~b.*").matches("c"))
        #expect(!(try MatcherParser.parse("a!~b.*").matches("bee")))
    }

    @Test func refusesBadMatchersWithAlertmanagersWords() {
        #expect(throws: MatcherError("bad matcher format: bad")) { try MatcherParser.parse("bad") }
        #expect(throws: MatcherError("bad matcher format: {a=\"b\"}")) { try MatcherParser.parse(#"{a="b"}"#) }
        #expect(throws: MatcherError(#"matcher value contains unescaped double quote: "a"b""#)) { try MatcherParser.parse(#"x="a"b""#) }
        #expect(throws: MatcherError.self) { try MatcherParser.parse("x=~(") }
    }

    @Test func listsSplitOnCommasOutsideQuotesWithOrWithoutBraces() throws {
        let list = try MatcherParser.parseList(#"{a="1,2", b=~"x|y",c!=""}"#)
        #expect(list.map(\.name) == ["a", "b", "c"])
        #expect(list[0].value == "1,2")
        #expect(try MatcherParser.parseList("a=1,").count == 1)
        #expect(throws: MatcherError.self) { try MatcherParser.parseList("a=1,,b=2") }
        #expect(list.description == #"{a="1,2",b=~"x|y",c!=""}"#)
    }

    @Test func regexesAreAnchoredAndTheSafeSubsetIsEnforced() throws {
        let prefix = try Matcher(name: "i", kind: .regex, value: "web-.*")
        #expect(prefix.matches("web-1") && !prefix.matches("xweb-1"))
        let alternatives = try Matcher(name: "s", kind: .regex, value: "a|b")
        #expect(alternatives.matches("a") && !alternatives.matches("ab"))
        // What RE2 refuses, and what would let a pattern backtrack for ever, is refused.
        for pattern in [#"(a)\1"#, "(?=a)a", "(?!a)b", "(?<=a)b", "(?>a+)", "a++", "a*+", "(a+)+$", "(a|aa)*", "(x+)*y", "((ab)+)+", "(.*a){10}"] {
            #expect(throws: MatcherError.self) { try Matcher(name: "x", kind: .regex, value: pattern) }
        }
        #expect(throws: MatcherError.self) { try Matcher(name: "x", kind: .regex, value: String(repeating: "a", count: 5000)) }
        // Repetition that cannot blow up is fine.
        for pattern in ["(critical|warning)", "(ab)+", "web-.*", "[a-z]+-[0-9]{1,3}", "(a|b)?", #"\d+\.\d+"#] {
            #expect(throws: Never.self) { try Matcher(name: "x", kind: .regex, value: pattern) }
        }
        // Escapes and classes are not mistaken for those.
        #expect(try Matcher(name: "x", kind: .regex, value: #"[+*?]\+"#).matches("*+"))
    }

    @Test func absentLabelsReadAsEmpty() throws {
        let labels = LabelSet(["a": "1"])
        #expect(try Matcher(name: "b", kind: .equal, value: "").matches(labels))
        #expect(!(try Matcher(name: "b", kind: .notEqual, value: "").matches(labels)))
        #expect(try Matcher(name: "b", kind: .regex, value: ".*").matches(labels))
    }
}
