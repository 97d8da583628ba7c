import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the shell asks of the terminal it runs on.
enum Terminal {
    /// The width of the terminal on standard output (or standard error), nil when neither is one.
    static func width() -> Int? {
        var size = winsize()
        for descriptor in [Int32(1), 2] where ioctl(descriptor, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 {
            return Int(size.ws_col)
        }
        return nil
    }

    /// Whether colour escapes are welcome: a terminal, not "dumb", and no NO_COLOR set.
    static func hasColour() -> Bool {
        let environment = ProcessInfo.processInfo.environment
        return isatty(1) == 1 && environment["NO_COLOR"] == nil && environment["TERM"] != "dumb"
    }
}
