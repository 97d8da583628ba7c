import StrataCore

/// How text is cut into L1 chunks (spec/context.md §3).
public struct ChunkingOptions: Sendable, Hashable {
    /// The most characters a chunk holds (a single word longer than that is cut).
    public var maxCharacters: Int
    /// Characters of the previous chunk's last sentences repeated at the start of the next
    /// (whole sentences only, at most this many).
    public var overlapCharacters: Int

    /// Options; `maxCharacters` ≥ 1, `overlapCharacters` ≥ 0 and below `maxCharacters`.
    /// - Throws: `.invalidInput` naming the setting out of range.
    public init(maxCharacters: Int, overlapCharacters: Int) throws(StrataError) {
        guard maxCharacters >= 1 else { throw .invalidInput(what: "maxCharacters \(maxCharacters)", why: "must be at least 1") }
        guard overlapCharacters >= 0, overlapCharacters < maxCharacters else {
            throw .invalidInput(what: "overlapCharacters \(overlapCharacters)", why: "must be 0 or more and below maxCharacters (\(maxCharacters))")
        }
        self.maxCharacters = maxCharacters
        self.overlapCharacters = overlapCharacters
    }

    /// The defaults: chunks of up to 1,000 characters overlapping by up to 150.
    public static let standard = ChunkingOptions(checkedMax: 1_000, overlap: 150)

    private init(checkedMax: Int, overlap: Int) {
        maxCharacters = checkedMax
        overlapCharacters = overlap
    }
}

/// One chunk: its text and where it lies in the source (character offsets).
public struct Chunk: Sendable, Hashable {
    public var text: String
    public var range: Range<Int>
}

/// Sentence-aware chunking with overlap: the text is cut into sentences (after `.`, `!`,
/// `?` or `…` followed by white space, and at blank lines), sentences are packed into chunks
/// of at most `maxCharacters`, and each chunk after the first starts with the last whole
/// sentences of the one before that fit in `overlapCharacters`. A sentence longer than a
/// chunk is cut at white space (or, for one very long word, at the limit).
public enum Chunker {
    public static func chunks(_ text: String, options: ChunkingOptions = .standard) -> [Chunk] {
        let characters = Array(text)
        let pieces = sentences(characters).flatMap { split($0, characters, max: options.maxCharacters) }
        var chunks: [Chunk] = []
        var start = 0
        while start < pieces.count {
            var end = start
            var length = 0
            while end < pieces.count {
                let added = pieces[end].upperBound - (end == start ? pieces[end].lowerBound : pieces[end - 1].upperBound)
                if end > start && length + added > options.maxCharacters { break }
                length += added
                end += 1
            }
            let range = pieces[start].lowerBound..<pieces[end - 1].upperBound
            chunks.append(Chunk(text: String(characters[range]).trimmingWhitespace(), range: range))
            guard end < pieces.count else { break }
            // The next chunk repeats the last sentences that fit in the overlap, but always
            // moves forward by at least one sentence.
            var next = end
            while next - 1 > start && pieces[end - 1].upperBound - pieces[next - 1].lowerBound <= options.overlapCharacters { next -= 1 }
            // Fewer repeated sentences when they would leave no room for the next new one:
            // a chunk that only repeats the one before adds nothing.
            while next < end && pieces[end].upperBound - pieces[next].lowerBound > options.maxCharacters { next += 1 }
            start = next
        }
        return chunks.filter { !$0.text.isEmpty }
    }

    /// The sentences' ranges, covering the whole text.
    static func sentences(_ characters: [Character]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0, i = 0
        while i < characters.count {
            let c = characters[i]
            let ends = (c == "." || c == "!" || c == "?" || c == "…") && i + 1 < characters.count && characters[i + 1].isWhitespace
            let paragraph = c == "\n" && i + 1 < characters.count && characters[i + 1] == "\n"
            i += 1
            if ends || paragraph {
                while i < characters.count && characters[i].isWhitespace { i += 1 }
                ranges.append(start..<i)
                start = i
            }
        }
        if start < characters.count { ranges.append(start..<characters.count) }
        return ranges
    }

    /// `range` in pieces of at most `max` characters, cut after white space when possible.
    static func split(_ range: Range<Int>, _ characters: [Character], max: Int) -> [Range<Int>] {
        var pieces: [Range<Int>] = []
        var start = range.lowerBound
        while range.upperBound - start > max {
            var cut = start + max
            var space = cut
            while space > start && !characters[space - 1].isWhitespace { space -= 1 }
            if space > start { cut = space }
            pieces.append(start..<cut)
            start = cut
        }
        pieces.append(start..<range.upperBound)
        return pieces
    }
}
