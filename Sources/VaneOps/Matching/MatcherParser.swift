import Foundation

/// Reads matchers written the way Alertmanager's `labels.ParseMatcher` and `ParseMatchers` read
/// them: `name op value` with op one of `=`, `!=`, `=~`, `!~`; the value bare or in double quotes
/// (`\"`, `\\` and `\n` escaped); a list separated by commas outside quotes, optionally in braces.
public enum MatcherParser {
    /// One matcher, as the API's `filter` parameter and each item of a config's `matchers` take it.
    public static func parse(_ text: String) throws(MatcherError) -> Matcher {
        let scalars = Array(text.unicodeScalars)
        var i = 0
        func isSpace(_ s: Unicode.Scalar) -> Bool { s == " " || s == "\t" || s == "\n" || s == "\r" || s == "\u{0B}" || s == "\u{0C}" }
        while i < scalars.count, isSpace(scalars[i]) { i += 1 }
        let nameStart = i
        func isNameStart(_ s: Unicode.Scalar) -> Bool { (s >= "a" && s <= "z") || (s >= "A" && s <= "Z") || s == "_" || s == ":" }
        guard i < scalars.count, isNameStart(scalars[i]) else { throw MatcherError("bad matcher format: \(text)") }
        while i < scalars.count, isNameStart(scalars[i]) || (scalars[i] >= "0" && scalars[i] <= "9") { i += 1 }
        let name = String(String.UnicodeScalarView(scalars[nameStart..<i]))
        while i < scalars.count, isSpace(scalars[i]) { i += 1 }
        let kind: Matcher.Kind
        func at(_ k: Int) -> Unicode.Scalar? { k < scalars.count ? scalars[k] : nil }
        switch (at(i), at(i + 1)) {
        case ("=", "~"): kind = .regex; i += 2
        case ("!", "="): kind = .notEqual; i += 2
        case ("!", "~"): kind = .notRegex; i += 2
        case ("=", _): kind = .equal; i += 1
        default: throw MatcherError("bad matcher format: \(text)")
        }
        while i < scalars.count, isSpace(scalars[i]) { i += 1 }
        var end = scalars.count
        while end > i, isSpace(scalars[end - 1]) { end -= 1 }
        let raw = Array(scalars[i..<end])
        let rawText = String(String.UnicodeScalarView(raw))
        var body = raw[...]
        var expectTrailingQuote = false
        if body.first == "\"" {
            body = body.dropFirst()
            expectTrailingQuote = true
        }
        var value = String.UnicodeScalarView()
        var escaped = false
        let bodyArray = Array(body)
        for (index, scalar) in bodyArray.enumerated() {
            if escaped {
                escaped = false
                switch scalar {
                case "n": value.append("\n")
                case "\"", "\\": value.append(scalar)
                default:
                    value.append("\\")
                    value.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\\":
                if index < bodyArray.count - 1 { escaped = true } else { value.append("\\") }
            case "\"":
                if !expectTrailingQuote || index < bodyArray.count - 1 {
                    throw MatcherError("matcher value contains unescaped double quote: \(rawText)")
                }
                expectTrailingQuote = false
            default:
                value.append(scalar)
            }
        }
        if expectTrailingQuote { throw MatcherError("matcher value contains unescaped double quote: \(rawText)") }
        return try Matcher(name: name, kind: kind, value: String(value))
    }

    /// A list: `{a="b", c=~"d"}` or `a="b",c=~"d"`.
    public static func parseList(_ text: String) throws(MatcherError) -> [Matcher] {
        var body = Substring(text)
        if body.hasPrefix("{") { body = body.dropFirst() }
        if body.hasSuffix("}") { body = body.dropLast() }
        var tokens: [String] = []
        var token = String.UnicodeScalarView()
        var insideQuotes = false
        var escaped = false
        for scalar in body.unicodeScalars {
            switch scalar {
            case ",":
                if !insideQuotes {
                    tokens.append(String(token))
                    token = String.UnicodeScalarView()
                    continue
                }
            case "\"":
                if !escaped { insideQuotes.toggle() } else { escaped = false }
            case "\\":
                escaped.toggle()
            default:
                escaped = false
            }
            token.append(scalar)
        }
        let last = String(token).trimmingCharacters(in: .whitespacesAndNewlines)
        if !last.isEmpty { tokens.append(last) }
        var result: [Matcher] = []
        for token in tokens { result.append(try parse(token)) }
        return result
    }
}
