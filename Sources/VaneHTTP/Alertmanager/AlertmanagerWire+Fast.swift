import VaneText
import VaneOps

extension AlertmanagerWire {
    /// `postableAlerts` read straight from the bytes, without a JSON tree, for the bodies senders
    /// actually post: an array of objects with `labels`, `annotations`, `startsAt`, `endsAt` and
    /// `generatorURL`, each key once, label values strings. Nil for anything else (a syntax
    /// error, another key, a type Alertmanager refuses, a bad time or URL, a value past the
    /// budget): the caller then reads the body as a tree, which gives Alertmanager's exact error
    /// or the same alerts. Values are counted as the tree counts them, so the bound on a body's
    /// values holds on both paths.
    static func postedAlertsFast(_ bytes: [UInt8], maxValues: Int) -> [PostedAlert]? {
        var lexer = JSONLexer(bytes: bytes)
        var budget = JSONBudget(maxDepth: 3, maxValues: maxValues)
        do {
            lexer.skipSpace()
            guard budget.enter(depth: 0) == nil, lexer.consume(UInt8(ascii: "[")) else { return nil }
            var result: [PostedAlert] = []
            if !lexer.consume(UInt8(ascii: "]")) {
                repeat {
                    guard let alert = try alert(&lexer, budget: &budget) else { return nil }
                    result.append(alert)
                } while lexer.consume(UInt8(ascii: ","))
                guard lexer.consume(UInt8(ascii: "]")) else { return nil }
            }
            lexer.skipSpace()
            return lexer.isAtEnd ? result : nil
        } catch {
            return nil
        }
    }

    private static func alert(_ lexer: inout JSONLexer, budget: inout JSONBudget) throws -> PostedAlert? {
        guard budget.enter(depth: 1) == nil, lexer.consume(UInt8(ascii: "{")) else { return nil }
        var alert = PostedAlert(labels: [])
        var seen: UInt8 = 0
        var hasLabels = false
        if lexer.consume(UInt8(ascii: "}")) { return nil }
        repeat {
            lexer.skipSpace()
            guard lexer.current == UInt8(ascii: "\"") else { return nil }
            let key = try lexer.string()
            guard lexer.consume(UInt8(ascii: ":")) else { return nil }
            lexer.skipSpace()
            guard budget.enter(depth: 2) == nil else { return nil }
            let bit: UInt8
            switch key {
            case "labels":
                bit = 1
                guard let labels = try stringMap(&lexer, budget: &budget) else { return nil }
                alert.labels = labels
                hasLabels = true
            case "annotations":
                bit = 2
                if lexer.current == UInt8(ascii: "n") {
                    try lexer.literal("null")
                } else {
                    guard let annotations = try stringMap(&lexer, budget: &budget) else { return nil }
                    alert.annotations = annotations
                }
            case "startsAt", "endsAt":
                bit = key == "startsAt" ? 4 : 8
                var time: WireTime?
                if lexer.current == UInt8(ascii: "n") {
                    try lexer.literal("null")
                } else {
                    guard lexer.current == UInt8(ascii: "\"") else { return nil }
                    let text = try lexer.string()
                    if !text.isEmpty {
                        guard let parsed = WireTime(rfc3339: text) else { return nil }
                        time = parsed
                    }
                }
                if bit == 4 { alert.startsAt = time } else { alert.endsAt = time }
            case "generatorURL":
                bit = 16
                if lexer.current == UInt8(ascii: "n") {
                    try lexer.literal("null")
                } else {
                    guard lexer.current == UInt8(ascii: "\"") else { return nil }
                    let text = try lexer.string()
                    guard text.isEmpty || isURI(text) else { return nil }
                    alert.generatorURL = text
                }
            default:
                return nil
            }
            guard seen & bit == 0 else { return nil }
            seen |= bit
        } while lexer.consume(UInt8(ascii: ","))
        guard hasLabels, lexer.consume(UInt8(ascii: "}")) else { return nil }
        return alert
    }

    /// `{"name": "value", …}` with string values only; nil for anything else.
    private static func stringMap(_ lexer: inout JSONLexer, budget: inout JSONBudget) throws -> [Label]? {
        guard lexer.consume(UInt8(ascii: "{")) else { return nil }
        var labels: [Label] = []
        if lexer.consume(UInt8(ascii: "}")) { return labels }
        repeat {
            lexer.skipSpace()
            guard lexer.current == UInt8(ascii: "\"") else { return nil }
            let name = try lexer.string()
            guard lexer.consume(UInt8(ascii: ":")) else { return nil }
            lexer.skipSpace()
            guard budget.enter(depth: 3) == nil, lexer.current == UInt8(ascii: "\"") else { return nil }
            labels.append(Label(name, try lexer.string()))
        } while lexer.consume(UInt8(ascii: ","))
        guard lexer.consume(UInt8(ascii: "}")) else { return nil }
        return labels
    }
}
