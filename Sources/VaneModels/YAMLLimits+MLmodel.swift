import VaneText

extension YAMLLimits {
    /// The limits for an MLflow `MLmodel` file: 1 MiB, 64 levels, 32 aliases, 100,000 nodes.
    ///
    /// MLflow writes `MLmodel` with `yaml.safe_dump`: a few kilobytes, four or five levels deep
    /// (`flavors` → flavour → option → value), no anchors or aliases; the signature is a JSON
    /// string, one scalar, whatever the number of features.
    public static let mlmodel = YAMLLimits(maxBytes: 1 << 20, maxDepth: 64, maxAliases: 32, maxNodes: 100_000)
}
