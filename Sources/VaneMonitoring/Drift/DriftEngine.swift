import Foundation

/// Settings of a drift run (Evidently `DataDriftPreset` arguments).
public struct DriftOptions: Sendable, Equatable {
    /// Columns to treat as numerical; nil = inferred among the columns not listed as categorical.
    public var numericalColumns: [String]?
    /// Columns to treat as categorical; nil = inferred among the columns not listed as numerical.
    public var categoricalColumns: [String]?
    /// Method for every column (lowest precedence).
    public var method: DriftMethod?
    /// Method for numerical columns.
    public var numericalMethod: DriftMethod?
    /// Method for categorical columns.
    public var categoricalMethod: DriftMethod?
    /// Method per column (highest precedence).
    public var methodPerColumn: [String: DriftMethod]
    /// Threshold for every column (lowest precedence).
    public var threshold: Double?
    /// Threshold for numerical columns.
    public var numericalThreshold: Double?
    /// Threshold for categorical columns.
    public var categoricalThreshold: Double?
    /// Threshold per column (highest precedence).
    public var thresholdPerColumn: [String: Double]
    /// Dataset drift when drifted share ≥ this (default 0.5).
    public var driftShare: Double
    /// Columns computed concurrently (nil = number of active processors).
    public var maxConcurrency: Int?

    /// Creates options; all defaults reproduce `DataDriftPreset()`.
    public init(numericalColumns: [String]? = nil, categoricalColumns: [String]? = nil,
                method: DriftMethod? = nil, numericalMethod: DriftMethod? = nil, categoricalMethod: DriftMethod? = nil,
                methodPerColumn: [String: DriftMethod] = [:],
                threshold: Double? = nil, numericalThreshold: Double? = nil, categoricalThreshold: Double? = nil,
                thresholdPerColumn: [String: Double] = [:], driftShare: Double = 0.5, maxConcurrency: Int? = nil) {
        self.numericalColumns = numericalColumns
        self.categoricalColumns = categoricalColumns
        self.method = method
        self.numericalMethod = numericalMethod
        self.categoricalMethod = categoricalMethod
        self.methodPerColumn = methodPerColumn
        self.threshold = threshold
        self.numericalThreshold = numericalThreshold
        self.categoricalThreshold = categoricalThreshold
        self.thresholdPerColumn = thresholdPerColumn
        self.driftShare = driftShare
        self.maxConcurrency = maxConcurrency
    }

    /// Method for a column: per column, then by kind, then for all; nil = default choice.
    public func method(for column: String, kind: ColumnKind) -> DriftMethod? {
        if let m = methodPerColumn[column] { return m }
        if kind == .categorical, let m = categoricalMethod { return m }
        if kind == .numerical, let m = numericalMethod { return m }
        return method
    }

    /// Threshold for a column: per column, then by kind, then for all; nil = the method's default.
    public func threshold(for column: String, kind: ColumnKind) -> Double? {
        if let t = thresholdPerColumn[column] { return t }
        if kind == .categorical, let t = categoricalThreshold { return t }
        if kind == .numerical, let t = numericalThreshold { return t }
        return threshold
    }
}

/// Options or tables that cannot be combined.
public enum DriftError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A column named in the options (or by type) is absent from a table.
    case missingColumn(column: String, side: String)
    /// A column declared numerical holds strings.
    case notNumeric(column: String, side: String)
    /// A column is listed as both numerical and categorical.
    case conflictingTypes(column: String)
    /// An option value is invalid.
    case invalidOption(String)

    /// One-line message.
    public var description: String {
        switch self {
        case .missingColumn(let c, let s): "column '\(c)' is missing in the \(s) data"
        case .notNumeric(let c, let s): "column '\(c)' is declared numerical but holds non-numeric values in the \(s) data"
        case .conflictingTypes(let c): "column '\(c)' is listed as both numerical and categorical"
        case .invalidOption(let m): m
        }
    }
}

/// Computes data drift between a reference and a current table as Evidently 0.7.23's
/// `DataDriftPreset` does (see `specs/drift-methods.md`).
public enum DriftEngine {
    /// Resolved kind per column (explicit lists, then inference), in reference column order.
    public static func resolveColumnKinds(reference: DataTable, current: DataTable, options: DriftOptions) throws(DriftError) -> [(String, ColumnKind)] {
        let num = options.numericalColumns, cat = options.categoricalColumns
        for c in (num ?? []) where (cat ?? []).contains(c) { throw .conflictingTypes(column: c) }
        var out: [(String, ColumnKind)] = []
        var listed = Set<String>()
        for c in (num ?? []) { out.append((c, .numerical)); listed.insert(c) }
        for c in (cat ?? []) { out.append((c, .categorical)); listed.insert(c) }
        for (c, _) in out {
            if reference.column(named: c) == nil { throw .missingColumn(column: c, side: "reference") }
            if current.column(named: c) == nil { throw .missingColumn(column: c, side: "current") }
        }
        if num == nil || cat == nil {
            for name in reference.columnNames where !listed.contains(name) {
                guard let cur = current.column(named: name) else { throw .missingColumn(column: name, side: "current") }
                let kind = ColumnTypeInference.infer(reference: reference.column(named: name)!, referenceHints: reference.hints(named: name)!,
                                                     current: cur, currentHints: current.hints(named: name)!)
                if kind == .numerical && num != nil { continue }
                if kind == .categorical && cat != nil { continue }
                out.append((name, kind))
            }
            for name in current.columnNames where reference.column(named: name) == nil && !listed.contains(name) {
                throw .missingColumn(column: name, side: "reference")
            }
        }
        // keep the reference's column order
        let order = Dictionary(uniqueKeysWithValues: reference.columnNames.enumerated().map { ($1, $0) })
        out.sort { (order[$0.0] ?? .max) < (order[$1.0] ?? .max) }
        for (c, _) in options.methodPerColumn where !out.contains(where: { $0.0 == c }) {
            throw .invalidOption("--method names column '\(c)', which is not compared")
        }
        for (c, _) in options.thresholdPerColumn where !out.contains(where: { $0.0 == c }) {
            throw .invalidOption("--threshold names column '\(c)', which is not compared")
        }
        return out
    }

    /// Runs the drift computation. Columns are computed concurrently; results are in column order.
    public static func run(reference: DataTable, current: DataTable, options: DriftOptions = .init()) throws(DriftError) -> DriftReport {
        guard options.driftShare.isFinite else { throw .invalidOption("drift share must be a finite number") }
        let kinds = try resolveColumnKinds(reference: reference, current: current, options: options)
        var skipped: [SkippedColumn] = []
        var work: [(String, ColumnKind)] = []
        for (name, kind) in kinds {
            if kind == .text {
                skipped.append(SkippedColumn(column: name, reason: "text column (Evidently's text-content drift is not implemented)"))
                continue
            }
            if kind == .numerical, case .categorical = reference.column(named: name)! { throw .notNumeric(column: name, side: "reference") }
            if kind == .numerical, case .categorical = current.column(named: name)! { throw .notNumeric(column: name, side: "current") }
            work.append((name, kind))
        }
        let jobs = work
        let results = ResultSlots<ColumnDriftResult>(count: jobs.count)
        let workers = max(1, min(options.maxConcurrency ?? ProcessInfo.processInfo.activeProcessorCount, work.count))
        let next = AtomicCounter()
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let i = next.increment()
                if i >= jobs.count { break }
                let (name, kind) = jobs[i]
                results.set(i, column(name: name, kind: kind, reference: reference.column(named: name)!,
                                      current: current.column(named: name)!,
                                      method: options.method(for: name, kind: kind),
                                      threshold: options.threshold(for: name, kind: kind)))
            }
        }
        let columns = results.values()
        let dataset = DatasetDriftSummary(verdicts: columns.map(\.driftDetected), driftShare: options.driftShare)
        let pathOutcomes = columns.map { $0.datasetPath ?? $0.outcome }
        let firstError = zip(columns, pathOutcomes).first { $0.1.error != nil }.map { "column '\($0.0.column)': \($0.1.error!)" }
        let evidently = DatasetDriftSummary(verdicts: pathOutcomes.map(\.driftDetected), driftShare: options.driftShare, error: firstError)
        return DriftReport(columns: columns, dataset: dataset, evidentlyDatasetCount: evidently, skippedColumns: skipped)
    }

    /// Drift of one column pair (both paths: per-column and Evidently's dataset count).
    public static func column(name: String, kind: ColumnKind, reference: DataTable.Column, current: DataTable.Column,
                              method: DriftMethod?, threshold: Double?) -> ColumnDriftResult {
        switch (kind, reference, current) {
        case (.numerical, .numeric(let r), .numeric(let c)):
            return numericalColumn(name: name, r, c, method: method, threshold: threshold)
        default:
            return categoricalColumn(name: name, kind: kind, reference, current, method: method, threshold: threshold)
        }
    }

    static func numericalColumn(name: String, _ rRaw: [Double], _ cRaw: [Double], method: DriftMethod?, threshold: Double?) -> ColumnDriftResult {
        let r = ColumnTypeInference.clean(rRaw), c = ColumnTypeInference.clean(cRaw)
        var outcome: MethodOutcome
        var uniqueRef = 0, uniqueAll = 0
        var distribution: ColumnDistribution? = nil
        if r.values.isEmpty || c.values.isEmpty {
            outcome = ColumnDriftCalculator.emptyOutcome(r.values.isEmpty, method: method, threshold: threshold, column: name)
        } else {
            let rw = NumericWindow(r.values), cw = NumericWindow(c.values)
            uniqueRef = NumericKernels.distinctCount(sorted: rw.sorted)
            uniqueAll = NumericKernels.distinctCount(sorted: rw.sorted, cw.sorted)
            outcome = ColumnDriftCalculator.numerical(rw, cw, uniqueCombined: uniqueAll, method: method, threshold: threshold)
            distribution = .histogram(sortedReference: rw.sorted, sortedCurrent: cw.sorted)
        }
        // Evidently's dataset count cleans a window only if it holds a NaN: infinities survive otherwise.
        var datasetPath: MethodOutcome? = nil
        let rKeepsInf = r.missing == 0 && r.infinite > 0, cKeepsInf = c.missing == 0 && c.infinite > 0
        if rKeepsInf || cKeepsInf {
            let rd = rKeepsInf ? rRaw : r.values, cd = cKeepsInf ? cRaw : c.values
            if rd.isEmpty || cd.isEmpty {
                datasetPath = ColumnDriftCalculator.emptyOutcome(rd.isEmpty, method: method, threshold: threshold, column: name)
            } else {
                let rw = NumericWindow(rd), cw = NumericWindow(cd)
                datasetPath = ColumnDriftCalculator.numerical(rw, cw, uniqueCombined: NumericKernels.distinctCount(sorted: rw.sorted, cw.sorted),
                                                              method: method, threshold: threshold)
            }
        }
        return ColumnDriftResult(column: name, type: .numerical, outcome: outcome,
                                 referenceRowsUsed: r.values.count, currentRowsUsed: c.values.count,
                                 referenceMissing: r.missing, currentMissing: c.missing,
                                 referenceInfinite: r.infinite, currentInfinite: c.infinite,
                                 uniqueReference: uniqueRef, uniqueCombined: uniqueAll, datasetPath: datasetPath,
                                 distribution: distribution)
    }

    static func categoricalColumn(name: String, kind: ColumnKind, _ reference: DataTable.Column, _ current: DataTable.Column,
                                  method: DriftMethod?, threshold: Double?) -> ColumnDriftResult {
        // Numbers used as categories (an integer column inferred categorical, as pandas holds it
        // as numbers: 1 and 1.0 are one category, keys sort numerically). Strings stay strings,
        // as Evidently compares them when a column is declared categorical and read as text:
        // "1" and "1.0" are two categories and "inf" is a category like any other.
        if case .numeric(let rNum) = reference, case .numeric(let cNum) = current {
            // numbers used as categories: NaN and ±inf dropped as for numerical columns
            let r = ColumnTypeInference.clean(rNum), c = ColumnTypeInference.clean(cNum)
            let (values, counts) = CategoryCounts.distinct(sortedReference: RadixSort.sorted(r.values), sortedCurrent: RadixSort.sorted(c.values))
            let outcome = ColumnDriftCalculator.categorical(counts, firstKey: 0, method: method, threshold: threshold)
            var datasetPath: MethodOutcome? = nil
            let rKeepsInf = r.missing == 0 && r.infinite > 0, cKeepsInf = c.missing == 0 && c.infinite > 0
            if rKeepsInf || cKeepsInf {
                let rd = rKeepsInf ? rNum : r.values, cd = cKeepsInf ? cNum : c.values
                let dc = CategoryCounts.distinct(sortedReference: RadixSort.sorted(rd), sortedCurrent: RadixSort.sorted(cd)).counts
                datasetPath = ColumnDriftCalculator.categorical(dc, firstKey: 0, method: method, threshold: threshold)
            }
            return ColumnDriftResult(column: name, type: .categorical, outcome: withColumnName(outcome, name),
                                     referenceRowsUsed: r.values.count, currentRowsUsed: c.values.count,
                                     referenceMissing: r.missing, currentMissing: c.missing,
                                     referenceInfinite: r.infinite, currentInfinite: c.infinite,
                                     uniqueReference: counts.reference.filter { $0 > 0 }.count,
                                     uniqueCombined: counts.observedKeyCount, datasetPath: datasetPath,
                                     distribution: .categories(labels: values.map(FieldParser.categoryText), reference: counts.reference, current: counts.current))
        }
        let rc = asCategorical(reference), cc = asCategorical(current)
        // joint key space
        var index: [String: Int] = [:]
        var keys: [String] = []
        func mapping(_ levels: [String]) -> [Int] {
            levels.map { l in
                if let i = index[l] { return i }
                index[l] = keys.count
                keys.append(l)
                return keys.count - 1
            }
        }
        let rMap = mapping(rc.levels), cMap = mapping(cc.levels)
        var rCounts = [Int](repeating: 0, count: keys.count), cCounts = rCounts
        var rMissing = 0, cMissing = 0
        for code in rc.codes { if code < 0 { rMissing += 1 } else { rCounts[rMap[Int(code)]] += 1 } }
        for code in cc.codes { if code < 0 { cMissing += 1 } else { cCounts[cMap[Int(code)]] += 1 } }
        // drop keys seen in neither window
        var keep: [Int] = []
        for k in 0..<keys.count where rCounts[k] + cCounts[k] > 0 { keep.append(k) }
        let counts = CategoryCounts(reference: keep.map { rCounts[$0] }, current: keep.map { cCounts[$0] },
                                    referenceTotal: rc.codes.count - rMissing, currentTotal: cc.codes.count - cMissing)
        var firstKey = 0
        for (i, k) in keep.enumerated() where i > 0 {
            if keys[k].unicodeScalars.lexicographicallyPrecedes(keys[keep[firstKey]].unicodeScalars) { firstKey = i }
        }
        let outcome = ColumnDriftCalculator.categorical(counts, firstKey: firstKey, method: method, threshold: threshold)
        return ColumnDriftResult(column: name, type: .categorical, outcome: withColumnName(outcome, name),
                                 referenceRowsUsed: counts.referenceTotal, currentRowsUsed: counts.currentTotal,
                                 referenceMissing: rMissing, currentMissing: cMissing,
                                 referenceInfinite: 0, currentInfinite: 0,
                                 uniqueReference: counts.reference.filter { $0 > 0 }.count,
                                 uniqueCombined: counts.observedKeyCount,
                                 distribution: .categories(labels: keep.map { keys[$0] }, reference: counts.reference, current: counts.current))
    }

    private static func asCategorical(_ c: DataTable.Column) -> CategoricalColumn {
        switch c {
        case .categorical(let cat): return cat
        case .numeric(let v): return CategoricalColumn(v.map { $0.isNaN ? nil : pythonRepr($0) })
        }
    }

    private static func withColumnName(_ o: MethodOutcome, _ name: String) -> MethodOutcome {
        var o = o
        if let e = o.error, e.contains("An empty column  was") { o.error = e.replacingOccurrences(of: "column  was", with: "column '\(name)' was") }
        return o
    }
}

/// Fixed-size result storage written from concurrent workers (each index written once).
final class ResultSlots<T: Sendable>: @unchecked Sendable {
    private var storage: [T?]
    private let lock = NSLock()
    init(count: Int) { storage = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ v: T) { lock.lock(); storage[i] = v; lock.unlock() }
    func values() -> [T] { lock.lock(); defer { lock.unlock() }; return storage.map { $0! } }
}

/// A shared counter handing out work indices.
final class AtomicCounter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()
    func increment() -> Int { lock.lock(); defer { lock.unlock() }; let v = value; value += 1; return v }
}
