import StrataFuzzKit

/// libFuzzer entry point: WHERE-dialect expressions, parsed, printed, bound and evaluated.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzExpression(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzTargets.expression(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
