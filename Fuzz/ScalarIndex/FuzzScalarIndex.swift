import StrataFuzzKit

/// libFuzzer entry point: the scalar index file reader, on raw bytes and on damaged copies
/// of real files.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzScalarIndex(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzTargets.scalarIndex(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
