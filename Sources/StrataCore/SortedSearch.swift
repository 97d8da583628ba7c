extension RandomAccessCollection where Element: Comparable {
    /// The first position whose element is `value` or more, in a collection sorted
    /// ascending (`endIndex` when every element is less).
    /// - Complexity: O(log n).
    @inlinable
    public func lowerBound(of value: Element) -> Index {
        var low = startIndex, count = self.count
        while count > 0 {
            let half = count / 2
            let middle = index(low, offsetBy: half)
            if self[middle] < value {
                low = index(after: middle)
                count -= half + 1
            } else {
                count = half
            }
        }
        return low
    }
}
