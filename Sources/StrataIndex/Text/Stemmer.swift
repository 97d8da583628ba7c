import CStemmer
import StrataCore
import Synchronization

/// A Snowball stemmer from libstemmer for one language. libstemmer's stemmer objects keep
/// their output in themselves, so one may serve one call at a time: the idle ones wait in a
/// pool and each call borrows one.
final class SnowballStemmer: Sendable {
    /// The algorithm's name, as libstemmer knows it.
    let language: String
    /// Guards the idle stemmer objects; held only to push or pop one.
    private let idle = Mutex<[OpaquePointerBox]>([])

    /// The languages this libstemmer has.
    static let languages: [String] = {
        var names: [String] = []
        guard var list = sb_stemmer_list() else { return names }
        while let name = list.pointee {
            names.append(String(cString: name))
            list += 1
        }
        return names
    }()

    /// - Throws: `.invalidInput` when libstemmer has no such algorithm.
    init(language: String) throws(StrataError) {
        guard Self.languages.contains(language) else {
            throw .invalidInput(what: "stemmer '\(language)'", why: "unknown; known: \(Self.languages.joined(separator: ", ")), or none")
        }
        self.language = language
    }

    deinit {
        idle.withLock { for box in $0 { sb_stemmer_delete(box.pointer) } }
    }

    /// The stem of `word` (UTF-8).
    func stem(_ word: String) -> String {
        borrow { stemmer in
            var word = word
            return word.withUTF8 { stemmer.stem($0) } ?? word
        }
    }

    /// Runs `body` with one stemmer object of the pool, so that a document's words are
    /// stemmed with one borrowing instead of one per word.
    func borrow<Result>(_ body: (BorrowedStemmer) -> Result) -> Result {
        let box = idle.withLock { $0.popLast() } ?? OpaquePointerBox(sb_stemmer_new(language, "UTF_8"))
        defer { idle.withLock { if $0.count < 16 { $0.append(box) } else { sb_stemmer_delete(box.pointer) } } }
        return body(BorrowedStemmer(pointer: box.pointer))
    }
}

/// A libstemmer object lent to one caller for the length of `SnowballStemmer.borrow`.
struct BorrowedStemmer {
    fileprivate let pointer: OpaquePointer

    /// The stem of the UTF-8 word `bytes` (nil when libstemmer fails to allocate).
    func stem(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard let stemmed = sb_stemmer_stem(pointer, bytes.baseAddress, Int32(bytes.count)) else { return nil }
        return String(decoding: UnsafeBufferPointer(start: stemmed, count: Int(sb_stemmer_length(pointer))), as: UTF8.self)
    }
}

/// A libstemmer object handed between threads, one user at a time (`SnowballStemmer`'s pool).
private struct OpaquePointerBox: @unchecked Sendable {
    let pointer: OpaquePointer

    init(_ pointer: OpaquePointer?) {
        // Safety: sb_stemmer_new fails only for an unknown algorithm (checked in init) or
        // when malloc does.
        guard let pointer else { fatalError("libstemmer could not make a stemmer") }
        self.pointer = pointer
    }
}
