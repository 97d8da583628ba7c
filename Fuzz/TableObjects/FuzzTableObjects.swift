import StrataFuzzKit

/// libFuzzer entry point: the table layer's decoders (manifests, deletion vectors, tags,
/// write-ahead-log segments, delete predicates).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTableObjects(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzTargets.tableObjects(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
