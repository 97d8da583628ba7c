import StrataFuzzKit

/// libFuzzer entry point: metadata decoding and validation on arbitrary bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMetadata(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzTargets.metadata(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
