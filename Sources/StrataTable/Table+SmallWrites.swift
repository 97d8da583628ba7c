import StrataCore

extension Table {
    /// Inserts rows through the write-ahead log: the small-write path for an agent adding a
    /// turn at a time. Returns once the rows are as durable as `options.durability` says;
    /// they are visible at once to snapshots taken through this handle, and folded into a
    /// fragment when the in-memory table reaches `flushRows`, `flushBytes` or
    /// `flushAgeSeconds` (checked here). Without a log, the rows are appended directly.
    /// - Throws: `.invalidInput` when the rows do not fit the schema; storage errors.
    public func insert(_ batch: RecordBatch) async throws(StrataError) {
        guard let smallWrites else {
            try await append(batch)
            return
        }
        let schema = try await latestManifest().schema
        let aligned = try Self.align(batch, to: schema)
        guard aligned.rowCount > 0 else { return }
        let size = SmallWriteBuffer.bytes(of: aligned)
        guard size <= SmallWriteBuffer.maxRecordBytes else {
            throw .invalidInput(what: "insert of \(size) bytes", why: "larger than one log record allows (1 GiB); use append")
        }
        do {
            try await smallWrites.append(aligned, schema: schema)
        } catch .invalidInput {
            // The schema changed under the in-memory table: fold it in, then log anew.
            try await flushSmallWrites()
            try await smallWrites.append(aligned, schema: schema)
        }
        if smallWrites.flushDue {
            try await flushSmallWrites()
        } else if smallWrites.claimAgeCheck() {
            scheduleAgeFlush(smallWrites)
        }
    }

    /// Flushes the in-memory table once its oldest rows reach `flushAgeSeconds`, even if no
    /// further insert comes to check. Holds the table and its log weakly: a dropped table is
    /// not kept alive (nor its segment locked) by its timer; its log replays on the next open.
    private func scheduleAgeFlush(_ smallWrites: SmallWriteBuffer) {
        let delay = UInt64(options.flushAgeSeconds * 1_000_000_000)
        Task { [weak self, weak smallWrites] in
            try? await Task.sleep(nanoseconds: delay)
            guard let self, let smallWrites else { return }
            smallWrites.releaseAgeCheck()
            if smallWrites.flushDue {
                // A failure leaves the rows logged and visible; the next insert or open retries.
                try? await self.flushSmallWrites()
            } else if smallWrites.hasPendingRows, smallWrites.claimAgeCheck() {
                self.scheduleAgeFlush(smallWrites)
            }
        }
    }

    /// Folds the in-memory table into a fragment and commits it, then, when more than
    /// `options.maxSmallFragments` fragments are smaller than `options.flushRows`, merges them.
    /// A no-op without small writes pending.
    public func flushSmallWrites() async throws(StrataError) {
        guard let smallWrites else { return }
        await smallWrites.flushLock.lock()
        defer { smallWrites.flushLock.unlock() }
        // A sealed segment whose flush failed stays visible and first in line; it is retried here.
        while let sealed = try await smallWrites.nextToFlush() {
            let base = try await latestManifest()
            let name = sealed.active.segment.name
            // A retried flush whose first attempt did publish (and then reported an error)
            // must not fold the rows twice.
            if (base.walFlushed[name] ?? 0) >= sealed.lastSequence {
                smallWrites.flushed(sealed)
                continue
            }
            let written = try await FragmentWriter(location: location, options: options).write(sealed.batches, schema: sealed.batches[0].schema)
            let live = Set(try smallWrites.logStorage.list())
            var flushed = [name: sealed.lastSequence]
            // Entries for segments already deleted can never be replayed again: drop them.
            for other in base.walFlushed.keys where !live.contains(other) && other != name { flushed[other] = 0 }
            _ = try await commitAppend(written, base: base, walFlushed: flushed)
            smallWrites.flushed(sealed)
        }
        try await mergeSmallFragmentsIfNeeded()
    }

    /// Flushes pending small writes; call before a handle is dropped to fold its log (a log
    /// left behind is replayed by the next open, so nothing is lost either way).
    public func close() async throws(StrataError) {
        try await flushSmallWrites()
    }

    /// Replays log segments whose owner is gone: their records that no manifest records as
    /// folded become a fragment, committed, and then the segment is deleted.
    package func replayOrphanedLogs() async throws(StrataError) {
        guard let smallWrites else { return }
        let storage = smallWrites.logStorage
        for name in try storage.list() where name != smallWrites.currentSegmentName {
            guard let segment = try storage.claim(name) else { continue }  // its owner is alive
            let decoded: LogCoding.Segment
            do {
                decoded = try LogCoding.decode(try segment.readAll(), path: TablePaths.walPrefix + name)
            } catch let error where error.isDataError {
                // A damaged header (segments appear only complete, so this is real damage or a
                // newer build's segment): keep it for an operator and go on without it.
                continue
            }
            let base = try await latestManifest()
            let folded = base.walFlushed[name] ?? 0
            let records = decoded.records.filter { $0.sequence > folded }
            if !records.isEmpty {
                let written = try await FragmentWriter(location: location, options: options).write(records.map(\.batch), schema: decoded.schema)
                _ = try await commitAppend(written, base: base, walFlushed: [name: records.map(\.sequence).max()!])
            }
            // A torn tail is a crash mid-append, never acknowledged: the segment is done. A
            // damaged record is kept for an operator; its good prefix is folded and skipped
            // on later opens.
            if !decoded.damaged { try segment.remove() }
        }
    }
}
