import Strata
import Synchronization

/// A progress bar on one terminal line (standard error): what is being done, the bar, the
/// percentage, the rate and the time left, redrawn at most ten times a second and cleared
/// when done. The shell makes one only when standard error is a terminal, so pipes and
/// logs never see it. Reports may come from any task of a statement: a lock guards the
/// bar's state and its drawing.
public final class ProgressReporter: Sendable {
    private struct State {
        var label = ""
        var total: Int64 = 1
        var unit = ""
        var started = ContinuousClock.now
        var lastDrawn: ContinuousClock.Instant?
        var drawn = false
    }

    private let width: @Sendable () -> Int
    private let write: @Sendable (String) -> Void
    /// Guards the bar: what it shows, and when it was drawn last.
    private let state = Mutex(State())

    /// A reporter drawing with `write` (text with carriage returns, no newline) on a line
    /// `width()` columns wide.
    public init(width: @escaping @Sendable () -> Int, write: @escaping @Sendable (String) -> Void) {
        self.width = width
        self.write = write
    }

    /// Starts a task of `total` units (`unit`: "bytes" shows sizes, anything else counts).
    public func start(_ label: String, total: Int64, unit: String) {
        state.withLock { state in
            state = State(label: label, total: max(1, total), unit: unit)
            draw(&state, done: 0)
        }
    }

    /// Records progress; redraws when a tenth of a second has passed since the last time.
    public func update(done: Int64) {
        state.withLock { state in draw(&state, done: done) }
    }

    /// Progress of long work reported from inside a statement (`WorkProgress`): a new task
    /// starts a new bar.
    public func report(_ task: String, done: Int64, total: Int64, unit: String) {
        state.withLock { state in
            if state.label != task || state.unit != unit || state.total != max(1, total) {
                state = State(label: task, total: max(1, total), unit: unit, drawn: state.drawn)
            }
            draw(&state, done: done)
        }
    }

    /// Clears the line, if a bar was drawn.
    public func finish() {
        state.withLock { state in
            if state.drawn { write("\r\u{1B}[K") }
            state = State()
        }
    }

    /// Clears the bar's line (Ctrl-C was echoed on it) without ending the work: a later
    /// update draws it again. Returns whether a bar was on the line.
    public func clearLine() -> Bool {
        state.withLock { state in
            guard state.drawn else { return false }
            write("\r\u{1B}[K")
            return true
        }
    }

    /// A receiver of `WorkProgress` reports that draws them on this bar.
    public var receiver: WorkProgress {
        WorkProgress { [self] task, done, total, unit in report(task, done: done, total: total, unit: unit) }
    }

    private func draw(_ state: inout State, done: Int64) {
        let now = ContinuousClock.now
        if let last = state.lastDrawn, now - last < .milliseconds(100), done < state.total { return }
        state.lastDrawn = now
        state.drawn = true
        write("\r" + Self.line(state.label, done: done, total: state.total, unit: state.unit, elapsed: now - state.started, width: width()) + "\u{1B}[K")
    }

    /// The text of the bar after `done` of `total` units in `elapsed`, fitted to `width` columns.
    public static func line(_ label: String, done: Int64, total: Int64, unit: String, elapsed: Duration, width: Int) -> String {
        let fraction = min(1, Double(done) / Double(total))
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let rate = seconds > 0 ? Double(done) / seconds : 0
        var tail = " \(Int(fraction * 100))%"
        if rate > 0 {
            tail += "  " + amount(rate, unit: unit) + "/s"
            if done < total { tail += "  " + clock(Double(total - done) / rate) + " left" }
        }
        // Two columns stay free for the terminal's echo of ^C, and the line never wraps: a
        // wrapped bar could not be redrawn or cleared from its start.
        let room = width - 3
        let barWidth = max(10, min(40, room - DisplayWidth.of(label) - DisplayWidth.of(tail) - 3))
        let label = DisplayWidth.truncated(label, to: max(1, room - DisplayWidth.of(tail) - barWidth - 3))
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
