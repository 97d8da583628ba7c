import StrataFuzzKit

/// libFuzzer entry point: the text index file reader, on raw bytes and on damaged copies of
/// real files.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTextIndex(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzTargets.textIndex(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
