import Foundation

/// |got − want| ≤ rel · |want| (exact match required for 0).
func close(_ got: Double, _ want: Double, rel: Double = 1e-9) -> Bool {
    if got.isNaN || want.isNaN { return got.isNaN && want.isNaN }
    return got == want || abs(got - want) <= rel * abs(want)
}
