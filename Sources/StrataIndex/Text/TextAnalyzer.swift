import Foundation
import StrataCore

/// One term of analysed text and where it stood.
public struct AnalyzedToken: Sendable, Equatable {
    /// The term as indexed and searched.
    public var term: String
    /// The word's place among the text's words, from 0. Dropped words (stop words, overlong
    /// ones) keep their place, so a phrase's gaps survive; a CJK bigram takes the place of
    /// its first character.
    public var position: Int

    /// A token.
    public init(term: String, position: Int) {
        self.term = term
        self.position = position
    }
}

/// Turns text into terms: Unicode word tokenization (runs of letters, digits and combining
/// marks; CJK characters one by one, then paired), lower-casing, ASCII folding, stop words,
/// a length limit and Snowball stemming, in that order (`spec/indexes.md` §7.1). The same
/// analyzer must serve a column's indexing and its queries.
public struct TextAnalyzer: Sendable {
    /// The settings.
    public let options: TextAnalyzerOptions
    private let stemmer: SnowballStemmer?
    private let stopWords: Set<String>

    /// The English stop words: the single words of the stop list published with the Snowball
    /// English stemmer (its contractions, which the tokenizer splits, left out).
    public static let englishStopWords: Set<String> = [
        "a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are", "as", "at", "be",
        "because", "been", "before", "being", "below", "between", "both", "but", "by", "cannot", "could", "did", "do",
        "does", "doing", "down", "during", "each", "few", "for", "from", "further", "had", "has", "have", "having",
        "he", "her", "here", "hers", "herself", "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it",
        "its", "itself", "me", "more", "most", "my", "myself", "no", "nor", "not", "of", "off", "on", "once", "only",
        "or", "other", "ought", "our", "ours", "ourselves", "out", "over", "own", "same", "she", "should", "so", "some",
        "such", "than", "that", "the", "their", "theirs", "them", "themselves", "then", "there", "these", "they",
        "this", "those", "through", "to", "too", "under", "until", "up", "very", "was", "we", "were", "what", "when",
        "where", "which", "while", "who", "whom", "why", "with", "would", "you", "your", "yours", "yourself",
        "yourselves"
    ]

    /// - Throws: `.invalidInput` for a stemmer language libstemmer does not have.
    public init(options: TextAnalyzerOptions = .init()) throws(StrataError) {
        self.options = options
        stemmer = try options.stemmer.map { (language) throws(StrataError) in try SnowballStemmer(language: language) }
        switch options.stopWords {
        case .none: stopWords = []
        case .english: stopWords = Self.englishStopWords
        case let .custom(words): stopWords = Set(words.map { Self.normalize($0, options: options) })
        }
    }

    /// The terms of `text`, in order.
    public func analyze(_ text: String) -> [AnalyzedToken] {
        var text = text
        return text.withUTF8(analyzeASCII) ?? analyzeUnicode(text)
    }

    /// `analyze` for any text, scalar by scalar.
    func analyzeUnicode(_ text: String) -> [AnalyzedToken] {
        var tokens: [AnalyzedToken] = []
        var position = 0
        for word in Self.words(of: text, cjk: options.cjk) {
            defer { position += 1 }
            let term = Self.normalize(word.text, options: options)
            guard !term.isEmpty, !stopWords.contains(term), term.utf8.count <= options.maxTokenLength else { continue }
            // A stemmer may reduce a word to nothing (French turns "H" into ""): keep the word then.
            let stem = word.isCJK ? term : stemmer?.stem(term) ?? term
            tokens.append(AnalyzedToken(term: stem.isEmpty ? term : stem, position: position))
        }
        return tokens
    }

    /// `analyze` for ASCII text, byte by byte — the same terms, since in ASCII the words are
    /// the runs of letters and digits, lower-casing is per byte and folding changes nothing;
    /// nil when the text is not ASCII.
    private func analyzeASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> [AnalyzedToken]? {
        var ascii = true
        for byte in bytes where byte >= 0x80 {
            ascii = false
            break
        }
        guard ascii else { return nil }
        var tokens: [AnalyzedToken] = []
        let lowercase = options.lowercase, longest = options.maxTokenLength
        func run(_ stem: BorrowedStemmer?) {
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bytes.count) { word in
                var position = 0, i = 0
                while i < bytes.count {
                    guard Self.isASCIIWordByte(bytes[i]) else {
                        i += 1
                        continue
                    }
                    var length = 0
                    while i < bytes.count && Self.isASCIIWordByte(bytes[i]) {
                        let byte = bytes[i]
                        word[length] = lowercase && byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
                        length += 1
                        i += 1
                    }
                    defer { position += 1 }
                    guard length <= longest else { continue }
                    let letters = UnsafeBufferPointer(rebasing: word[0..<length])
                    let term = String(decoding: letters, as: UTF8.self)
                    guard !stopWords.contains(term) else { continue }
                    // A stemmer may reduce a word to nothing: keep the word then.
                    let stemmed = stem?.stem(letters) ?? term
                    tokens.append(AnalyzedToken(term: stemmed.isEmpty ? term : stemmed, position: position))
                }
            }
        }
        if let stemmer { stemmer.borrow { run($0) } } else { run(nil) }
        return tokens
    }

    /// ASCII letters and digits.
    @inline(__always)
    private static func isASCIIWordByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A)
    }

    /// Lower-cased and folded as the options say.
    static func normalize(_ word: String, options: TextAnalyzerOptions) -> String {
        var out = options.lowercase ? word.lowercased() : word
        if options.asciiFolding && !out.utf8.allSatisfy({ $0 < 0x80 }) { out = ASCIIFolding.fold(out) }
        return out
    }

    /// A word of the text before normalization.
    struct Word {
        var text: String
        var isCJK: Bool
    }

    /// Splits text into words: maximal runs of letters, digits and combining marks; each CJK
    /// character alone (unigram) or with its right neighbour in the same run (bigram; a run
    /// of one gives the character alone).
    static func words(of text: String, cjk: TextAnalyzerOptions.CJKMode) -> [Word] {
        var words: [Word] = []
        // The current word's UTF-8 (building a String scalar by scalar costs several times more).
        var current: [UInt8] = []
        var cjkRun: [Unicode.Scalar] = []
        func flushWord() {
            if !current.isEmpty { words.append(Word(text: String(decoding: current, as: UTF8.self), isCJK: false)) }
            current.removeAll(keepingCapacity: true)
        }
        func flushCJK() {
            guard !cjkRun.isEmpty else { return }
            if cjk == .unigram || cjkRun.count == 1 {
                for scalar in cjkRun { words.append(Word(text: String(Character(scalar)), isCJK: true)) }
            } else {
                for i in 0..<(cjkRun.count - 1) {
                    var pair = String.UnicodeScalarView()
                    pair.append(cjkRun[i])
                    pair.append(cjkRun[i + 1])
                    words.append(Word(text: String(pair), isCJK: true))
                }
            }
            cjkRun = []
        }
        for scalar in text.unicodeScalars {
            if isCJK(scalar) {
                flushWord()
                cjkRun.append(scalar)
            } else if isWordPart(scalar, continuing: !current.isEmpty) {
                flushCJK()
                if scalar.isASCII { current.append(UInt8(scalar.value)) } else { UTF8.encode(scalar) { current.append($0) } }
            } else {
                flushWord()
                flushCJK()
            }
        }
        flushWord()
        flushCJK()
        return words
    }

    /// Han ideographs, Hiragana and Katakana: scripts written without spaces between words.
    static func isCJK(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x3040...0x30FF, 0x31F0...0x31FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0xFF66...0xFF9F, 0x20000...0x3FFFF:
            return true
        default:
            return false
        }
    }

    /// Letters and digits start or continue a word; combining marks only continue one.
    static func isWordPart(_ scalar: Unicode.Scalar, continuing: Bool) -> Bool {
        // ASCII first: its letters and digits are the only ASCII word parts, and the
        // general-category lookup costs more than the rest of the split.
        if scalar.isASCII {
            let v = scalar.value
            return (v >= 0x30 && v <= 0x39) || (v >= 0x41 && v <= 0x5A) || (v >= 0x61 && v <= 0x7A)
        }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .decimalNumber, .letterNumber, .otherNumber:
            return true
        case .nonspacingMark, .spacingMark, .enclosingMark:
            return continuing
        default:
            return false
        }
    }
}
