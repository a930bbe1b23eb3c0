import Foundation

/// One pass over a column as the quality check sees it: missing values (NaN, ±inf, missing codes —
/// Evidently's default missing values `["", inf, -inf, None]`), values of the wrong type, numeric
/// summary and, when asked, per-category counts. Allocates per column, never per row.
struct ColumnProfile {
    var rows = 0
    /// NaN, ±inf and missing codes.
    var missing = 0
    /// ±inf (also counted in ``missing``).
    var infinite = 0
    /// Non-missing values of the right type.
    var values = 0
    var typeViolations = 0
    /// 1-based data row of the first type violation.
    var firstTypeViolationRow: Int? = nil
    var typeViolationExamples: [String] = []
    var minimum: Double? = nil
    var maximum: Double? = nil
    var mean: Double? = nil
    /// Sample standard deviation (ddof 1, as pandas `std`) of the finite values; nil below 2 values.
    var standardDeviation: Double? = nil
    /// Every value is a finite integer (false without values).
    var integerOnly = false
    var distinct = 0
    /// Values below / above the range given to the profile (numbers only).
    var belowRange = 0
    var aboveRange = 0
    /// Category → count, ascending by code point (only when categories were requested).
    var categories: [(value: String, count: Int)] = []

    /// Range to count values against: nil = no range check; `.some(nil)` = the reference had no
    /// values, so every value is out of range.
    typealias Range = (minimum: Double, maximum: Double)

    /// Profiles `column` read as `valueType`. `checkIntegers` makes finite fractional values type
    /// violations; `categories` fills ``categories``; `maxExamples` bounds the examples kept.
    init(_ column: DataTable.Column, valueType: ValueType, checkIntegers: Bool = false, categories wantCategories: Bool,
         range: Range?? = nil, maxExamples: Int = 5) {
        rows = column.count
        switch (valueType, column) {
        case (.number, .numeric(let v)):
            profileNumbers(v, invalidLevels: nil, checkIntegers: checkIntegers, wantCategories: wantCategories,
                           range: range, maxExamples: maxExamples)
        case (.number, .categorical(let c)):
            // numbers written as text: parse each level once
            var levelValues = [Double](repeating: .nan, count: c.levels.count)
            var invalid = [Bool](repeating: false, count: c.levels.count)
            for (i, l) in c.levels.enumerated() {
                switch FieldParser.parse(l) {
                case .number(let x, _): levelValues[i] = x
                case .missing: break
                case .invalid: invalid[i] = true
                }
            }
            var v = [Double](repeating: .nan, count: c.codes.count)
            v.withUnsafeMutableBufferPointer { out in
                c.codes.withUnsafeBufferPointer { codes in
                    for r in 0..<codes.count where codes[r] >= 0 { out[r] = levelValues[Int(codes[r])] }
                }
            }
            profileNumbers(v, invalidLevels: (c, invalid), checkIntegers: checkIntegers, wantCategories: wantCategories,
                           range: range, maxExamples: maxExamples)
        case (.string, .categorical(let c)):
            var counts = [Int](repeating: 0, count: c.levels.count)
            c.codes.withUnsafeBufferPointer { codes in
                counts.withUnsafeMutableBufferPointer { n in
                    for code in codes { if code < 0 { missing += 1 } else { n[Int(code)] += 1 } }
                }
            }
            values = rows - missing
            var pairs: [(value: String, count: Int)] = []
            for (i, n) in counts.enumerated() where n > 0 { pairs.append((c.levels[i], n)) }
            distinct = pairs.count
            if wantCategories { categories = QualityFormat.sortedByValue(pairs) }
        case (.string, .numeric(let v)):
            // numbers where the reference held text: each number is the category of its shortest text
            var finite = [Double]()
            finite.reserveCapacity(v.count)
            for x in v {
                if x.isNaN { missing += 1 } else if x.isInfinite { missing += 1; infinite += 1 } else { finite.append(x) }
            }
            values = finite.count
            let (distinctValues, counts) = NumericKernels.distinctCounts(sorted: RadixSort.sorted(finite))
            let pairs = zip(distinctValues, counts).map { (value: FieldParser.categoryText($0), count: $1) }
            distinct = pairs.count
            if wantCategories { categories = QualityFormat.sortedByValue(pairs) }
        }
    }

    private mutating func profileNumbers(_ v: [Double], invalidLevels: (CategoricalColumn, [Bool])?, checkIntegers: Bool,
                                         wantCategories: Bool, range: Range??, maxExamples: Int) {
        var finite = [Double]()
        finite.reserveCapacity(v.count)
        var lo = Double.infinity, hi = -Double.infinity
        var allIntegral = true
        var below = 0, above = 0
        var exampleSet = Set<String>()
        let rangeLo = range.flatMap { $0?.minimum }, rangeHi = range.flatMap { $0?.maximum }
        let rangeIsEmpty = range != nil && rangeLo == nil
        func violation(_ row: Int, _ text: String) {
            typeViolations += 1
            if firstTypeViolationRow == nil { firstTypeViolationRow = row + 1 }
            if exampleSet.count < maxExamples, exampleSet.insert(text).inserted { typeViolationExamples.append(text) }
        }
        for r in 0..<v.count {
            let x = v[r]
            if x.isNaN {
                if let (c, invalid) = invalidLevels, c.codes[r] >= 0, invalid[Int(c.codes[r])] {
                    violation(r, c.levels[Int(c.codes[r])])
                } else {
                    missing += 1
                }
                continue
            }
            if x.isInfinite { missing += 1; infinite += 1; continue }
            finite.append(x)
            if x < lo { lo = x }
            if x > hi { hi = x }
            if x.rounded(.towardZero) != x {
                allIntegral = false
                if checkIntegers { violation(r, FieldParser.categoryText(x)) }
            }
            if rangeIsEmpty {
                above += 1
            } else if let rangeLo, let rangeHi {
                if x < rangeLo { below += 1 } else if x > rangeHi { above += 1 }
            }
        }
        values = finite.count
        belowRange = below
        aboveRange = above
        guard !finite.isEmpty else { return }
        minimum = lo
        maximum = hi
        integerOnly = allIntegral
        let m = NumericKernels.mean(finite)
        mean = m.isFinite ? m : nil
        if finite.count >= 2 {
            let sd = NumericKernels.sampleVariance(finite).squareRoot()
            standardDeviation = sd.isFinite ? sd : nil
        }
        let sorted = RadixSort.sorted(finite)
        if wantCategories {
            let (distinctValues, counts) = NumericKernels.distinctCounts(sorted: sorted)
            distinct = distinctValues.count
            categories = QualityFormat.sortedByValue(zip(distinctValues, counts).map { (value: FieldParser.categoryText($0), count: $1) })
        } else {
            distinct = NumericKernels.distinctCount(sorted: sorted)
        }
    }
}

/// Text forms of numbers used as categories, and ordering of category names.
enum QualityFormat {
    /// Pairs sorted by value in code-point order (Python's string order).
    static func sortedByValue(_ pairs: [(value: String, count: Int)]) -> [(value: String, count: Int)] {
        pairs.sorted { $0.value.unicodeScalars.lexicographicallyPrecedes($1.value.unicodeScalars) }
    }
}
