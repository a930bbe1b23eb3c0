import ServiceLifecycle

/// Looks at every progressing rollout every ``tick`` and lets ``DeploymentService`` act on the
/// judge's decision. Run it as a `ServiceLifecycle` service; it stops on graceful shutdown.
public struct RolloutController: Service {
    public let deployments: DeploymentService
    /// How often rollouts are judged. The sequential guards allow any number of looks.
    public let tick: Duration

    public init(deployments: DeploymentService, tick: Duration = .seconds(1)) {
        self.deployments = deployments
        self.tick = tick
    }

    public func run() async throws {
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: tick) }
            } catch {
                return
            }
            await deployments.judgeRollouts()
        }
    }
}
