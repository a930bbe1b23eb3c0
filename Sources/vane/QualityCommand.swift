import ArgumentParser
import Foundation
import VaneMonitoring

/// `vane quality`: a schema inferred from a reference window, checked on a current window.
struct QualityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quality",
        abstract: "Infer a schema from a reference window and check a current window against it.",
        discussion: """
            The schema holds, per column, its kind (numerical, categorical or text, inferred as \
            Evidently infers it unless given), its value type, the reference's range, categories \
            and share of missing values. The current window is checked with the conditions \
            Evidently's test presets derive from a reference:

              missing_share    the share of missing values (empty, NaN, inf) may exceed the
                               reference's by 10 % of it (--missing-tolerance)
              new_categories   no category absent from the reference (--max-new-category-share)
              out_of_range     no value outside the reference's [min, max] (--max-out-of-range-share)
              type_violation   no text where the reference held numbers, no fraction where it held
                               integers (--max-type-violation-share)
              constant_column  no column constant now that varied in the reference
              missing_column   no reference column missing; new_column: no column added
              mean_shift       with --mean-shift-sigmas N: means within N reference std devs
              row_count        with --row-count-tolerance X: row counts within X relative

            Inputs are CSV with a header row or JSON lines (.jsonl, .ndjson). Prints the \
            violations; --json writes the full result (schema_version 1, see the README), --html a \
            self-contained page with a chart per column. Exit status: 0 all checks passed, 1 a \
            violation was found, 2 bad input.
            """)

    @OptionGroup var windows: WindowOptions

    @Option(help: ArgumentHelp("Check only these columns (comma-separated; repeatable).", valueName: "columns"))
    var columns: [String] = []

    @Option(name: .customLong("missing-tolerance"), help: ArgumentHelp("Allowed relative increase of the missing share.", valueName: "x"))
    var missingTolerance: Double = 0.1

    @Option(name: .customLong("max-new-category-share"), help: ArgumentHelp("Allowed share of rows with a new category.", valueName: "x"))
    var maxNewCategoryShare: Double = 0

    @Option(name: .customLong("max-out-of-range-share"), help: ArgumentHelp("Allowed share of values outside the reference range.", valueName: "x"))
    var maxOutOfRangeShare: Double = 0

    @Option(name: .customLong("max-type-violation-share"), help: ArgumentHelp("Allowed share of values of the wrong type.", valueName: "x"))
    var maxTypeViolationShare: Double = 0

    @Option(name: .customLong("mean-shift-sigmas"), help: ArgumentHelp("Also check that means stay within N reference std devs.", valueName: "n"))
    var meanShiftSigmas: Double?

    @Option(name: .customLong("row-count-tolerance"), help: ArgumentHelp("Also check the row count, within this relative difference.", valueName: "x"))
    var rowCountTolerance: Double?

    @OptionGroup var files: ReportFileOptions

    /// The library's options from the command line.
    func options() -> QualityOptions {
        QualityOptions(numericalColumns: windows.numericalColumns, categoricalColumns: windows.categoricalColumns,
                       columns: ReportOutput.names(columns), missingShareRelativeTolerance: missingTolerance,
                       maxNewCategoryShare: maxNewCategoryShare, maxOutOfRangeShare: maxOutOfRangeShare,
                       maxTypeViolationShare: maxTypeViolationShare, meanShiftSigmas: meanShiftSigmas,
                       rowCountRelativeTolerance: rowCountTolerance)
    }

    func validate() throws {
        do { try options().validate() } catch { throw ValidationError("\(error)") }
    }

    func run() throws {
        let options = options()
        let hint = TableSchemaHint(numericalColumns: Set(options.numericalColumns ?? []), categoricalColumns: Set(options.categoricalColumns ?? []))
        let report = try ReportOutput.compute("quality", describe: { $0 is QualityError ? "\(windows.reference): \($0)" : "\($0)" }) {
            ReportOutput.stage("reading \(windows.reference) and \(windows.current)…")
            let (ref, cur) = try TableReader.readPair(reference: windows.reference, current: windows.current, schema: hint, sameColumns: false)
            ReportOutput.stage("checking \(ref.columnNames.count) columns…")
            return try DataQuality.check(reference: ref, current: cur, options: options)
        }
        try files.write("quality", json: report.jsonData) { report.html(referenceName: windows.reference, currentName: windows.current) }
        if files.printsSummary { print(Self.summary(report), terminator: "") }
        if !report.passed { throw ExitCode(ReportOutput.findingStatus) }
    }

    /// The per-column table and the violations.
    static func summary(_ report: QualityReport) -> String {
        var table = TextTable(headers: ["column", "kind", "missing ref/cur", "distinct ref/cur", "result"], rightAligned: [2, 3])
        for c in report.columns {
            table.rows.append([c.column, c.kind.rawValue,
                               "\(TextFormat.short(c.reference.missingShare))/\(c.current.map { TextFormat.short($0.missingShare) } ?? "-")",
                               "\(c.reference.distinctCount)/\(c.current.map { "\($0.distinctCount)" } ?? "-")",
                               c.passed ? "ok" : c.failedChecks.map(\.rawValue).joined(separator: ",")])
        }
        var out = table.render() + "\n"
        for v in report.violations {
            out += "\(v.column.isEmpty ? "(table)" : v.column): \(v.check.rawValue): \(v.message)\n"
        }
        out += report.passed ? "all checks passed\n"
            : "\(report.violations.count) violation\(report.violations.count == 1 ? "" : "s") in \(Set(report.violations.map(\.column)).count) column(s)\n"
        return out
    }
}
