#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import StrataCore
import StrataStorage

/// Where write-ahead-log segments live: append-only files that one process owns at a time
/// (spec/table.md §9.2). The owner holds an exclusive lock for as long as it writes; a segment
/// whose owner died can be claimed by another process, which replays it.
public protocol WriteAheadLogStorage: Sendable {
    /// Creates segment `name` holding `header`, owned (locked) by the caller. The segment
    /// appears under its name only complete with its header, durable and locked, so another
    /// process never sees a half-made segment without an owner.
    func create(_ name: String, header: [UInt8]) throws(StrataError) -> any LogSegment
    /// The names of all segments.
    func list() throws(StrataError) -> [String]
    /// Claims segment `name` if no live owner holds it; nil when one does or it is gone.
    func claim(_ name: String) throws(StrataError) -> (any LogSegment)?
}

/// An open, owned segment.
public protocol LogSegment: Sendable {
    /// The segment's name.
    var name: String { get }
    /// Appends bytes at the end (to the operating system, not yet durable), all or nothing:
    /// a failed append leaves the segment as it was, so later records never follow a partial one.
    func append(_ bytes: [UInt8]) throws(StrataError)
    /// Makes everything appended so far durable.
    func sync() throws(StrataError)
    /// The whole content.
    func readAll() throws(StrataError) -> [UInt8]
    /// Deletes the segment (durably) and gives up ownership.
    func remove() throws(StrataError)
}

/// Segments as files in a local directory, owned through `flock(2)` locks, which the kernel
/// releases when the owning process dies however it dies.
public struct LocalLogStorage: WriteAheadLogStorage {
    /// The directory holding the segments.
    public let directory: String

    /// Uses (and creates) `directory`.
    public init(directory: String) throws(StrataError) {
        self.directory = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        if mkdir(self.directory, 0o755) != 0 && errno != EEXIST {
            throw .io(path: self.directory, operation: "mkdir", code: errno, message: String(cString: strerror(errno)))
        }
    }

    public func create(_ name: String, header: [UInt8]) throws(StrataError) -> any LogSegment {
        // Made under a hidden name, locked and filled, then renamed into view.
        let hidden = "." + name + ".tmp"
        let segment = try LocalLogSegment(directory: directory, name: hidden, flags: O_RDWR | O_CREAT | O_EXCL | O_APPEND, wait: false)!
        try segment.append(header)
        try segment.sync()
        try segment.rename(to: name)
        return segment
    }

    public func list() throws(StrataError) -> [String] {
        guard let dir = opendir(directory) else {
            throw .io(path: directory, operation: "opendir", code: errno, message: String(cString: strerror(errno)))
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name.hasSuffix(".wal") && !name.hasPrefix(".") { names.append(name) }
        }
        return names.sorted()
    }

    public func claim(_ name: String) throws(StrataError) -> (any LogSegment)? {
        do {
            return try LocalLogSegment(directory: directory, name: name, flags: O_RDWR | O_APPEND, wait: false)
        } catch .io(_, "open", ENOENT, _) {
            return nil  // removed by its replayer meanwhile
        }
    }
}

/// One local segment file with its lock.
final class LocalLogSegment: LogSegment, @unchecked Sendable {
    // @unchecked: `name` and `path` change only in `rename`, which runs once, during
    // creation, before the segment is shared.
    private(set) var name: String
    private var path: String
    private let directory: String
    private let descriptor: Int32

    /// Opens and locks the file; nil when another open file description holds the lock.
    init?(directory: String, name: String, flags: Int32, wait: Bool) throws(StrataError) {
        self.name = name
        self.directory = directory
        self.path = directory + "/" + name
        descriptor = open(path, flags | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw Self.error("open", path) }
        if flock(descriptor, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0 {
            let code = errno
            close(descriptor)
            if code == EWOULDBLOCK { return nil }
            throw .io(path: path, operation: "flock", code: code, message: String(cString: strerror(code)))
        }
    }

    deinit { close(descriptor) }

    func append(_ bytes: [UInt8]) throws(StrataError) {
        let before = lseek(descriptor, 0, SEEK_END)
        do {
            try FileSystem.writeAll(descriptor, bytes, path: path)
        } catch {
            // Take back whatever part was written; if even that fails, the torn record ends
            // the segment for replay, and the caller's error says the append did not happen.
            if before >= 0 { _ = ftruncate(descriptor, before) }
            throw error
        }
    }

    func sync() throws(StrataError) {
        guard fdatasync(descriptor) == 0 else { throw Self.error("fdatasync", path) }
    }

    func readAll() throws(StrataError) -> [UInt8] {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw Self.error("fstat", path) }
        let count = Int(info.st_size)
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + done, count - done, off_t(done)) }
            if n > 0 { done += n } else if n == 0 { break } else if errno != EINTR { throw Self.error("pread", path) }
        }
        return Array(bytes[0..<done])
    }

    /// Renames the file (same directory), durably.
    func rename(to newName: String) throws(StrataError) {
        let newPath = directory + "/" + newName
        guard Glibc.rename(path, newPath) == 0 else { throw Self.error("rename", path) }
        name = newName
        path = newPath
        try syncDirectory()
    }

    func remove() throws(StrataError) {
        guard unlink(path) == 0 || errno == ENOENT else { throw Self.error("unlink", path) }
        try syncDirectory()
    }

    func syncDirectory() throws(StrataError) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw Self.error("open", directory) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw Self.error("fsync", directory) }
    }

    private static func error(_ operation: String, _ path: String) -> StrataError {
        let code = errno
        return .io(path: path, operation: operation, code: code, message: String(cString: strerror(code)))
    }
}
