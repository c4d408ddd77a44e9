/// A percentage for people: one decimal, `%` sign ("91.3%").
public enum Percent {
    public static func text(_ value: Double) -> String { String(format: "%.1f%%", value) }
}
