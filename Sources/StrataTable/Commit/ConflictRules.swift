/// How a commit stands against one concurrent commit that won the race for its version
/// (spec/table.md §6, "Conflict rules").
package enum ConflictClass: Sendable, Equatable {
    /// Independent changes: the loser reapplies its change on top of the winner, reusing the
    /// files it wrote (appends against anything; deletes of different fragments).
    case rebase
    /// The loser's change was computed from data the winner changed; the operation must run
    /// again from a fresh snapshot (a predicate delete, an upsert, a compaction, a schema
    /// change against a schema change). Callers whose operation can re-run do so themselves.
    case retry(reason: String)
    /// Both changed the same fragment's rows and the loser cannot recompute: an explicit
    /// delete of row addresses whose fragment the winner rewrote or removed.
    case incompatible(reason: String)
}

/// The conflict rules: whether `ours` (read at an older version) can follow `theirs`.
package enum ConflictRules {
    /// Classifies `ours` against the committed `theirs`. `oursCanRerun` says whether our
    /// operation is a function of the data it read (and so can re-run) or a fixed list of
    /// row addresses (which cannot).
    package static func classify(ours: Transaction, theirs: Transaction, oursCanRerun: Bool) -> ConflictClass {
        let ourTouched = Set(ours.modifiedFragments).union(ours.removedFragments)
        let theirTouched = Set(theirs.modifiedFragments).union(theirs.removedFragments)
        let schemaOps: Set<TableOperation> = [.addColumns, .dropColumns, .renameColumn]

        func conflict(_ reason: String) -> ConflictClass {
            oursCanRerun ? .retry(reason: reason) : .incompatible(reason: reason)
        }

        // A restore rewrites the whole state without reading it; it always goes on top.
        if ours.operation == .restore || ours.operation == .create { return .rebase }
        // Pure appends only add fragments: nothing the winner did can invalidate them.
        if ours.operation == .append { return .rebase }
        if theirs.operation == .restore {
            return conflict("version restored to \(theirs.restoredVersion) by a concurrent commit")
        }
        if theirs.operation == .unknown && !ourTouched.isEmpty {
            return conflict("a concurrent commit of an operation this build does not know")
        }
        // An index change reads the covered fragments' rows and the indexed column; compaction
        // rewrites rows, a schema change may drop the column. Either order re-runs the later
        // one, so an index never names rows that moved or a column that left.
        if ours.operation == .index && (theirs.operation == .index || schemaOps.contains(theirs.operation) || !theirs.removedFragments.isEmpty) {
            return conflict("a concurrent \(theirs.operation.rawValue) changed the indexed fragments or indexes")
        }
        if ours.operation == .index { return .rebase }
        if ours.operation == .compact && theirs.operation == .index {
            return conflict("an index changed concurrently")
        }
        if schemaOps.contains(ours.operation) && schemaOps.contains(theirs.operation) {
            return .retry(reason: "the schema changed concurrently (\(theirs.detail))")
        }
        let overlap = ourTouched.intersection(theirTouched)
        if !overlap.isEmpty {
            let list = overlap.sorted().prefix(5).map(String.init).joined(separator: ", ")
            return conflict("a concurrent \(theirs.operation.rawValue) changed fragment(s) \(list)")
        }
        return .rebase
    }
}
