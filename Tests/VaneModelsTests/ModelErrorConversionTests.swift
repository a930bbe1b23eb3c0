import Testing
import VaneCore
import VaneModels

/// Model errors carry the VaneError they mean: a model or input at fault is a client error.
@Suite("Model errors as VaneError")
struct ModelErrorConversionTests {
    @Test(arguments: [ModelError.invalidModel("truncated"), .unsupported("operator Foo"), .badInput("8 features, got 3")])
    func modelErrorsAreInvalidParameters(error: ModelError) {
        #expect(error.vaneError == VaneError.invalid(error.description))
    }
}
