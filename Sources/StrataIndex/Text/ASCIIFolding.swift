import Foundation

/// Maps Latin letters with diacritics, ligatures and a few letters of their own to ASCII, as
/// search engines do so that "café" finds "cafe": canonical decomposition, then the combining
/// marks dropped from Latin letters, then a table for letters that do not decompose (ß, æ,
/// œ, ø, ł, đ, ð, þ, ı). Other scripts pass through unchanged, their marks included.
enum ASCIIFolding {
    static let letters: [Unicode.Scalar: String] = [
        "ß": "ss", "ẞ": "SS", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L",
        "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "TH", "ı": "i", "ĸ": "q", "ŀ": "l", "Ŀ": "L",
    ]

    static func fold(_ word: String) -> String {
        var out = String.UnicodeScalarView()
        var afterLatin = false  // whether the last base letter kept was Latin
        for scalar in word.decomposedStringWithCanonicalMapping.unicodeScalars {
            if scalar.isASCII {
                out.append(scalar)
                afterLatin = true
            } else if let replacement = letters[scalar] {
                out.append(contentsOf: replacement.unicodeScalars)
                afterLatin = true
            } else if (0x0300...0x036F).contains(scalar.value) {
                // A diacritic: dropped from a Latin letter; kept elsewhere (й is not и).
                if !afterLatin { out.append(scalar) }
            } else {
                out.append(scalar)
                afterLatin = false
            }
        }
        return String(out).precomposedStringWithCanonicalMapping
    }
}
