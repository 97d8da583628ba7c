import StrataFuzzKit

/// libFuzzer entry point: the text parsers (JSON, JSON Lines rows, schemas, timestamps, base64)
/// the text analyzer and the text query syntax.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzText(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzTargets.text(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
