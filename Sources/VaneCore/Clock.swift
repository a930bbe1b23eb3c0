import Foundation

/// Milliseconds since the Unix epoch, the timestamp unit of the MLflow API.
public typealias EpochMillis = Int64

/// A source of the current time, injectable in tests.
public protocol VaneClock: Sendable {
    /// The current time in milliseconds since the Unix epoch.
    func nowMillis() -> EpochMillis
}

/// The wall clock.
public struct SystemClock: VaneClock {
    public init() {}
    public func nowMillis() -> EpochMillis {
        EpochMillis((Date().timeIntervalSince1970 * 1000).rounded())
    }
}
