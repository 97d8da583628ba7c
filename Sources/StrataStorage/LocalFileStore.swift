#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import StrataCore

/// An object store in a local directory: one file per object.
///
/// Durability: a write goes to a hidden temporary file in the target directory, which is
/// fsynced, then renamed (or, for `putIfAbsent`, hard-linked with `link(2)`, which fails if the
/// name exists) onto its final name, and the directory is fsynced. A crash at any point leaves
/// either the old state or the new one, plus at worst an orphaned temporary file, which
/// `list` never reports. Reads use `pread(2)` on one descriptor per open handle.
public final class LocalFileStore: ObjectStore {
    /// The directory that holds the objects.
    public let root: String
    /// Whether writes are fsynced (file and directory) before they return. Without it a
    /// write is still atomic, but only as durable as the operating system's cache: it
    /// survives a crash of the process, not of the machine.
    public let durable: Bool

    /// Opens (and creates, if needed) a store rooted at `directory`.
    /// - Throws: `.io` when the directory cannot be created.
    public init(directory: String, durable: Bool = true) throws(StrataError) {
        root = directory.hasSuffix("/") && directory.count > 1 ? String(directory.dropLast()) : directory
        self.durable = durable
        try FileSystem.makeDirectories(root)
    }

    private func fullPath(_ path: String) throws(StrataError) -> String {
        try validateObjectPath(path)
        return root + "/" + path
    }

    public func read(_ path: String, range: Range<UInt64>) async throws(StrataError) -> [UInt8] {
        try await openForReading(path).read(range)
    }

    public func openForReading(_ path: String) async throws(StrataError) -> any ObjectReadHandle {
        try LocalReadHandle(path: path, file: try fullPath(path))
    }

    public func size(of path: String) async throws(StrataError) -> UInt64 {
        try FileSystem.size(of: try fullPath(path), objectPath: path)
    }

    public func write(_ path: String, bytes: [UInt8]) async throws(StrataError) {
        try await writeWhole(path, bytes, publish: .replace)
    }

    public func putIfAbsent(_ path: String, bytes: [UInt8]) async throws(StrataError) {
        try await writeWhole(path, bytes, publish: .linkIfAbsent)
    }

    /// Writes a whole object through a temporary file; on failure nothing is left behind.
    private func writeWhole(_ path: String, _ bytes: [UInt8], publish: LocalObjectWriter.Publish) async throws(StrataError) {
        let writer = try LocalObjectWriter(file: try fullPath(path), objectPath: path, publish: publish, durable: durable)
        do {
            try await writer.append(bytes)
            try await writer.finish()
        } catch {
            await writer.abort()
            throw error
        }
    }

    public func makeWriter(_ path: String) async throws(StrataError) -> any ObjectWriter {
        try LocalObjectWriter(file: try fullPath(path), objectPath: path, publish: .replace, durable: durable)
    }

    public func list(prefix: String) async throws(StrataError) -> [ObjectInfo] {
        // Walk only the deepest directory the prefix names; filter by the full prefix.
        let directoryPart = prefix.lastIndex(of: "/").map { String(prefix[..<$0]) } ?? ""
        if !directoryPart.isEmpty { try validateObjectPath(directoryPart) }
        var results: [ObjectInfo] = []
        try FileSystem.walk(root: root, relative: directoryPart) { relative, size, modified in
            if relative.hasPrefix(prefix) { results.append(ObjectInfo(path: relative, size: size, modifiedMicros: modified)) }
        }
        return results.sorted { $0.path < $1.path }
    }

    public func delete(_ path: String) async throws(StrataError) {
        let file = try fullPath(path)
        guard unlink(file) == 0 else { throw FileSystem.error(errno, path: path, operation: "unlink") }
        if durable { try FileSystem.syncDirectory(containing: file, objectPath: path) }
    }
}

/// An open local file for positional reads; the descriptor closes with the handle.
final class LocalReadHandle: ObjectReadHandle {
    let path: String
    let size: UInt64
    private let descriptor: Int32

    init(path: String, file: String) throws(StrataError) {
        let fd = open(file, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileSystem.error(errno, path: path, operation: "open") }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            close(fd)
            throw FileSystem.error(code, path: path, operation: "fstat")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw .invalidInput(what: "object '\(path)'", why: "is not a regular file")
        }
        self.path = path
        self.descriptor = fd
        self.size = UInt64(info.st_size)
    }

    deinit { close(descriptor) }

    func read(_ range: Range<UInt64>) async throws(StrataError) -> [UInt8] {
        try validateReadRange(range, size: size, path: path)
        let count = Int(range.count)
        var failure: StrataError?
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            var done = 0
            while done < count {
                // Safety: the destination is the unfilled tail of a buffer of `count` bytes.
                let n = pread(descriptor, buffer.baseAddress! + done, count - done, off_t(range.lowerBound) + off_t(done))
                if n > 0 {
                    done += n
                } else if n == 0 {
                    failure = .corruption(path: path, offset: range.lowerBound + UInt64(done), kind: .truncated,
                                          detail: "the file ended before the \(count)-byte read completed")
                    break
                } else if errno != EINTR {
                    failure = FileSystem.error(errno, path: path, operation: "pread")
                    break
                }
            }
            // Zero whatever was not read, so the array is fully initialized either way.
            if done < count { (buffer.baseAddress! + done).initialize(repeating: 0, count: count - done) }
            initialized = count
        }
        if let failure { throw failure }
        return bytes
    }
}

/// A streaming write to a hidden temporary file, published by rename or link on `finish()`.
final class LocalObjectWriter: ObjectWriter, @unchecked Sendable {
    enum Publish { case replace, linkIfAbsent }

    // @unchecked Sendable: a writer is used by one task at a time (the protocol's contract:
    // append… then finish or abort); these fields are not shared between concurrent calls.
    private let file: String
    private let objectPath: String
    private let temporary: String
    private let publish: Publish
    private let durable: Bool
    private var descriptor: Int32
    private(set) var bytesWritten: UInt64 = 0

    init(file: String, objectPath: String, publish: Publish, durable: Bool) throws(StrataError) {
        self.file = file
        self.objectPath = objectPath
        self.publish = publish
        self.durable = durable
        let slash = file.lastIndex(of: "/")!
        let directory = String(file[..<slash])
        let name = String(file[file.index(after: slash)...])
        try FileSystem.makeDirectories(directory)
        temporary = directory + "/." + name + "." + String(UInt64.random(in: 0...UInt64.max), radix: 16) + ".tmp"
        descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw FileSystem.error(errno, path: objectPath, operation: "open") }
    }

    deinit {
        if descriptor >= 0 {
            close(descriptor)
            unlink(temporary)
        }
    }

    func append(_ bytes: [UInt8]) async throws(StrataError) {
        guard descriptor >= 0 else { throw .invalidInput(what: "object writer", why: "already finished or aborted") }
        try FileSystem.writeAll(descriptor, bytes, path: objectPath)
        bytesWritten += UInt64(bytes.count)
    }

    func finish() async throws(StrataError) {
        guard descriptor >= 0 else { throw .invalidInput(what: "object writer", why: "already finished or aborted") }
        guard !durable || fsync(descriptor) == 0 else { throw FileSystem.error(errno, path: objectPath, operation: "fsync") }
        close(descriptor)
        descriptor = -1
        switch publish {
        case .replace:
            guard rename(temporary, file) == 0 else {
                let code = errno
                unlink(temporary)
                throw FileSystem.error(code, path: objectPath, operation: "rename")
            }
        case .linkIfAbsent:
            let linked = link(temporary, file)
            let code = errno
            unlink(temporary)
            guard linked == 0 else { throw FileSystem.error(code, path: objectPath, operation: "link") }
        }
        if durable { try FileSystem.syncDirectory(containing: file, objectPath: objectPath) }
    }

    func abort() async {
        if descriptor >= 0 {
            close(descriptor)
            descriptor = -1
        }
        unlink(temporary)
    }
}
