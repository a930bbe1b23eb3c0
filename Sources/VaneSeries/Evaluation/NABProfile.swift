import Foundation

/// A NAB application profile: the cost matrix used to weight detections (`config/profiles.json`).
///
/// `A_TN` is 1.0 in every NAB profile and never used by the scorer.
public struct NABProfile: Sendable, Hashable, Codable {
    /// NAB's profile name (`standard`, `reward_low_FP_rate`, `reward_low_FN_rate`).
    public var name: String
    /// Reward for a detection at a window's first row (`A_TP`).
    public var tpWeight: Double
    /// Cost of a detection far from any window (`A_FP`).
    public var fpWeight: Double
    /// Cost of a window without any detection (`A_FN`).
    public var fnWeight: Double

    /// Creates a custom profile.
    public init(name: String, tpWeight: Double, fpWeight: Double, fnWeight: Double) {
        self.name = name
        self.tpWeight = tpWeight
        self.fpWeight = fpWeight
        self.fnWeight = fnWeight
    }

    /// `standard`: A_TP 1.0, A_FP 0.11, A_FN 1.0.
    public static let standard = NABProfile(name: "standard", tpWeight: 1.0, fpWeight: 0.11, fnWeight: 1.0)
    /// `reward_low_FP_rate`: A_TP 1.0, A_FP 0.22, A_FN 1.0.
    public static let lowFP = NABProfile(name: "reward_low_FP_rate", tpWeight: 1.0, fpWeight: 0.22, fnWeight: 1.0)
    /// `reward_low_FN_rate`: A_TP 1.0, A_FP 0.11, A_FN 2.0.
    public static let lowFN = NABProfile(name: "reward_low_FN_rate", tpWeight: 1.0, fpWeight: 0.11, fnWeight: 2.0)
    /// The three NAB profiles in the order NAB's scoreboard lists them.
    public static let all: [NABProfile] = [.standard, .lowFP, .lowFN]
}
