/// A compiled LIKE pattern: `%` matches any run of characters, `_` exactly one character,
/// `\` makes the next character literal. Matching works on UTF-8 bytes; `_` steps over one
/// whole character. ILIKE lower-cases the pattern here and each value before matching.
public struct LikePattern: Sendable, Hashable {
    /// One element of the pattern.
    enum Piece: Sendable, Hashable {
        case literal([UInt8])
        case anyOne
        case anyRun
    }

    /// The pattern as written.
    public let text: String
    /// Whether matching ignores case.
    public let caseInsensitive: Bool
    let pieces: [Piece]

    /// Compiles `text`.
    public init(_ text: String, caseInsensitive: Bool) {
        self.text = text
        self.caseInsensitive = caseInsensitive
        var pieces: [Piece] = []
        var literal: [UInt8] = []
        var escaped = false
        for character in caseInsensitive ? text.lowercased() : text {
            if escaped {
                literal += Array(String(character).utf8)
                escaped = false
                continue
            }
            switch character {
            case "\\": escaped = true
            case "%", "_":
                if !literal.isEmpty { pieces.append(.literal(literal)); literal = [] }
                // Consecutive %s are one.
                if character == "_" { pieces.append(.anyOne) } else if pieces.last != .anyRun { pieces.append(.anyRun) }
            default: literal += Array(String(character).utf8)
            }
        }
        if escaped { literal.append(UInt8(ascii: "\\")) }
        if !literal.isEmpty { pieces.append(.literal(literal)) }
        self.pieces = pieces
    }

    /// Whether `value` (UTF-8) matches; the caller lower-cases it for ILIKE.
    func matches(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        var p = 0, v = 0
        // The last `%` seen: the piece after it and the value position to retry from.
        var star: (piece: Int, value: Int)?
        while true {
            if p == pieces.count {
                if v == value.count { return true }
            } else {
                switch pieces[p] {
                case .anyRun:
                    star = (p + 1, v)
                    p += 1
                    continue
                case .anyOne:
                    if v < value.count {
                        v += Self.characterLength(value[v])
                        p += 1
                        continue
                    }
                case let .literal(bytes):
                    if v + bytes.count <= value.count, bytes.withUnsafeBufferPointer({ b in
                        (0..<b.count).allSatisfy { b[$0] == value[v + $0] }
                    }) {
                        v += bytes.count
                        p += 1
                        continue
                    }
                }
            }
            // Mismatch: let the last % swallow one more character, or fail.
            guard let s = star, s.value < value.count else { return false }
            let retry = s.value + Self.characterLength(value[s.value])
            star = (s.piece, retry)
            p = s.piece
            v = retry
        }
    }

    /// The length of the UTF-8 sequence starting with `lead` (1 for a stray byte).
    private static func characterLength(_ lead: UInt8) -> Int {
        switch lead {
        case 0xF0...: return 4
        case 0xE0...: return 3
        case 0xC0...: return 2
        default: return 1
        }
    }
}
