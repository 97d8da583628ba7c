extension String {
    /// The string without the leading and trailing characters for which `drop` holds.
    public func trimming(while drop: (Character) -> Bool) -> String {
        guard let start = firstIndex(where: { !drop($0) }), let end = lastIndex(where: { !drop($0) }) else { return "" }
        return String(self[start...end])
    }

    /// The string without leading and trailing white space.
    public func trimmingWhitespace() -> String { trimming { $0.isWhitespace } }

    /// The string with every `quote` doubled (SQL's and CSV's escape), scalar by scalar: a
    /// quote followed by a combining mark is one character but still a quote to a lexer.
    public func doublingQuotes(_ quote: Unicode.Scalar) -> String {
        var out = String.UnicodeScalarView()
        for scalar in unicodeScalars {
            out.append(scalar)
            if scalar == quote { out.append(quote) }
        }
        return String(out)
    }
}
