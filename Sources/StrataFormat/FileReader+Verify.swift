import StrataCore
import StrataKernels

/// The outcome of `FileReader.verify()`.
public struct VerificationReport: Sendable {
    /// Pages whose bytes were read and checked.
    public var pagesChecked = 0
    /// Checksum blocks checked inside uncompressed pages.
    public var blocksChecked = 0
    /// Stored bytes read.
    public var bytesChecked: UInt64 = 0
    /// Every problem found, one per damaged page, in file order; empty when the file is sound.
    public var problems: [StrataError] = []
}

extension FileReader {
    /// Checks every page: its checksum, its block checksums, its decompression and its
    /// decoding. The metadata was already checked by `open`. A damaged page is reported and
    /// the check goes on with the next one.
    /// - Throws: only I/O errors that stop the check itself.
    public func verify() async throws(StrataError) -> VerificationReport {
        var report = VerificationReport()
        for (c, columnPages) in pages.enumerated() {
            for page in columnPages {
                report.pagesChecked += 1
                report.bytesChecked += UInt64(page.storedLength)
                do throws(StrataError) {
                    let stored = try await handle.read(page.offset..<(page.offset + UInt64(page.storedLength)))
                    for block in page.blockChecksums.indices {
                        report.blocksChecked += 1
                        let range = (block * page.blockSize)..<min((block + 1) * page.blockSize, stored.count)
                        let actual = Checksum.xxh3(stored, range: range)
                        guard actual == page.blockChecksums[block] else {
                            throw .corruption(
                                path: path, offset: page.offset + UInt64(range.lowerBound), kind: .checksumMismatch,
                                detail: "column '\(schema.fields[c].name)' page \(page.index) block \(block): checksum is \(hex(actual)), the metadata records \(hex(page.blockChecksums[block]))")
                        }
                    }
                    let body = try verifiedBody(page, stored: stored)
                    _ = try PageDecoder.decode(page, body: body, type: schema.fields[c].type, path: path)
                } catch {
                    guard error.isDataError else { throw error }
                    report.problems.append(error)
                }
            }
        }
        return report
    }
}
