import LFMaintEdges

/// What a server says about its own logs: which it keeps, and what its config gives them.
extension SystemCatalog {
    /// The days the server's config gives each system log, from the macro `ttl server-config` writes;
    /// empty when the server has no such macro (or one lfmaint did not write).
    func serverConfigDays() async throws -> [String: Int] {
        let text = try await client.readText("SELECT substitution FROM system.macros WHERE macro = {macro:String}",
                                             parameters: ["macro": SystemLogServerConfig.markerMacro])
        return SystemLogServerConfig.days(inMarker: text) ?? [:]
    }

    /// The live system logs this server keeps, by name, with their partition and sorting keys.
    func systemLogKeys() async throws -> [String: SystemLogServerConfig.EngineKeys] {
        struct Row: Decodable {
            let name: String
            let partition_key: String
            let sorting_key: String
        }
        let rows = try await client.read("""
            SELECT name, partition_key, sorting_key FROM system.tables
            WHERE database = 'system' AND has({names:Array(String)}, name) AND engine LIKE '%MergeTree'
            """, parameters: ["names": ClickHouseLiteral.stringArray(SystemLogTables.names)], as: Row.self)
        return Dictionary(rows.map { ($0.name, (partitionKey: $0.partition_key, sortingKey: $0.sorting_key)) },
                          uniquingKeysWith: { first, _ in first })
    }
}
