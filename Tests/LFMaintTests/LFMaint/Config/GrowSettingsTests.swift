@testable import LFMaint
import Testing

/// The `grow` section: off unless asked for, never without a ceiling, every number in range.
@Suite("Grow settings")
struct GrowSettingsTests {
    @Test func growthIsOffByDefaultAndOffMeansNoPolicy() throws {
        let config = try ConfigurationLoader.load(yaml: "")
        #expect(!config.grow.enabled)
        #expect(config.grow.policy == nil)
        #expect(try ConfigurationLoader.load(yaml: "grow: {enabled: false, maxGiB: 100}").grow.policy == nil)
        #expect(GrowthWorkflow(config: config, dryRun: false) == nil)
    }

    @Test func theWholeSectionIsRead() throws {
        let grow = try ConfigurationLoader.load(yaml: """
            langfuse: {chart: v1}
            grow: {enabled: true, maxGiB: 800, step: {percent: 15, minGiB: 10}, whenFullWithinDays: 3,
                   cooldownSeconds: 3600, resizeTimeoutSeconds: 120, resizePollSeconds: 2}
            """).grow
        #expect(grow.policy?.maxBytes == Int64(800) << 30)
        #expect(grow.stepPercent == 15 && grow.stepMinGiB == 10 && grow.whenFullWithinDays == 3)
        #expect(grow.cooldownSeconds == 3600 && grow.resizeTimeoutSeconds == 120 && grow.resizePollSeconds == 2)
    }

    @Test(arguments: [
        ("grow: {enabled: true}", "grow.maxGiB: is required with grow.enabled"),
        ("grow: {enabled: true, maxGiB: 0}", "grow.maxGiB: must be 1 to"),
        ("grow: {maxGiB: 99999999999}", "grow.maxGiB: must be 1 to"),
        ("grow: {step: {percent: 0}}", "grow.step.percent"),
        ("grow: {step: {percent: 250}}", "grow.step.percent"),
        ("grow: {step: {minGiB: -1}}", "grow.step.minGiB"),
        ("grow: {step: {size: 5}}", "grow.step.size"),
        ("grow: {whenFullWithinDays: .nan}", "grow.whenFullWithinDays"),
        ("grow: {cooldownSeconds: -1}", "grow.cooldownSeconds"),
        ("grow: {resizeTimeoutSeconds: 0}", "grow.resizeTimeoutSeconds"),
        ("grow: {resizePollSeconds: 1e9}", "grow.resizePollSeconds"),
        ("grow: {enabled: yes please}", "grow.enabled"),
        ("grow: {maxGB: 5}", "grow.maxGB"),
        ("grow: {enabled: true, maxGiB: 10}\nvolumes: [{name: c, component: clickhouse, source: kubelet, pvc: Data_1}]",
         "\"Data_1\" is not a Kubernetes PVC name"),
        ("grow: {enabled: true, maxGiB: 10}\nvolumes: [{name: c, component: clickhouse, source: kubelet, pvc: d, namespace: a.b}]",
         "\"a.b\" is not a Kubernetes namespace"),
        ("grow: {enabled: true, maxGiB: 10}\nlangfuse: {chart: compose}", "docker compose's volumes are not PVCs"),
    ])
    func badValuesAreRefusedByName(yaml: String, words: String) {
        #expect { try ConfigurationLoader.load(yaml: yaml) } throws: { String(describing: $0).contains(words) }
    }
}
