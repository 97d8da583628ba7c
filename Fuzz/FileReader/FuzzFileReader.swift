import StrataFuzzKit

/// libFuzzer entry point: the file reader on arbitrary bytes (see `FuzzTargets.fileReader`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFileReader(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzTargets.fileReader(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
