import StrataFuzzKit

/// libFuzzer entry point: the vector index file and rows file readers.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzVectorIndex(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzTargets.vectorIndex(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
