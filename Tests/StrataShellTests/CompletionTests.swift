import Foundation
import Strata
import StrataShell
import Testing
import TestSupport

/// Tab completion's choices: dot-commands at the start of a line, else keywords (in the case
/// typed), namespaces, tables, columns and functions of the database.
@Suite struct CompletionTests {
    @Test func completesWhatTheDatabaseHas() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let database = try await Database.open(directory: directory.path)
        try await database.execute("CREATE NAMESPACE notes_ns")
        try await database.execute("CREATE TABLE notes_ns.entries (entry_id INT, note_text TEXT)")
        try await database.execute("CREATE TABLE docs (doc_id INT, body TEXT)")
        let completion = await Completion.of(database, tableFunctions: database.tableFunctionNames)

        #expect(completion.matches(for: ".ta", lineBefore: "") == [".tables"])
        #expect(completion.matches(for: ".", lineBefore: "").contains(".import"))
        #expect(completion.matches(for: "SEL", lineBefore: "") == ["SELECT"])
        #expect(completion.matches(for: "sel", lineBefore: "") == ["select"])
        #expect(completion.matches(for: "notes_ns.e", lineBefore: "SELECT * FROM ") == ["notes_ns.entries"])
        #expect(completion.matches(for: "note", lineBefore: "SELECT ") == ["note_text", "notes_ns", "notes_ns.entries"])
        #expect(completion.matches(for: "doc", lineBefore: "SELECT ") == ["doc_id", "docs"])
        #expect(completion.matches(for: "read_j", lineBefore: "SELECT * FROM ") == ["read_jsonl("])
        #expect(completion.matches(for: "coal", lineBefore: "SELECT ") == ["coalesce("])
        #expect(completion.matches(for: "", lineBefore: "SELECT ").isEmpty)
        #expect(completion.matches(for: "zzz", lineBefore: "SELECT ").isEmpty)
        // Columns after `table.` (their own), `ns.table.` and an alias (every table's).
        #expect(completion.matches(for: "docs.b", lineBefore: "SELECT ") == ["docs.body"])
        #expect(completion.matches(for: "docs.", lineBefore: "SELECT ") == ["docs.doc_id", "docs.body"])
        #expect(completion.matches(for: "notes_ns.entries.n", lineBefore: "SELECT ") == ["notes_ns.entries.note_text"])
        #expect(completion.matches(for: "d.no", lineBefore: "SELECT ") == ["d.note_text"])
    }
}
