/// The part of Go's `text/template` that notification templates use, over a ``Notification``:
/// `{{ .Status }}`, `{{ .Receiver }}`, `{{ .ExternalURL }}`, `{{ .GroupLabels.name }}`,
/// `{{ .CommonLabels.name }}`, `{{ .CommonAnnotations.name }}`, `{{ range .Alerts }}…{{ end }}`
/// (also `.Alerts.Firing`, `.Alerts.Resolved`) with `.Labels.name`, `.Annotations.name`, `.Status`,
/// `.StartsAt`, `.EndsAt`, `.GeneratorURL`, `.Fingerprint` inside, `{{ if … }}…{{ else }}…{{ end }}`
/// (with `eq A B` and `gt A B`), `len`, `toUpper`, `toLower`, pipes, `{{- … -}}` trimming and
/// `{{ template "__subject" . }}`. Anything else renders as nothing.
public enum GoTemplate {
    /// The most output one render produces; the rest is cut.
    static let maxOutput = 64 * 1024

    indirect enum Node {
        case text(String)
        case action(String)
        case range(String, [Node])
        case conditional(String, [Node], [Node])
    }

    enum Scope {
        case root(Notification)
        case alert(Notification.Item, Notification)
    }

    public static func render(_ template: String, _ notification: Notification) -> String {
        var tokens = tokenize(template)[...]
        let nodes = parse(&tokens, until: [])
        var out = ""
        render(nodes, scope: .root(notification), into: &out)
        return out.count > maxOutput ? String(out.prefix(maxOutput)) : out
    }

    /// Text and actions, with `{{-`/`-}}` whitespace trimming applied.
    static func tokenize(_ text: String) -> [(isAction: Bool, text: String)] {
        var result: [(Bool, String)] = []
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            var before = String(rest[..<open.lowerBound])
            var afterOpen = rest[open.upperBound...]
            if afterOpen.hasPrefix("-") {
                while before.last?.isWhitespace == true { before.removeLast() }
                afterOpen = afterOpen.dropFirst()
            }
            result.append((false, before))
            guard let close = afterOpen.range(of: "}}") else { rest = ""; break }
            var body = afterOpen[..<close.lowerBound]
            var after = afterOpen[close.upperBound...]
            if body.hasSuffix("-") {
                body = body.dropLast()
                after = after.drop { $0.isWhitespace }
            }
            result.append((true, body.trimmingSpaces()))
            rest = after
        }
        result.append((false, String(rest)))
        return result
    }

    static func parse(_ tokens: inout ArraySlice<(isAction: Bool, text: String)>, until ends: Set<String>) -> [Node] {
        var nodes: [Node] = []
        while let token = tokens.first {
            tokens = tokens.dropFirst()
            guard token.isAction else { nodes.append(.text(token.text)); continue }
            let word = token.text.split(separator: " ", maxSplits: 1).first.map(String.init) ?? ""
            if ends.contains(word) {
                tokens = [(true, token.text)] + tokens
                return nodes
            }
            switch word {
            case "range":
                let body = parse(&tokens, until: ["end"])
                tokens = tokens.dropFirst()
                nodes.append(.range(String(token.text.dropFirst(5)).trimmingSpaces(), body))
            case "if":
                let then = parse(&tokens, until: ["else", "end"])
                var otherwise: [Node] = []
                if tokens.first?.text == "else" {
                    tokens = tokens.dropFirst()
                    otherwise = parse(&tokens, until: ["end"])
                }
                tokens = tokens.dropFirst()
                nodes.append(.conditional(String(token.text.dropFirst(2)).trimmingSpaces(), then, otherwise))
            default:
                if word.hasPrefix("/*") { continue }
                nodes.append(.action(token.text))
            }
        }
        return nodes
    }

    static func render(_ nodes: [Node], scope: Scope, into out: inout String) {
        for node in nodes {
            guard out.count <= maxOutput else { return }
            switch node {
            case .text(let text): out += text
            case .action(let expression): out += evaluate(expression, scope: scope).text
            case .range(let expression, let body):
                guard case .root(let n) = scope else { continue }
                for item in items(expression, n) { render(body, scope: .alert(item, n), into: &out) }
            case .conditional(let expression, let then, let otherwise):
                render(evaluate(expression, scope: scope).truthy ? then : otherwise, scope: scope, into: &out)
            }
        }
    }

    static func items(_ expression: String, _ n: Notification) -> [Notification.Item] {
        switch expression {
        case ".Alerts": n.items
        case ".Alerts.Firing": n.firing
        case ".Alerts.Resolved": n.resolvedItems
        default: []
        }
    }

    enum Value {
        case text(String)
        case number(Int)
        case list([Notification.Item])

        var text: String {
            switch self {
            case .text(let t): t
            case .number(let n): String(n)
            case .list(let items): "[" + items.map(\.alert.labels.description).joined(separator: " ") + "]"
            }
        }

        var truthy: Bool {
            switch self {
            case .text(let t): !t.isEmpty
            case .number(let n): n != 0
            case .list(let items): !items.isEmpty
            }
        }
    }

    /// A pipeline: `a | f | g`, each stage a command (a value, or a function and its arguments).
    static func evaluate(_ expression: String, scope: Scope) -> Value {
        var value: Value?
        for stage in expression.split(separator: "|").map({ String($0).trimmingSpaces() }) {
            value = command(words(stage), piped: value, scope: scope)
        }
        return value ?? .text("")
    }

    static func words(_ text: String) -> [String] {
        var result: [String] = []
        var current = ""
        var quoted = false
        for ch in text {
            if ch == "\"" { quoted.toggle(); current.append(ch); continue }
            if ch == " ", !quoted {
                if !current.isEmpty { result.append(current); current = "" }
                continue
            }
            current.append(ch)
        }
        if !current.isEmpty { result.append(current) }
        return result
    }

    static func command(_ words: [String], piped: Value?, scope: Scope) -> Value {
        guard let head = words.first else { return piped ?? .text("") }
        var args = words.dropFirst().map { operand($0, scope: scope) }
        if let piped { args.append(piped) }
        switch head {
        case "len":
            switch args.first {
            case .list(let items): return .number(items.count)
            case .text(let t): return .number(t.count)
            default: return .number(0)
            }
        case "toUpper": return .text(args.first?.text.uppercased() ?? "")
        case "toLower": return .text(args.first?.text.lowercased() ?? "")
        case "eq": return .text(args.count >= 2 && args[0].text == args[1].text ? "true" : "")
        case "ne": return .text(args.count >= 2 && args[0].text != args[1].text ? "true" : "")
        case "gt":
            guard args.count >= 2, let a = Int(args[0].text), let b = Int(args[1].text) else { return .text("") }
            return .text(a > b ? "true" : "")
        case "template":
            guard case .root(let n) = scope else { return .text("") }
            switch words.dropFirst().first ?? "" {
            case "\"__subject\"", "\"slack.default.title\"", "\"pagerduty.default.description\"", "\"email.default.subject\"":
                return .text(Integration.subject(n))
            case "\"__alertmanager\"", "\"slack.default.username\"", "\"pagerduty.default.client\"": return .text("Vane")
            case "\"__alertmanagerURL\"", "\"slack.default.titlelink\"", "\"pagerduty.default.clientURL\"":
                return .text(Integration.alertmanagerURL(n))
            default: return .text("")
            }
        default:
            return piped.map { _ in operand(head, scope: scope) } ?? operand(head, scope: scope)
        }
    }

    static func operand(_ word: String, scope: Scope) -> Value {
        if word.hasPrefix("\""), word.hasSuffix("\""), word.count >= 2 { return .text(String(word.dropFirst().dropLast())) }
        if let number = Int(word) { return .number(number) }
        guard word.hasPrefix(".") else { return .text("") }
        let path = word.dropFirst().split(separator: ".").map(String.init)
        switch scope {
        case .root(let n):
            switch path.first {
            case "Status": return .text(n.status)
            case "Receiver": return .text(n.receiver)
            case "ExternalURL": return .text(n.externalURL)
            case "GroupLabels": return .text(path.count > 1 ? n.groupLabels.value(path[1]) : n.groupLabels.description)
            case "CommonLabels": return .text(path.count > 1 ? n.commonLabels.value(path[1]) : n.commonLabels.description)
            case "CommonAnnotations": return .text(path.count > 1 ? n.commonAnnotations.value(path[1]) : n.commonAnnotations.description)
            case "Alerts": return .list(items(word, n))
            default: return .text("")
            }
        case .alert(let item, _):
            switch path.first {
            case "Status": return .text(item.resolved ? "resolved" : "firing")
            case "Labels": return .text(path.count > 1 ? item.alert.labels.value(path[1]) : item.alert.labels.description)
            case "Annotations": return .text(path.count > 1 ? item.alert.annotations.value(path[1]) : item.alert.annotations.description)
            case "StartsAt": return .text(item.alert.startsAt.rfc3339Nano)
            case "EndsAt": return .text(item.resolved ? item.alert.endsAt.rfc3339Nano : WireTime.zeroText)
            case "GeneratorURL": return .text(item.alert.generatorURL)
            case "Fingerprint": return .text(item.alert.fingerprint.description)
            default: return .text("")
            }
        }
    }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first?.isWhitespace == true { s = s.dropFirst() }
        while s.last?.isWhitespace == true { s = s.dropLast() }
        return String(s)
    }
}
