/// Where long work — building an index, compacting a table — reports how far it has got: a
/// task-local receiver that a caller sets around the work (the shell draws it as a progress
/// bar). Work reports through `WorkProgress.report`, which does nothing when no receiver is
/// set, so reporting costs a task-local read.
public struct WorkProgress: Sendable {
    /// Receives what is being done, how many units of how many are done, and the unit.
    public let receive: @Sendable (_ task: String, _ done: Int64, _ total: Int64, _ unit: String) -> Void

    /// A receiver calling `receive`.
    public init(_ receive: @escaping @Sendable (_ task: String, _ done: Int64, _ total: Int64, _ unit: String) -> Void) {
        self.receive = receive
    }

    /// The receiver of the current task (and its child tasks), if any.
    @TaskLocal public static var current: WorkProgress?

    /// Reports `done` of `total` units of `task` to the current receiver, if any.
    public static func report(_ task: String, done: Int, of total: Int, unit: String) {
        current?.receive(task, Int64(done), Int64(total), unit)
    }
}
