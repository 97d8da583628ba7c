/// HTML to plain text, forgivingly: tags are dropped (block-level ones end a paragraph),
/// `script`, `style`, `head`, `template` and comments are dropped with their content,
/// character references are decoded, and runs of white space collapse. Never fails: text
/// that is not HTML comes out with its angle-bracket runs removed.
enum HTMLText {
    private static let blocks: Set<String> = [
        "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section", "article",
        "header", "footer", "blockquote", "pre", "hr", "dt", "dd", "title", "main", "nav", "aside", "figure", "figcaption",
    ]
    private static let dropped: Set<String> = ["script", "style", "head", "template", "noscript", "svg"]
    private static let entities: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " ", "mdash": "—", "ndash": "–", "hellip": "…",
        "copy": "©", "reg": "®", "rsquo": "’", "lsquo": "‘", "rdquo": "”", "ldquo": "“",
    ]

    static func text(of html: String) -> String {
        let characters = Array(html)
        var output = ""
        var i = 0
        var skipping: String?
        while i < characters.count {
            let c = characters[i]
            if c == "<" {
                if characters[i...].starts(with: Array("<!--")) {
                    i = find(Array("-->"), in: characters, from: i + 4).map { $0 + 3 } ?? characters.count
                    continue
                }
                guard let close = characters[(i + 1)...].firstIndex(of: ">") else { break }
                let inside = String(characters[(i + 1)..<close])
                let closing = inside.hasPrefix("/")
                let name = String(inside.drop { $0 == "/" }.prefix { $0.isLetter || $0.isNumber }).lowercased()
                i = close + 1
                if let dropping = skipping {
                    if closing && name == dropping { skipping = nil }
                    continue
                }
                if !closing && dropped.contains(name) && !inside.hasSuffix("/") {
                    skipping = name
                    continue
                }
                if blocks.contains(name) { output += "\n\n" } else { output += " " }
                continue
            }
            i += 1
            guard skipping == nil else { continue }
            if c == "&", let semicolon = characters[i...].prefix(10).firstIndex(of: ";") {
                let name = String(characters[i..<semicolon])
                if let decoded = decode(name) {
                    output += decoded
                    i = semicolon + 1
                    continue
                }
            }
            output.append(c)
        }
        return collapse(output)
    }

    private static func decode(_ name: String) -> String? {
        if let known = entities[name] { return known }
        guard name.hasPrefix("#") else { return nil }
        let digits = name.dropFirst()
        let code = digits.hasPrefix("x") || digits.hasPrefix("X") ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
        return code.flatMap(Unicode.Scalar.init).map { String(Character($0)) }
    }

    private static func find(_ needle: [Character], in characters: [Character], from start: Int) -> Int? {
        guard needle.count <= characters.count else { return nil }
        var i = start
        while i + needle.count <= characters.count {
            if characters[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    /// Spaces and tabs collapse to one space; more than one line break to a blank line.
    private static func collapse(_ text: String) -> String {
        var result = ""
        var spaces = 0, breaks = 0
        for c in text {
            if c == "\n" || c == "\r" {
                breaks += 1
            } else if c.isWhitespace {
                spaces += 1
            } else {
                if !result.isEmpty {
                    if breaks > 1 { result += "\n\n" } else if breaks == 1 { result += "\n" } else if spaces > 0 { result += " " }
                }
                breaks = 0
                spaces = 0
                result.append(c)
            }
        }
        return result
    }
}
