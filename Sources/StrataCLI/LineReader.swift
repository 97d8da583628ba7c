#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Strata

/// Reads a file (or standard input, for "-") line by line with `getline`, so input of any
/// size streams through a buffer the size of its longest line.
final class LineReader {
    private let file: UnsafeMutablePointer<FILE>
    private let ownsFile: Bool
    private var buffer: UnsafeMutablePointer<CChar>?
    private var capacity = 0
    private let path: String

    init(path: String) throws(StrataError) {
        self.path = path
        if path == "-" {
            guard let input = fdopen(0, "rb") else { throw localFileError(errno, path: path) }
            file = input
            ownsFile = false
        } else {
            guard let opened = fopen(path, "rb") else { throw localFileError(errno, path: path) }
            file = opened
            ownsFile = true
        }
    }

    deinit {
        free(buffer)
        if ownsFile { fclose(file) }
    }

    /// The next line without its newline, or nil at the end.
    func next() throws(StrataError) -> [UInt8]? {
        let count = getline(&buffer, &capacity, file)
        if count < 0 {
            if ferror(file) != 0 { throw localFileError(errno, path: path) }
            return nil
        }
        var length = count
        if length > 0 && buffer![length - 1] == 0x0A { length -= 1 }
        return buffer!.withMemoryRebound(to: UInt8.self, capacity: length) { Array(UnsafeBufferPointer(start: $0, count: length)) }
    }
}

/// Reads a whole (small) local file, such as a schema.
func readWholeFile(_ path: String) throws(StrataError) -> [UInt8] {
    let reader = try LineReader(path: path)
    var bytes: [UInt8] = []
    while let line = try reader.next() {
        bytes.append(contentsOf: line)
        bytes.append(0x0A)
    }
    return bytes
}

/// Maps an errno from a local file operation to the error a user can act on.
func localFileError(_ code: Int32, path: String) -> StrataError {
    switch code {
    case ENOENT: return .notFound(path: path)
    case EISDIR: return .invalidInput(what: "'\(path)'", why: "is a directory")
    default: return .io(path: path, operation: "read", code: code, message: String(cString: strerror(code)))
    }
}
