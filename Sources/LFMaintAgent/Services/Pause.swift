import ServiceLifecycle

/// Waits between two rounds of a loop; false (at once) when the agent is stopping.
func pause(seconds: Double) async -> Bool {
    _ = try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(seconds)) }
    return !Task.isShuttingDownGracefully && !Task.isCancelled
}
