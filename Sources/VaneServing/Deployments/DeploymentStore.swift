/// Where deployments are kept, so that they survive a restart.
public protocol DeploymentStore: Sendable {
    /// Every deployment, by name.
    func deployments() async throws -> [Deployment]
    /// The deployment `name`, or nil.
    func deployment(named name: String) async throws -> Deployment?
    /// Saves `deployment`, replacing one of the same name, in one transaction.
    func save(_ deployment: Deployment) async throws
    /// Removes the deployment `name`; false when there was none.
    func delete(named name: String) async throws -> Bool
}
