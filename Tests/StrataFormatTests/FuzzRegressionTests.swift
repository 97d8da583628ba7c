import Foundation
import StrataFuzzKit
import Testing

/// Replays every input the fuzzers ever found (Fuzz/regressions/TARGET/) and the conformance
/// files through the fuzz target bodies: each must finish without trapping.
@Suite struct FuzzRegressionTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func inputs(_ directory: String, suffix: String = "") -> [[UInt8]] {
        let path = root.appendingPathComponent(directory).path
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter { !$0.hasPrefix(".") && $0.hasSuffix(suffix) }.sorted()
        return names.compactMap { FileManager.default.contents(atPath: path + "/" + $0).map { Array($0) } }
    }

    @Test func fileReaderInputs() async {
        let inputs = Self.inputs("Fuzz/regressions/FuzzFileReader") + Self.inputs("spec/conformance", suffix: ".strata")
        #expect(inputs.count >= 20)
        for input in inputs { await FuzzTargets.fileReaderAsync(input) }
    }

    @Test func metadataInputs() {
        for input in Self.inputs("Fuzz/regressions/FuzzMetadata") { FuzzTargets.metadata(input) }
        // The metadata of every conformance file, and every prefix of one of them.
        let sample = Self.inputs("spec/conformance", suffix: ".strata").first { $0.count > 48 }!
        for length in 0..<min(sample.count, 400) { FuzzTargets.metadata(Array(sample.prefix(length))) }
    }

    @Test func tableObjectInputs() {
        for input in Self.inputs("Fuzz/regressions/FuzzTableObjects") { FuzzTargets.tableObjects(input) }
        // Every selector with empty, short and patterned inputs.
        for selector in UInt8(0)..<5 {
            for length in 0..<64 { FuzzTargets.tableObjects([selector] + (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37) }) }
        }
    }

    @Test func vectorIndexInputs() throws {
        for input in Self.inputs("Fuzz/regressions/FuzzVectorIndex") { FuzzTargets.vectorIndex(input) }
        for selector in UInt8(0)..<3 {
            for length in 0..<80 { FuzzTargets.vectorIndex([selector] + (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 29) }) }
        }
    }

    @Test func scalarIndexInputs() throws {
        for input in Self.inputs("Fuzz/regressions/FuzzScalarIndex") { FuzzTargets.scalarIndex(input) }
        for selector in UInt8(0)..<2 {
            for length in 0..<80 { FuzzTargets.scalarIndex([selector] + (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 1) }) }
        }
    }

    @Test func textIndexInputs() throws {
        for input in Self.inputs("Fuzz/regressions/FuzzTextIndex") { FuzzTargets.textIndex(input) }
        for selector in UInt8(0)..<2 {
            for length in 0..<80 { FuzzTargets.textIndex([selector] + (0..<length).map { UInt8(truncatingIfNeeded: 0x61 + $0 % 7 == 0x67 ? 0x0A : 0x61 + $0 % 7) }) }
        }
    }

    @Test func textInputs() throws {
        for input in Self.inputs("Fuzz/regressions/FuzzText") { FuzzTargets.text(input) }
        // Every row of every conformance expectation, printed and parsed back.
        for document in Self.inputs("spec/conformance", suffix: ".json") {
            FuzzTargets.text(document)
            for line in String(decoding: document, as: UTF8.self).split(separator: "\n") where line.hasPrefix("    {") {
                var row = String(line.drop { $0 == " " })
                if row.hasSuffix(",") { row.removeLast() }
                FuzzTargets.text(Array(row.utf8))
            }
        }
    }
}
