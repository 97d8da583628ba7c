import StrataFuzzKit

/// libFuzzer entry point: JSON Lines and CSV text imported into a table.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzImport(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzTargets.importText(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
