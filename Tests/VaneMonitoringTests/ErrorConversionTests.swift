import Testing
import VaneCore
import VaneMonitoring

/// Monitoring's errors carry the VaneError they mean, so a surface can answer them in its shape.
@Suite("Monitoring errors as VaneError")
struct ErrorConversionTests {
    @Test func inputErrorsAreInvalidParameters() {
        let errors: [any VaneErrorConvertible] = [
            DriftError.missingColumn(column: "age", side: "current"),
            QualityError.emptyReference,
            EvaluationError.invalidOption("bad tolerance"),
        ]
        for error in errors {
            #expect(error.vaneError.code == .invalidParameter)
            #expect(error.vaneError.message == "\(error)")
        }
    }

    /// A table that is malformed is the caller's fault; a file Vane cannot read is not.
    @Test func readErrorsByKind() {
        let ragged = DataReadError(kind: .raggedRow, file: "current.csv", line: 7, detail: "3 fields, expected 4")
        #expect(ragged.vaneError.code == .invalidParameter)
        #expect(ragged.vaneError.message.contains("current.csv"))
        #expect(DataReadError(kind: .io, file: "current.csv", detail: "permission denied").vaneError.code == .internalError)
    }
}
