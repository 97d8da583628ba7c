import StrataCore

/// A span of time: whole calendar months (whose length depends on the date they are added
/// to) plus an exact number of microseconds, as SQL intervals are.
public struct Interval: Sendable, Hashable, CustomStringConvertible {
    /// Calendar months (a year is 12).
    public var months: Int64
    /// Microseconds (a day is exactly 86,400 s: timestamps are UTC).
    public var micros: Int64

    /// An interval of `months` and `micros`.
    public init(months: Int64 = 0, micros: Int64 = 0) {
        self.months = months
        self.micros = micros
    }

    /// The units accepted in interval text, singular and plural, and their size.
    private static let units: [(names: [String], months: Int64, micros: Int64)] = [
        (["microsecond", "microseconds", "us"], 0, 1),
        (["millisecond", "milliseconds", "ms"], 0, 1_000),
        (["second", "seconds", "sec", "secs", "s"], 0, 1_000_000),
        (["minute", "minutes", "min", "mins", "m"], 0, 60_000_000),
        (["hour", "hours", "hr", "hrs", "h"], 0, 3_600_000_000),
        (["day", "days", "d"], 0, 86_400_000_000),
        (["week", "weeks", "w"], 0, 604_800_000_000),
        (["month", "months", "mon", "mons"], 1, 0),
        (["year", "years", "yr", "yrs", "y"], 12, 0),
    ]

    /// Parses `'3 days'`, `'1 hour 30 minutes'`, `'-2 weeks'`, `'1.5 hours'` (fractions only
    /// of exact units). With `unit` (the form `INTERVAL '7' DAY`) the text is one number.
    /// - Throws: `.invalidQuery` at `offset` for text that is not an interval.
    public init(parsing text: String, unit: String? = nil, offset: Int) throws(StrataError) {
        let words = (unit.map { text + " " + $0 } ?? text).split(whereSeparator: { $0.isWhitespace })
        func bad(_ why: String) -> StrataError {
            .invalidQuery(message: "'\(text)' is not an interval: \(why); write for example INTERVAL '7 days' or INTERVAL '1 hour 30 minutes'", offset: offset)
        }
        guard !words.isEmpty, words.count % 2 == 0 else { throw bad("expected pairs of a number and a unit") }
        var months: Int64 = 0, micros: Int64 = 0
        for pair in stride(from: 0, to: words.count, by: 2) {
            guard let amount = Double(words[pair]), amount.isFinite else { throw bad("'\(words[pair])' is not a number") }
            let name = words[pair + 1].lowercased()
            guard let unit = Self.units.first(where: { $0.names.contains(name) }) else { throw bad("unknown unit '\(name)'") }
            if unit.months > 0 {
                guard amount == amount.rounded(), abs(amount) < 120_000 else { throw bad("months and years must be whole and within 10,000 years") }
                months += Int64(amount) * unit.months
            } else {
                let part = amount * Double(unit.micros)
                guard abs(part) < 9.0e18 else { throw bad("too long") }
                let (sum, overflow) = micros.addingReportingOverflow(Int64(part.rounded()))
                guard !overflow else { throw bad("too long") }
                micros = sum
            }
        }
        self.init(months: months, micros: micros)
    }

    /// Text that `init(parsing:)` reads back: years, months, then the exact part in days,
    /// hours, minutes, seconds and microseconds, each named once and zeros left out
    /// (`1 year 2 months 3 days 4 hours`; `0 days` for nothing).
    public var description: String {
        func unit(_ n: Int64, _ name: String) -> String { "\(n) \(name)\(abs(n) == 1 ? "" : "s")" }
        var parts: [String] = []
        if months / 12 != 0 { parts.append(unit(months / 12, "year")) }
        if months % 12 != 0 { parts.append(unit(months % 12, "month")) }
        var rest = micros
        for (size, name) in [(Int64(86_400_000_000), "day"), (3_600_000_000, "hour"), (60_000_000, "minute"), (1_000_000, "second"), (1, "microsecond")] {
            let count = rest / size
            if count != 0 { parts.append(unit(count, name)) }
            rest -= count * size
        }
        return parts.isEmpty ? "0 days" : parts.joined(separator: " ")
    }

    /// The interval with both parts negated.
    public var negated: Interval { Interval(months: -months, micros: -micros) }

    /// `timestamp + self`, nil when the result leaves the timestamp range.
    public func added(to timestamp: Int64) -> Int64? {
        guard let moved = months == 0 ? timestamp : Timestamp.adding(months: months, to: timestamp) else { return nil }
        let (sum, overflow) = moved.addingReportingOverflow(micros)
        return overflow ? nil : sum
    }
}
