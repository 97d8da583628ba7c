import StrataCore

/// Text out of documents of the types the context layer chunks (spec/context.md §3.1).
public enum DocumentText {
    /// Whether content of media type `type` is text to chunk: `text/*`, JSON, XML and
    /// Markdown types.
    public static func isText(_ type: String) -> Bool {
        let base = type.split(separator: ";").first.map { String($0).trimmingWhitespace().lowercased() } ?? ""
        return base.hasPrefix("text/") || base == "application/json" || base == "application/xml" || base.hasSuffix("+json")
            || base.hasSuffix("+xml") || base == "application/x-ndjson"
    }

    /// The plain text of `content`: HTML (`text/html`, `application/xhtml+xml`) stripped to
    /// its text, every other text type as it is (Markdown's marks stay: they are words to
    /// the analyser only where they are words).
    public static func plainText(_ content: String, contentType: String) -> String {
        let type = contentType.lowercased()
        return type.hasPrefix("text/html") || type.hasPrefix("application/xhtml") ? HTMLText.text(of: content) : content
    }

    /// The media type a file name's extension suggests (`text/plain` when unknown).
    public static func contentType(forPath path: String) -> String {
        let ext = path.split(separator: ".").last.map { $0.lowercased() } ?? ""
        switch ext {
        case "md", "markdown": return "text/markdown"
        case "html", "htm", "xhtml": return "text/html"
        case "json": return "application/json"
        case "csv": return "text/csv"
        default: return "text/plain"
        }
    }
}
