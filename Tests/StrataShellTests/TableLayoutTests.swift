import Strata
import StrataShell
import Testing

/// The `table` mode fitted to a terminal: no line wider than the terminal when the columns
/// can narrow that far, text cut with an ellipsis, numbers kept whole.
@Suite struct TableLayoutTests {
    static let rows = try! RecordBatch(
        schema: try! Schema([("id", .int64, false), ("title", .string, true), ("score", .float64, true), ("note", .string, true)]),
        rows: [[.int(1234567), .string("A title long enough that a narrow terminal must cut it"), .float64(-0.12345678), .string("short")],
               [.int(2), .string("Café 東京"), .null, .string("another note that is also rather long")]])

    @Test func narrowTerminalsCutTextNotNumbers() {
        for width in [40, 50, 60, 80] {
            var settings = RenderSettings()
            settings.terminalWidth = width
            let lines = ResultRenderer(settings).lines(Self.rows)
            let box = lines.dropLast()  // the row count
            #expect(box.allSatisfy { DisplayWidth.of($0) <= width }, "width \(width):\n\(lines.joined(separator: "\n"))")
            #expect(box.contains { $0.contains("1234567") } && box.contains { $0.contains("-0.12345678") }, "numbers whole at \(width)")
            if width < 80 { #expect(box.contains { $0.contains("…") }, "text cut at \(width)") }
        }
    }

    @Test func aNarrowedVectorKeepsItsLength() throws {
        let rows = try RecordBatch(schema: try Schema([("title", .string, false), ("embedding", .vector(.float32, dimension: 384), false)]),
                                   rows: [[.string("a title that is long enough to be narrowed first"), .vector((0..<384).map { Float($0) / 1000 })]])
        for width in [30, 40, 60] {
            var settings = RenderSettings()
            settings.terminalWidth = width
            let row = ResultRenderer(settings).lines(rows)[3]
            #expect(row.contains("(384)]") && DisplayWidth.of(row) <= width, "width \(width): \(row)")
        }
    }

    @Test func tooNarrowForAnyFitStillShowsEveryColumn() {
        var settings = RenderSettings()
        settings.terminalWidth = 10
        let header = ResultRenderer(settings).lines(Self.rows)[1]
        #expect(header.split(separator: "│").count == 4, "\(header)")
    }
}
