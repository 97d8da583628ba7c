import Foundation
import StrataCore

/// How text becomes terms: the settings of a `TextAnalyzer`. The defaults are the table in
/// `spec/indexes.md` §7.1, and a test holds the two to each other.
public struct TextAnalyzerOptions: Sendable, Equatable {
    /// How runs of CJK characters (Han, Hiragana, Katakana) become terms; they have no
    /// spaces between words.
    public enum CJKMode: String, Sendable, CaseIterable {
        /// Each pair of neighbouring characters is a term (a lone character is one term).
        case bigram
        /// Each character is a term.
        case unigram
    }

    /// Which words are dropped before stemming.
    public enum StopWords: Sendable, Equatable {
        /// None.
        case none
        /// Snowball's English stop list, its single words (`TextAnalyzer.englishStopWords`).
        case english
        /// These words, compared after lower-casing and folding.
        case custom(Set<String>)
    }

    /// Lower-case every term (Unicode case mapping).
    public var lowercase = true
    /// Map accented and other Latin letters to ASCII (é → e, ß → ss, æ → ae).
    public var asciiFolding = true
    /// Words dropped (they still take a position, so phrases keep their gaps).
    public var stopWords: StopWords = .english
    /// The Snowball algorithm (`english`, `french`, `german`, … as libstemmer names them),
    /// or nil for no stemming.
    public var stemmer: String? = "english"
    /// Terms longer than this many UTF-8 bytes (after folding, before stemming) are dropped.
    public var maxTokenLength = 40
    /// How CJK runs become terms.
    public var cjk: CJKMode = .bigram

    /// The defaults.
    public init() {}

    /// Options from `key=value` settings (`spec/indexes.md` §7.1): `lowercase`,
    /// `ascii_folding` (true|false), `stop_words` (english|none|a comma-separated list),
    /// `stemmer` (a Snowball language or none), `max_token_length` (1…255), `cjk`
    /// (bigram|unigram). Unset keys keep their defaults.
    /// - Throws: `.invalidInput` for an unknown key or a bad value.
    public init(settings: [String: String]) throws(StrataError) {
        for (key, value) in settings.sorted(by: { $0.key < $1.key }) {
            switch key {
            case "lowercase": lowercase = try Self.flag(key, value)
            case "ascii_folding": asciiFolding = try Self.flag(key, value)
            case "stop_words":
                switch value {
                case "english": stopWords = .english
                case "none": stopWords = .none
                default: stopWords = .custom(Set(value.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }))
                }
            case "stemmer": stemmer = value == "none" ? nil : value
            case "max_token_length":
                guard let n = Int(value), (1...255).contains(n) else {
                    throw .invalidInput(what: "max_token_length", why: "must be an integer in 1…255, got '\(value)'")
                }
                maxTokenLength = n
            case "cjk":
                guard let mode = CJKMode(rawValue: value) else { throw .invalidInput(what: "cjk", why: "must be bigram or unigram, got '\(value)'") }
                cjk = mode
            default:
                throw .invalidInput(what: "analyzer setting '\(key)'",
                                    why: "known: ascii_folding, cjk, lowercase, max_token_length, stemmer, stop_words")
            }
        }
    }

    /// The options as `key=value` settings, every key present (`init(settings:)` reads
    /// them back to equal options).
    public var settings: [String: String] {
        let words: String
        switch stopWords {
        case .none: words = "none"
        case .english: words = "english"
        case let .custom(list): words = list.sorted().joined(separator: ",")
        }
        return ["lowercase": "\(lowercase)", "ascii_folding": "\(asciiFolding)", "stop_words": words, "stemmer": stemmer ?? "none",
                "max_token_length": "\(maxTokenLength)", "cjk": cjk.rawValue]
    }

    private static func flag(_ key: String, _ value: String) throws(StrataError) -> Bool {
        switch value {
        case "true": return true
        case "false": return false
        default: throw .invalidInput(what: key, why: "must be true or false, got '\(value)'")
        }
    }
}
