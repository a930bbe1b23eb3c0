import Metrics

/// What `/metrics` shows of deployments, beside the per-variant request, error, row and latency
/// series of ``InferenceMetrics`` (labelled `model` = the deployment, `version` = the variant):
///
/// - `vane_deployment_variant_weight{deployment, variant}`: the share of traffic, percent;
/// - `vane_deployment_rollout_weight{deployment, variant}` and
///   `vane_deployment_rollout_state{deployment, state}` (1 for the current state, 0 for the others);
/// - `vane_deployment_shadow_mirrored_total`, `…_dropped_total`, `…_errors_total` and
///   `vane_deployment_shadow_agreement{deployment, shadow}` (the share of rows that agree so far),
///   kept by ``ShadowStats``.
///
/// Labels come only from deployments that exist, so a client cannot grow the label set.
enum DeploymentMetrics {
    static let states = ["progressing", "paused", "promoted", "rolled_back"]

    /// Publishes `live`'s weights and rollout state.
    static func publish(_ live: LiveDeployment, factory: any MetricsFactory = MetricsSystem.factory) {
        for (i, variant) in live.variants.enumerated() {
            Gauge(label: "vane_deployment_variant_weight", dimensions: [("deployment", live.name), ("variant", variant.name)], factory: factory)
                .record(live.picker.shares[i] * 100)
        }
        if let rollout = live.deployment.spec.rollout, let state = live.deployment.rolloutState {
            Gauge(label: "vane_deployment_rollout_weight", dimensions: [("deployment", live.name), ("variant", rollout.variant)], factory: factory)
                .record(state.weights[rollout.variant] ?? 0)
            for name in states {
                Gauge(label: "vane_deployment_rollout_state", dimensions: [("deployment", live.name), ("state", name)], factory: factory)
                    .record(name == state.phase.rawValue ? 1 : 0)
            }
        }
    }
}
