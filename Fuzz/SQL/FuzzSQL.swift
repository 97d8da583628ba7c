import StrataFuzzKit

/// libFuzzer entry point: SQL statements, parsed, planned and run with and without the
/// optimizer's rules.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSQL(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzTargets.sql(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
