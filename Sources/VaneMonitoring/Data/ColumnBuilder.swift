import Foundation

/// Growable buffer of doubles without per-append uniqueness checks.
struct NumericBuffer {
    private(set) var pointer: UnsafeMutablePointer<Double>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        pointer = .allocate(capacity: self.capacity)
    }

    @inline(__always)
    mutating func append(_ v: Double) {
        if count == capacity { grow() }
        pointer[count] = v
        count += 1
    }

    private mutating func grow() {
        let newCapacity = capacity * 2
        let p = UnsafeMutablePointer<Double>.allocate(capacity: newCapacity)
        p.update(from: pointer, count: count)
        pointer.deallocate()
        pointer = p
        capacity = newCapacity
    }

    func toArray() -> [Double] { Array(UnsafeBufferPointer(start: pointer, count: count)) }

    /// Frees the storage; the buffer must not be used afterwards.
    func release() { pointer.deallocate() }
}

/// Accumulates one column while a file is parsed. Call ``finish()`` exactly once.
struct ColumnBuilder {
    enum Mode { case auto, numerical, categorical }
    let name: String
    let mode: Mode
    var isText: Bool
    var numbers: NumericBuffer
    var codes: [Int32] = []
    var levels: [String] = []
    var index: [String: Int32] = [:]
    var integerLiteralsOnly = true
    var booleanLiteralsOnly = true
    var sawMissing = false

    init(name: String, mode: Mode, capacity: Int) {
        self.name = name
        self.mode = mode
        self.isText = mode == .categorical
        numbers = NumericBuffer(capacity: isText ? 16 : capacity)
        if isText { codes.reserveCapacity(capacity) }
    }

    /// Adds a field's bytes. Returns false when the field is not a number and the column is
    /// not (yet) text: an error for a numerical column; an automatic column must then switch to
    /// text (``switchToText()``) and be re-fed its earlier rows with ``appendText(_:_:)``.
    @inline(__always)
    mutating func append(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        if isText { appendText(p, n); return true }
        switch FieldParser.parse(p, n) {
        case .number(let v, let isInteger):
            numbers.append(v)
            if !isInteger { integerLiteralsOnly = false }
            return true
        case .missing:
            numbers.append(.nan)
            sawMissing = true
            return true
        case .invalid:
            return false
        }
    }

    mutating func appendMissing() {
        sawMissing = true
        booleanLiteralsOnly = false
        if isText { codes.append(-1) } else { numbers.append(.nan) }
    }

    mutating func switchToText() {
        isText = true
        numbers.release()
        numbers = NumericBuffer(capacity: 16)
        codes = []
        integerLiteralsOnly = false
        booleanLiteralsOnly = true
        sawMissing = false
    }

    @inline(__always)
    mutating func appendText(_ p0: UnsafePointer<UInt8>, _ n0: Int) {
        if n0 == 0 || FieldParser.isMissingToken(p0, n0) {
            codes.append(-1)
            sawMissing = true
            booleanLiteralsOnly = false
            return
        }
        if !FieldParser.isBooleanLiteral(p0, n0) { booleanLiteralsOnly = false }
        let s = String(decoding: UnsafeBufferPointer(start: p0, count: n0), as: UTF8.self)
        if let c = index[s] { codes.append(c); return }
        let c = Int32(levels.count)
        index[s] = c
        levels.append(s)
        codes.append(c)
    }

    /// The finished column and its hints; releases the numeric storage.
    func finish() -> (DataTable.Column, DataTable.SourceHints) {
        defer { numbers.release() }
        if isText {
            return (.categorical(CategoricalColumn(codes: codes, levels: levels)),
                    .init(integerLiteralsOnly: false, booleanLiteralsOnly: booleanLiteralsOnly && !codes.isEmpty))
        }
        return (.numeric(numbers.toArray()),
                .init(integerLiteralsOnly: integerLiteralsOnly && !sawMissing && numbers.count > 0, booleanLiteralsOnly: false))
    }
}

extension ColumnBuilder {
    /// The table the finished builders hold; a failure is reported as `kind` in `file`.
    static func table(from builders: [ColumnBuilder], file: String, kind: DataReadError.Kind) throws(DataReadError) -> DataTable {
        var columns: [(name: String, values: DataTable.Column)] = []
        var hints: [DataTable.SourceHints] = []
        for b in builders {
            let (col, hint) = b.finish()
            columns.append((b.name, col))
            hints.append(hint)
        }
        do {
            return try DataTable(columns: columns, hints: hints)
        } catch {
            throw DataReadError(kind: kind, file: file, detail: "\(error)")
        }
    }
}
