import Foundation
import Strata
import Testing

/// Reads every golden file of spec/conformance/ and holds the reader to its expected values
/// or its expected error.
@Suite struct ConformanceTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("spec/conformance").path

    static let fixtures: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".strata") }.map { String($0.dropLast(".strata".count)) }.sorted()
    }()

    static func expectation(_ name: String) throws -> JSONValue {
        try JSONParser.parse(Array(FileManager.default.contents(atPath: directory + "/" + name + ".json")!))
    }

    /// The error class names the fixtures use.
    static func errorClass(_ error: StrataError) -> String {
        switch error {
        case let .corruption(_, _, kind, _): return kind.rawValue
        case .incompatibleVersion: return "incompatible version"
        case .unsupportedFeature: return "unsupported feature"
        default: return "other: \(error)"
        }
    }

    @Test func everyFixtureHasAnExpectation() throws {
        #expect(Self.fixtures.count >= 30)
        for name in Self.fixtures {
            guard case let .string(description)? = try Self.expectation(name)["description"] else {
                Issue.record("\(name).json has no description")
                continue
            }
            #expect(!description.isEmpty)
        }
    }

    @Test(arguments: fixtures.filter { !$0.hasPrefix("negative-") })
    func readsExpectedValues(name: String) async throws {
        let expected = try Self.expectation(name)
        let schema = try Schema(json: Array(Self.renderSchema(expected["schema"]!).utf8))
        guard case let .array(rows)? = expected["rows"] else { Issue.record("no rows"); return }
        let store = try LocalFileStore(directory: Self.directory)
        let reader = try await FileReader.open(store: store, path: name + ".strata")
        #expect(reader.schema == schema)
        #expect(reader.rowCount == rows.count)
        #expect(try await reader.verify().problems.isEmpty)
        let all = try await reader.readAll()
        for (r, row) in rows.enumerated() {
            for (c, field) in schema.fields.enumerated() {
                let actual = all.columns[c].value(at: r)
                let json = row[field.name] ?? .null
                if case let .json(text) = actual {
                    #expect(try JSONParser.parse(text) == json, "\(name) row \(r) column \(field.name)")
                    continue
                }
                let want = try JSONRows.value(json, source: [], type: field.type)
                #expect(actual.isIdentical(to: want), "\(name) row \(r) column \(field.name): \(actual) ≠ \(want)")
            }
        }
        // take of every row, in reverse, agrees with the scan.
        let reversed = Array((0..<reader.rowCount).reversed())
        let taken = try await reader.take(reversed)
        for c in schema.fields.indices {
            #expect(taken.columns[c].isIdentical(to: all.columns[c].gather(reversed)), "\(name) take of column \(c)")
        }
    }

    @Test(arguments: fixtures.filter { $0.hasPrefix("negative-") })
    func raisesTheExpectedError(name: String) async throws {
        guard case let .string(wanted)? = try Self.expectation(name)["error"] else { Issue.record("no error"); return }
        let store = try LocalFileStore(directory: Self.directory)
        do throws(StrataError) {
            let reader = try await FileReader.open(store: store, path: name + ".strata")
            if let problem = try await reader.verify().problems.first { throw problem }
            _ = try await reader.readAll()
            Issue.record("\(name) was read without an error")
        } catch {
            #expect(Self.errorClass(error) == wanted, "\(name): \(error)")
            if case let .corruption(path, _, _, _) = error { #expect(path == name + ".strata") }
        }
    }

    @Test func fixturesCoverEveryTypeEncodingAndCodec() async throws {
        let store = try LocalFileStore(directory: Self.directory)
        var types = Set<String>(), nullableTypes = Set<String>(), encodings = Set<PageEncoding>(), codecs = Set<PageCodec>()
        var dimensions = Set<Int>()
        for name in Self.fixtures where !name.hasPrefix("negative-") {
            let reader = try await FileReader.open(store: store, path: name + ".strata")
            for column in reader.columns {
                if case let .vector(element, dimension) = column.field.type {
                    types.insert("vector(\(element.rawValue))")
                    dimensions.insert(dimension)
                } else {
                    types.insert(column.field.type.description)
                }
                if column.pages.contains(where: { $0.statistics.nullCount > 0 }) { nullableTypes.insert(column.field.type.description) }
                for page in column.pages {
                    encodings.insert(page.encoding)
                    codecs.insert(page.codec)
                }
            }
        }
        #expect(types.isSuperset(of: DataType.scalarTypes.map(\.description) + VectorElement.allCases.map { "vector(\($0.rawValue))" }))
        #expect(nullableTypes.isSuperset(of: DataType.scalarTypes.map(\.description)))
        #expect(encodings == Set(PageEncoding.allCases))
        #expect(codecs == Set(PageCodec.allCases))
        #expect(dimensions.isSuperset(of: [1, 1536]))
    }

    /// The schema member back as JSON text (Schema's reader takes text).
    static func renderSchema(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case let .bool(b): return b ? "true" : "false"
        case let .number(n): return n
        case let .string(s): return JSONText.quoted(s)
        case let .array(a): return "[" + a.map(renderSchema).joined(separator: ",") + "]"
        case let .object(o): return "{" + o.map { JSONText.quoted($0.0) + ":" + renderSchema($0.1) }.joined(separator: ",") + "}"
        }
    }
}
