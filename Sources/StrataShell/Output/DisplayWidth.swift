/// How many terminal columns text takes: East Asian wide and full-width characters and
/// emoji take two, combining marks and zero-width characters none, everything else one.
/// (A close reading of Unicode's East Asian Width and emoji presentation, enough to keep a
/// table's borders straight; terminals themselves disagree on the rare cases.)
public enum DisplayWidth {
    /// The columns `text` takes.
    public static func of(_ text: String) -> Int {
        var width = 0
        for character in text { width += of(character) }
        return width
    }

    /// The columns one character (grapheme) takes.
    public static func of(_ character: Character) -> Int {
        if character.isASCII { return 1 }
        var width = 0
        for scalar in character.unicodeScalars {
            if scalar.value == 0xFE0F { return 2 }  // emoji presentation selector
            width = max(width, of(scalar))
        }
        return width
    }

    /// The columns of `text` cut to at most `limit` columns, ending with "…" when cut.
    public static func truncated(_ text: String, to limit: Int) -> String {
        guard limit > 0 else { return "" }
        guard of(text) > limit else { return text }
        var out = "", used = 0
        for character in text {
            let w = of(character)
            if used + w > limit - 1 { break }
            out.append(character)
            used += w
        }
        return out + "…"
    }

    /// `text` padded with spaces to `width` columns, on the right (or the left).
    public static func padded(_ text: String, to width: Int, left: Bool = false) -> String {
        let pad = String(repeating: " ", count: max(0, width - of(text)))
        return left ? pad + text : text + pad
    }

    private static func of(_ scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format, .control: return 0
        default: break
        }
        if v == 0x200B { return 0 }
        if isWide(v) || (scalar.properties.isEmojiPresentation && v >= 0x2000) { return 2 }
        return 1
    }

    private static func isWide(_ v: UInt32) -> Bool {
        switch v {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
             0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
             0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
            return true
        default:
            return false
        }
    }
}
