/// Reads the cleanup state of every replica at once, each with its replication queues, and merges them
/// (`ReplicaCleanupState`). A replica that cannot be read stops the run: nothing is planned from a part
/// of the cluster.
struct ReplicaStateReader: Sendable {
    let replicas: ReplicaSet

    func state(rules: [RetentionRule]) async throws -> CleanupState {
        let readings = try await withThrowingTaskGroup(of: (Int, ReplicaCleanupState.Reading).self) { group in
            for (index, replica) in replicas.replicas.enumerated() {
                group.addTask {
                    do {
                        let state = try await CleanupStateReader(client: replica.client).state(rules: rules)
                        let lag = try await SystemCatalog(client: replica.client).replicationLag()
                        return (index, ReplicaCleanupState.Reading(replica: replica.url, state: state, lag: lag))
                    } catch {
                        throw ReplicaUnreadable(replica: replica.label, error: error)
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }.sorted { $0.0 < $1.0 }.map(\.1)
        }
        return ReplicaCleanupState.merge(readings)
    }

    struct ReplicaUnreadable: Error, CustomStringConvertible {
        let replica: String
        let error: Error
        var description: String { "replica \(replica) could not be read (\(error)); nothing was deleted" }
    }
}
