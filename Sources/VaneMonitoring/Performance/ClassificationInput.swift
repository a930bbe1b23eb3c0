import Foundation

/// How the prediction of a classification report was given.
public enum PredictionType: String, Sendable, Equatable, Codable {
    /// Predicted labels (same kind of values as the target).
    case labels
    /// Probabilities: one positive-class column (binary) or one column per class.
    case probabilities
}

/// Classes and probability layout shared by both windows of a classification report.
struct ClassificationSetup: Sendable {
    /// Class labels in sort order.
    var classes: [String]
    /// Index of the positive class when the problem is binary.
    var positive: Int?
    /// Class index of each probability column (Evidently's column order: `[positive, negative]` for
    /// one binary probability column, the given order for one column per class).
    var probabilityClasses: [Int]
    /// Probability column of each class index.
    var columnOfClass: [Int: Int]
    /// How the prediction was given.
    var predictionType: PredictionType
}

/// One window reduced to the rows with a target and a prediction.
struct ClassificationWindow: Sendable {
    /// Class index of the target, per kept row.
    var truth: [Int32]
    /// Class index of the prediction, per kept row.
    var predicted: [Int32]
    /// Per probability column, the probability per kept row.
    var probabilities: [[Double]]?
    /// Rows in the table.
    var rows: Int
    /// Rows dropped for a missing target or prediction.
    var dropped: Int
}

/// Turns target and prediction columns into class indices (see ``ModelEvaluation``).
///
/// Values: a numeric column, or a string column whose values are all numbers (read as numbers,
/// as pandas would), is numeric; NaN, ±inf and empty cells are missing. When every target and
/// label column of both windows is numeric, classes are numbers sorted numerically and written
/// without a trailing `.0` (`1`, `2.5`); otherwise every value is compared as text and sorted by
/// Unicode code points (Python's `sorted`).
enum ClassificationInput {
    enum Values {
        case numbers([Double])
        case strings(CategoricalColumn)
    }

    enum Key: Hashable {
        case number(Double)
        case text(String)
    }

    struct Side {
        let table: DataTable
        let name: String
    }

    static func values(_ c: DataTable.Column) -> Values {
        switch c {
        case .numeric(let v): return .numbers(v)
        case .categorical(let cc):
            if let n = cc.numericValues { return .numbers(n) }
            return .strings(cc)
        }
    }

    static func key(_ x: Double, numeric: Bool) -> Key { numeric ? .number(x) : .text(FieldParser.categoryText(x)) }

    /// Distinct non-missing values of a column as keys.
    static func distinctKeys(_ v: Values, numeric: Bool) -> Set<Key> {
        switch v {
        case .numbers(let a):
            var seen = Set<Double>()
            for x in a where x.isFinite { seen.insert(x) }
            return Set(seen.map { key($0, numeric: numeric) })
        case .strings(let c):
            var used = [Bool](repeating: false, count: c.levels.count)
            for code in c.codes where code >= 0 { used[Int(code)] = true }
            return Set(c.levels.indices.filter { used[$0] }.map { Key.text(c.levels[$0]) })
        }
    }

    /// Class index per row: `-1` for a missing value, `-2` for a value that is not in `index`.
    static func indices(_ v: Values, numeric: Bool, index: [Key: Int32]) -> [Int32] {
        switch v {
        case .numbers(let a):
            var cache: [Double: Int32] = [:]
            return a.map { x in
                guard x.isFinite else { return -1 }
                if let c = cache[x] { return c }
                let c = index[key(x, numeric: numeric)] ?? -2
                cache[x] = c
                return c
            }
        case .strings(let c):
            let byLevel = c.levels.map { index[.text($0)] ?? -2 }
            return c.codes.map { $0 < 0 ? -1 : byLevel[Int($0)] }
        }
    }

    /// The text of one row's value (for messages).
    static func text(of v: Values, row: Int) -> String {
        switch v {
        case .numbers(let a): FieldParser.categoryText(a[row])
        case .strings(let c): c.codes[row] < 0 ? "" : c.levels[Int(c.codes[row])]
        }
    }

    static func text(_ k: Key) -> String {
        switch k {
        case .number(let v): FieldParser.categoryText(v)
        case .text(let s): s
        }
    }

    static func sortKeys(_ keys: Set<Key>) -> [Key] {
        keys.sorted { a, b in
            switch (a, b) {
            case (.number(let x), .number(let y)): x < y
            default: text(a).unicodeScalars.lexicographicallyPrecedes(text(b).unicodeScalars)
            }
        }
    }

    /// Positive class: the option when given, else `1`, else `true` (any case), else the larger label.
    static func positiveIndex(_ classes: [Key], option: String?, target: String) throws(EvaluationError) -> Int {
        if let option {
            let trimmed = option.trimmingCharacters(in: .whitespaces)
            if let i = classes.firstIndex(where: { k in
                switch k {
                case .number(let v): Double(trimmed) == v
                case .text(let s): s == option
                }
            }) { return i }
            throw .invalidOption("positive label '\(option)' is not a class of target '\(target)' (classes: \(classes.map(text).joined(separator: ", ")))")
        }
        if let i = classes.firstIndex(where: { $0 == .number(1) || $0 == .text("1") }) { return i }
        if let i = classes.firstIndex(where: { text($0).lowercased() == "true" }) { return i }
        return classes.count - 1
    }

    static func numberValues(_ c: DataTable.Column, column: String, side: String) throws(EvaluationError) -> [Double] {
        switch values(c) {
        case .numbers(let v): return v
        case .strings(let c): throw .notNumeric(column: column, data: side, example: c.codes.first { $0 >= 0 }.map { c.levels[Int($0)] } ?? "")
        }
    }

    static func checkProbabilities(_ v: [Double], column: String, side: String) throws(EvaluationError) {
        for x in v where x.isFinite && !(x >= 0 && x <= 1) {
            throw .probabilityOutOfRange(column: column, data: side, value: x)
        }
    }

    /// Classes, probability layout and the windows (`sides` order), or the error that prevents them.
    static func prepare(sides: [Side], target: String, predictions: [String], predictionType: PredictionType? = nil,
                        positiveLabel: String?) throws(EvaluationError) -> (ClassificationSetup, [ClassificationWindow]) {
        let targets = sides.map { values($0.table.column(named: target)!) }
        if predictions.count >= 2 {
            return try perClassProbabilities(sides: sides, targets: targets, target: target, predictions: predictions, positiveLabel: positiveLabel)
        }
        let prediction = predictions[0]
        let preds = sides.map { values($0.table.column(named: prediction)!) }
        let allNumeric = (targets + preds).allSatisfy { if case .numbers = $0 { true } else { false } }
        let targetNumeric = targets.allSatisfy { if case .numbers = $0 { true } else { false } }
        var targetSet = Set<Key>()
        for t in targets { targetSet.formUnion(distinctKeys(t, numeric: targetNumeric)) }
        // one numeric column next to a target of at most two classes, with a value that is not a
        // class: positive-class probabilities
        var probas: [[Double]]? = nil
        if predictionType == .probabilities {
            var numbers: [[Double]] = []
            for (i, side) in sides.enumerated() {
                numbers.append(try numberValues(side.table.column(named: prediction)!, column: prediction, side: sides[i].name))
            }
            if targetSet.count > 2 {
                throw .invalidOption("'\(prediction)' is given as probabilities, but target '\(target)' holds \(targetSet.count) classes; give one probability column per class")
            }
            probas = numbers
        } else if predictionType == nil && targetSet.count <= 2 {
            var numbers: [[Double]] = []
            for p in preds { if case .numbers(let v) = p { numbers.append(v) } }
            if numbers.count == preds.count {
                let isClass: (Double) -> Bool = { x in targetNumeric ? targetSet.contains(.number(x)) : false }
                if numbers.contains(where: { $0.contains { $0.isFinite && !isClass($0) } }) { probas = numbers }
            }
        }
        if let probas {
            for (i, p) in probas.enumerated() { try checkProbabilities(p, column: prediction, side: sides[i].name) }
            return try binaryProbabilities(sides: sides, targets: targets, targetNumeric: targetNumeric, targetSet: targetSet, target: target,
                                           probas: probas, positiveLabel: positiveLabel)
        }
        var all = Set<Key>()
        for v in targets + preds { all.formUnion(distinctKeys(v, numeric: allNumeric)) }
        let classes = sortKeys(all)
        let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, Int32($0)) })
        let positive = classes.count == 2 ? try positiveIndex(classes, option: positiveLabel, target: target) : nil
        if classes.count != 2, let positiveLabel {
            throw .invalidOption("positive label '\(positiveLabel)' given, but target '\(target)' and prediction '\(prediction)' hold \(classes.count) classes, not 2")
        }
        var windows: [ClassificationWindow] = []
        for s in sides.indices {
            var w = ClassificationWindow(truth: [], predicted: [], probabilities: nil, rows: sides[s].table.rowCount, dropped: 0)
            let t = indices(targets[s], numeric: allNumeric, index: index), p = indices(preds[s], numeric: allNumeric, index: index)
            for r in 0..<w.rows {
                guard t[r] >= 0 && p[r] >= 0 else { w.dropped += 1; continue }
                w.truth.append(t[r])
                w.predicted.append(p[r])
            }
            windows.append(w)
        }
        let setup = ClassificationSetup(classes: classes.map(text), positive: positive, probabilityClasses: [], columnOfClass: [:],
                                        predictionType: .labels)
        return (setup, windows)
    }

    static func binaryProbabilities(sides: [Side], targets: [Values], targetNumeric: Bool, targetSet: Set<Key>, target: String,
                                    probas: [[Double]], positiveLabel: String?) throws(EvaluationError) -> (ClassificationSetup, [ClassificationWindow]) {
        var classSet = targetSet
        if classSet.count == 1, let only = classSet.first {
            // a 0/1 target missing one class still names the other one
            let given: Key? = positiveLabel.map { l in
                if case .number = only, let v = Double(l.trimmingCharacters(in: .whitespaces)) { return .number(v) }
                return .text(l)
            }
            if let given, given != only {
                classSet.insert(given)  // the positive label names the missing class
            } else {
                switch only {
                case .number(0): classSet.insert(.number(1))
                case .number(1): classSet.insert(.number(0))
                default: throw .singleClass(column: target, label: text(only))
                }
            }
        }
        if classSet.isEmpty { classSet = [.number(0), .number(1)] }  // every target missing: reported as no rows
        let classes = sortKeys(classSet)
        let pos = try positiveIndex(classes, option: positiveLabel, target: target)
        let neg = 1 - pos
        let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, Int32($0)) })
        var windows: [ClassificationWindow] = []
        for s in sides.indices {
            var w = ClassificationWindow(truth: [], predicted: [], probabilities: [[], []], rows: sides[s].table.rowCount, dropped: 0)
            var pp: [Double] = [], pn: [Double] = []
            let t = indices(targets[s], numeric: targetNumeric, index: index)
            for r in 0..<w.rows {
                let p = probas[s][r]
                guard t[r] >= 0, p.isFinite else { w.dropped += 1; continue }
                w.truth.append(t[r])
                w.predicted.append(Int32(p >= 0.5 ? pos : neg))
                pp.append(p)
                pn.append(1.0 - p)
            }
            w.probabilities = [pp, pn]
            windows.append(w)
        }
        let setup = ClassificationSetup(classes: classes.map(text), positive: pos, probabilityClasses: [pos, neg],
                                        columnOfClass: [pos: 0, neg: 1], predictionType: .probabilities)
        return (setup, windows)
    }

    static func perClassProbabilities(sides: [Side], targets: [Values], target: String, predictions: [String],
                                      positiveLabel: String?) throws(EvaluationError) -> (ClassificationSetup, [ClassificationWindow]) {
        guard Set(predictions).count == predictions.count else {
            throw .invalidOption("prediction columns must be distinct: \(predictions.joined(separator: ", "))")
        }
        var columns: [[[Double]]] = []  // side → column → row
        for side in sides {
            var cols: [[Double]] = []
            for name in predictions {
                let v = try numberValues(side.table.column(named: name)!, column: name, side: side.name)
                try checkProbabilities(v, column: name, side: side.name)
                cols.append(v)
            }
            columns.append(cols)
        }
        let targetNumeric = targets.allSatisfy { if case .numbers = $0 { true } else { false } }
        let namesNumeric = predictions.allSatisfy { Double($0) != nil }
        let numeric = targetNumeric && namesNumeric
        let columnKeys: [Key] = predictions.map { numeric ? .number(Double($0)!) : .text($0) }
        guard Set(columnKeys).count == columnKeys.count else {
            throw .invalidOption("prediction columns name the same class twice: \(predictions.joined(separator: ", "))")
        }
        let classes = sortKeys(Set(columnKeys))
        let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, Int32($0)) })
        let probabilityClasses = columnKeys.map { Int(index[$0]!) }
        var columnOfClass: [Int: Int] = [:]
        for (col, cls) in probabilityClasses.enumerated() { columnOfClass[cls] = col }
        let positive = classes.count == 2 ? try positiveIndex(classes, option: positiveLabel, target: target) : nil
        if classes.count != 2, let positiveLabel {
            throw .invalidOption("positive label '\(positiveLabel)' given, but the prediction columns name \(classes.count) classes, not 2")
        }
        var windows: [ClassificationWindow] = []
        for s in sides.indices {
            let t = indices(targets[s], numeric: numeric, index: index)
            let cols = columns[s]
            var w = ClassificationWindow(truth: [], predicted: [], probabilities: nil, rows: sides[s].table.rowCount, dropped: 0)
            var kept = [[Double]](repeating: [], count: cols.count)
            for r in 0..<w.rows {
                guard t[r] != -1, cols.allSatisfy({ $0[r].isFinite }) else { w.dropped += 1; continue }
                guard t[r] >= 0 else { throw .unknownClass(column: target, data: sides[s].name, label: text(of: targets[s], row: r)) }
                var best = 0
                if let positive {
                    // binary: Evidently's threshold rule on the positive column
                    best = cols[columnOfClass[positive]!][r] >= 0.5 ? columnOfClass[positive]! : columnOfClass[1 - positive]!
                } else {
                    for c in 1..<cols.count where cols[c][r] > cols[best][r] { best = c }  // pandas idxmax: first maximum
                }
                w.truth.append(t[r])
                w.predicted.append(Int32(probabilityClasses[best]))
                for c in cols.indices { kept[c].append(cols[c][r]) }
            }
            w.probabilities = kept
            windows.append(w)
        }
        let setup = ClassificationSetup(classes: classes.map(text), positive: positive, probabilityClasses: probabilityClasses,
                                        columnOfClass: columnOfClass, predictionType: .probabilities)
        return (setup, windows)
    }
}
