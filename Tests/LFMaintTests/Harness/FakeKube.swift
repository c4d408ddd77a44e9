import Foundation
import Synchronization
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
@testable import LFMaint
typealias LFMaintKubeletSettings = KubeletSettings

/// `testing/fake_kube/fake_kube.py` on a free loopback port, stopped by its PID when dropped.
final class FakeKube {
    let process = Process()
    let port: Int
    let token = "test-token-\(UInt32.random(in: 0...UInt32.max))"
    let tokenFile: URL

    init(_ arguments: [String]) throws {
        tokenFile = FileManager.default.temporaryDirectory.appendingPathComponent("lfmaint-token-\(UUID().uuidString)")
        try token.write(to: tokenFile, atomically: true, encoding: .utf8)
        let script = Repository.file("testing/fake_kube/fake_kube.py")
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, "--token", token] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line += chunk
        }
        guard let text = String(data: line, encoding: .utf8), text.hasPrefix("port "), let port = Int(text.dropFirst(5).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            process.terminate()
            throw TestStack.Missing(name: "fake_kube port")
        }
        self.port = port
    }

    deinit {
        // SIGKILL: the test runner may block SIGTERM in the processes it starts.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: tokenFile)
    }

    /// Every PATCH and POST the fake received, and the Events it stored.
    func writes() throws -> (writes: [[String: Any]], events: [[String: Any]]) {
        let data = try Data(contentsOf: URL(string: "http://127.0.0.1:\(port)/_fake/writes")!)
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        return (object?["writes"] as? [[String: Any]] ?? [], object?["events"] as? [[String: Any]] ?? [])
    }

    /// Sets a PVC's used share of its file system, as data written to it would.
    func fill(_ pvc: String, percent: Int) throws {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/_fake/fill")!)
        request.httpMethod = "POST"
        request.httpBody = try JSONSerialization.data(withJSONObject: ["pvc": pvc, "percent": percent])
        let done = DispatchSemaphore(value: 0)
        let status = Mutex(0)
        URLSession.shared.dataTask(with: request) { _, response, _ in
            status.withLock { $0 = (response as? HTTPURLResponse)?.statusCode ?? 0 }
            done.signal()
        }.resume()
        done.wait()
        guard status.withLock({ $0 }) == 200 else { throw TestStack.Missing(name: "fake_kube fill of \(pvc)") }
    }

    func settings(scheme: String = "http") -> LFMaintKubeletSettings {
        var settings = LFMaintKubeletSettings()
        settings.apiServer = "\(scheme)://127.0.0.1:\(port)"
        settings.tokenFile = tokenFile.path
        settings.caFile = nil
        return settings
    }
}
