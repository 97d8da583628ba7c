/// ISO-8601 text for timestamps (microseconds since the Unix epoch, UTC).
public enum Timestamp {
    /// Microseconds in a day.
    static let microsPerDay: Int64 = 86_400_000_000

    /// Formats as `YYYY-MM-DDTHH:MM:SS[.ffffff]Z` (six fraction digits when the fraction is not
    /// zero), or nil when the year falls outside 0001…9999, which ISO-8601 text cannot carry
    /// without extensions; callers then write the integer.
    public static func format(_ micros: Int64) -> String? {
        let (days, microOfDay) = micros.floorDivided(by: microsPerDay)
        let (year, month, day) = civil(fromDays: days)
        guard (1...9999).contains(year) else { return nil }
        let seconds = microOfDay / 1_000_000
        let fraction = microOfDay % 1_000_000
        var text = pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
        text += "T" + pad(seconds / 3600, 2) + ":" + pad(seconds / 60 % 60, 2) + ":" + pad(seconds % 60, 2)
        if fraction != 0 { text += "." + pad(fraction, 6) }
        return text + "Z"
    }

    /// Parses `YYYY-MM-DD`, optionally followed by `T` or a space, `HH:MM[:SS[.fraction]]` and a
    /// zone `Z` or `±HH:MM` (no zone means UTC).
    /// - Throws: `StrataError.invalidInput` for malformed text, out-of-range fields, or a
    ///   fraction finer than a microsecond (which would be lost).
    public static func parse(_ text: String) throws(StrataError) -> Int64 {
        var scanner = Scanner(Array(text.utf8), text: text)
        let year = try scanner.digits(4)
        try scanner.expect("-")
        let month = try scanner.digits(2)
        try scanner.expect("-")
        let day = try scanner.digits(2)
        guard (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day) else {
            throw scanner.error("date out of range")
        }
        var micros: Int64 = 0
        if scanner.consume("T") || scanner.consume("t") || scanner.consume(" ") {
            let hour = try scanner.digits(2)
            try scanner.expect(":")
            let minute = try scanner.digits(2)
            var second: Int64 = 0
            if scanner.consume(":") {
                second = try scanner.digits(2)
                if scanner.consume(".") || scanner.consume(",") {
                    var digits = 0
                    var fraction: Int64 = 0
                    while let d = scanner.digit() {
                        digits += 1
                        if digits <= 6 {
                            fraction = fraction * 10 + d
                        } else if d != 0 {
                            throw scanner.error("precision finer than a microsecond")
                        }
                    }
                    guard digits > 0 else { throw scanner.error("empty fraction") }
                    for _ in min(digits, 6)..<6 { fraction *= 10 }
                    micros = fraction
                }
            }
            guard hour < 24, minute < 60, second < 60 else { throw scanner.error("time out of range") }
            micros += ((hour * 60 + minute) * 60 + second) * 1_000_000
            if scanner.consume("Z") || scanner.consume("z") {
            } else if let sign = scanner.sign() {
                let zoneHour = try scanner.digits(2)
                _ = scanner.consume(":")
                let zoneMinute = try scanner.digits(2)
                guard zoneHour < 24, zoneMinute < 60 else { throw scanner.error("zone offset out of range") }
                micros -= sign * (zoneHour * 60 + zoneMinute) * 60_000_000
            }
        }
        guard scanner.atEnd else { throw scanner.error("unexpected text") }
        return days(fromCivil: year, month, day) * microsPerDay + micros
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = y.floorDivided(by: 400).quotient
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The proleptic Gregorian date of a day count since 1970-01-01.
    static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = z.floorDivided(by: 146_097).quotient
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// A cursor over ASCII text with the few scanning steps ISO-8601 needs.
    private struct Scanner {
        let bytes: [UInt8]
        let text: String
        var position = 0

        init(_ bytes: [UInt8], text: String) {
            self.bytes = bytes
            self.text = text
        }

        var atEnd: Bool { position == bytes.count }

        func error(_ why: String) -> StrataError {
            .invalidInput(what: "timestamp \"\(text)\"", why: "\(why) (expected ISO-8601 such as 2024-05-01T12:30:00.250Z)")
        }

        mutating func digit() -> Int64? {
            guard position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) else { return nil }
            position += 1
            return Int64(bytes[position - 1] - UInt8(ascii: "0"))
        }

        mutating func digits(_ count: Int) throws(StrataError) -> Int64 {
            var value: Int64 = 0
            for _ in 0..<count {
                guard let d = digit() else { throw error("expected \(count) digits") }
                value = value * 10 + d
            }
            return value
        }

        mutating func consume(_ character: Unicode.Scalar) -> Bool {
            guard position < bytes.count, bytes[position] == UInt8(ascii: character) else { return false }
            position += 1
            return true
        }

        mutating func expect(_ character: Unicode.Scalar) throws(StrataError) {
            guard consume(character) else { throw error("expected '\(character)'") }
        }

        mutating func sign() -> Int64? {
            if consume("+") { return 1 }
            if consume("-") { return -1 }
            return nil
        }
    }
}

extension Int64 {
    /// Floor division and the matching non-negative remainder.
    func floorDivided(by divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        var q = self / divisor
        var r = self % divisor
        if r < 0 {
            q -= 1
            r += divisor
        }
        return (q, r)
    }
}

extension Timestamp {
    /// `micros` moved by `months` calendar months, the day of the month clamped to the new
    /// month's length (Jan 31 + 1 month = Feb 28 or 29), the time of day kept.
    /// Returns nil when the result leaves the Int64 range.
    public static func adding(months: Int64, to micros: Int64) -> Int64? {
        // Ten thousand years either way is beyond any date a timestamp can hold.
        guard abs(months) <= 120_000 else { return nil }
        let (days, microOfDay) = micros.floorDivided(by: microsPerDay)
        let (year, month, day) = civil(fromDays: days)
        let (carry, monthIndex) = (month - 1 + months).floorDivided(by: 12)
        let newYear = year + carry, newMonth = monthIndex + 1
        let newDay = min(day, daysIn(month: newMonth, year: newYear))
        let (scaled, o1) = Timestamp.days(fromCivil: newYear, newMonth, newDay).multipliedReportingOverflow(by: microsPerDay)
        let (result, o2) = scaled.addingReportingOverflow(microOfDay)
        return o1 || o2 ? nil : result
    }
}
