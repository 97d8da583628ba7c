/// A progress bar on one terminal line (standard error): what is being done, the bar, the
/// percentage, the rate and the time left, redrawn at most ten times a second and cleared
/// when done. The shell makes one only when standard error is a terminal, so pipes and
/// logs never see it.
public final class ProgressReporter {
    private let width: () -> Int
    private let write: (String) -> Void
    private var label = ""
    private var total: Int64 = 0
    private var unit = ""
    private var started = ContinuousClock.now
    private var lastDrawn: ContinuousClock.Instant?

    /// A reporter drawing with `write` (text with carriage returns, no newline) on a line
    /// `width()` columns wide.
    public init(width: @escaping () -> Int, write: @escaping (String) -> Void) {
        self.width = width
        self.write = write
    }

    /// Starts a task of `total` units (`unit`: "bytes" shows sizes, anything else counts).
    public func start(_ label: String, total: Int64, unit: String) {
        self.label = label
        self.total = max(1, total)
        self.unit = unit
        started = .now
        lastDrawn = nil
        update(done: 0)
    }

    /// Records progress; redraws when a tenth of a second has passed since the last time.
    public func update(done: Int64) {
        let now = ContinuousClock.now
        if let lastDrawn, now - lastDrawn < .milliseconds(100), done < total { return }
        lastDrawn = now
        write("\r" + line(done: done, elapsed: now - started) + "\u{1B}[K")
    }

    /// Clears the line.
    public func finish() {
        write("\r\u{1B}[K")
    }

    /// The text of the bar after `done` units in `elapsed`.
    func line(done: Int64, elapsed: Duration) -> String {
        let fraction = min(1, Double(done) / Double(total))
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let rate = seconds > 0 ? Double(done) / seconds : 0
        var tail = " \(Int(fraction * 100))%"
        if rate > 0 {
            tail += "  " + Self.amount(rate, unit: unit) + "/s"
            if done < total { tail += "  " + Self.clock(Double(total - done) / rate) + " left" }
        }
        let barWidth = max(10, min(40, width() - DisplayWidth.of(label) - DisplayWidth.of(tail) - 4))
        let filled = Int(fraction * Double(barWidth))
        return label + " [" + String(repeating: "█", count: filled) + String(repeating: "░", count: barWidth - filled) + "]" + tail
    }

    /// A rate or size: bytes in KB/MB/GB, other units as plain counts.
    static func amount(_ value: Double, unit: String) -> String {
        guard unit == "bytes" else { return "\(Int(value)) \(unit)" }
        let steps = [("GB", 1e9), ("MB", 1e6), ("KB", 1e3)]
        for (name, size) in steps where value >= size { return String(Int(value / size * 10) / 10) + "." + String(Int(value / size * 10) % 10) + " " + name }
        return "\(Int(value)) B"
    }

    /// Seconds as m:ss.
    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded(.up))
        return "\(s / 60):" + (s % 60 < 10 ? "0" : "") + "\(s % 60)"
    }
}
