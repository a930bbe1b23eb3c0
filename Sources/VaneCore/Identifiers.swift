/// Generators for the identifiers MLflow clients expect.
public enum Identifiers {
    /// A random 32-character lowercase hex id, the shape of MLflow run ids.
    public static func hex32() -> String {
        var g = SystemRandomNumberGenerator()
        let hi = g.next() as UInt64, lo = g.next() as UInt64
        return hex(hi) + hex(lo)
    }

    private static func hex(_ v: UInt64) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}
