public enum LFMaintVersion { public static let current = "0.1.0" }
