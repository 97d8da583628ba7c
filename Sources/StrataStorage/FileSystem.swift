#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import StrataCore

/// The POSIX calls `LocalFileStore` needs, with errno mapped to `StrataError`.
package enum FileSystem {
    /// Maps an errno to the error case a caller can act on.
    package static func error(_ code: Int32, path: String, operation: String) -> StrataError {
        switch code {
        case ENOENT: return .notFound(path: path)
        case EEXIST: return .alreadyExists(path: path)
        case ENOSPC, EDQUOT: return .storageFull(path: path)
        default: return .io(path: path, operation: operation, code: code, message: String(cString: strerror(code)))
        }
    }

    /// Writes all of `bytes` to `descriptor` at its current position, retrying short writes
    /// and EINTR. Errors name `path` (ENOSPC as `.storageFull`).
    package static func writeAll(_ descriptor: Int32, _ bytes: [UInt8], path: String) throws(StrataError) {
        var failure: StrataError?
        bytes.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                // Safety: the source is the unwritten tail of `raw`, `raw.count - done` bytes long.
                let n = write(descriptor, raw.baseAddress! + done, raw.count - done)
                if n >= 0 {
                    done += n
                } else if errno != EINTR {
                    failure = error(errno, path: path, operation: "write")
                    return
                }
            }
        }
        if let failure { throw failure }
    }

    /// `mkdir -p`, fsyncing the parent of every directory it creates so the new entry is durable.
    static func makeDirectories(_ directory: String) throws(StrataError) {
        var current = directory.hasPrefix("/") ? "" : "."
        for component in directory.split(separator: "/") {
            current += "/" + component
            if mkdir(current, 0o755) == 0 {
                try syncDirectory(containing: current, objectPath: directory)
            } else if errno != EEXIST {
                throw error(errno, path: directory, operation: "mkdir")
            }
        }
    }

    /// fsyncs the directory that holds `file`, making a create, rename or unlink in it durable.
    static func syncDirectory(containing file: String, objectPath: String) throws(StrataError) {
        let directory = file.lastIndex(of: "/").map { String(file[..<$0]) } ?? "."
        let fd = open(directory.isEmpty ? "/" : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw error(errno, path: objectPath, operation: "open directory") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw error(errno, path: objectPath, operation: "fsync directory") }
    }

    static func size(of file: String, objectPath: String) throws(StrataError) -> UInt64 {
        var info = stat()
        guard stat(file, &info) == 0 else { throw error(errno, path: objectPath, operation: "stat") }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw .notFound(path: objectPath) }
        return UInt64(info.st_size)
    }

    /// Calls `visit(relativePath, size, modifiedMicros)` for every regular file under `root/relative`, skipping
    /// the store's temporary files (hidden names ending in `.tmp`). A missing directory lists nothing.
    static func walk(root: String, relative: String, _ visit: (String, UInt64, Int64) -> Void) throws(StrataError) {
        let directory = relative.isEmpty ? root : root + "/" + relative
        guard let handle = opendir(directory) else {
            if errno == ENOENT || errno == ENOTDIR { return }
            throw error(errno, path: relative, operation: "opendir")
        }
        defer { closedir(handle) }
        var subdirectories: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name == "." || name == ".." || (name.hasPrefix(".") && name.hasSuffix(".tmp")) { continue }
            let path = relative.isEmpty ? name : relative + "/" + name
            var info = stat()
            guard stat(root + "/" + path, &info) == 0 else { continue }  // removed while listing
            if (info.st_mode & S_IFMT) == S_IFDIR {
                subdirectories.append(path)
            } else if (info.st_mode & S_IFMT) == S_IFREG {
                visit(path, UInt64(info.st_size), Int64(info.st_mtim.tv_sec) * 1_000_000 + Int64(info.st_mtim.tv_nsec) / 1_000)
            }
        }
        for subdirectory in subdirectories { try walk(root: root, relative: subdirectory, visit) }
    }
}
