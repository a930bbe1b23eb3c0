import Dispatch
import ServiceLifecycle
import VaneCore
import VaneModels

/// One answered request, handed to a deployment's shadows. A class: it passes from the request
/// to the queue to the worker by one reference, not by copying its fields (a retain each).
final class ShadowWork: Sendable {
    let shadows: [LiveDeployment.Member]
    let input: InferenceRequest.Input
    /// The variant's model that answered, and its answer (every output; nil when the client
    /// asked for some only, and the worker scores the variant again).
    let answeredBy: ServedModel
    let answer: [ModelOutput]?
    let rowCount: Int
    /// The request's id, for the shadows' lines in the prediction log; nil logs nothing (a
    /// rollout's comparison).
    let requestID: String?

    init(shadows: [LiveDeployment.Member], input: InferenceRequest.Input, answeredBy: ServedModel,
         answer: [ModelOutput]?, rowCount: Int, requestID: String? = nil) {
        self.shadows = shadows
        self.input = input
        self.answeredBy = answeredBy
        self.answer = answer
        self.rowCount = rowCount
        self.requestID = requestID
    }
}

/// Scores mirrored requests with deployments' shadows, off the request path.
///
/// The request path only queues a copy of what it decoded and answered (``submit(_:)``); a
/// bounded queue (``capacity`` requests) feeds one worker. When the queue is full the copy is
/// dropped and counted against each shadow it was for, so a slow or failing shadow never slows a
/// client. The worker scores each shadow in turn (large batches on NIO's thread pool), records
/// its latency and errors, and compares its first output with the answer's
/// (``PredictionComparison``). Run it as a `ServiceLifecycle` service.
public final class ShadowScorer: Service, Sendable {
    /// Requests the queue holds before it drops.
    public let capacity: Int
    private let queue: WorkQueue<ShadowWork>
    private let clock: any VaneClock
    /// Where the shadows' outputs are logged beside the answers.
    let log: PredictionLog?

    public init(capacity: Int = 1_000, clock: any VaneClock = SystemClock(), log: PredictionLog? = nil) {
        self.log = log
        self.capacity = max(1, capacity)
        queue = WorkQueue(capacity: capacity)
        self.clock = clock
    }

    /// Queues `work`; false (and counted as dropped) when the queue is full.
    @discardableResult
    func submit(_ work: ShadowWork) -> Bool {
        if queue.push(work) {
            for shadow in work.shadows { shadow.shadowStats?.mirrored() }
            return true
        }
        for shadow in work.shadows { shadow.shadowStats?.dropped() }
        return false
    }

    /// Scores queued work until shutdown.
    public func run() async throws {
        await withGracefulShutdownHandler {
            while let batch = await queue.next() {
                for work in batch { await score(work) }
                // Requests gather while the worker rests: under load one wake per pause, not
                // one per mirrored request (each wake is a task switch on the request path's
                // cores). An idle worker still wakes at the first request.
                try? await Task.sleep(for: .milliseconds(2))
            }
        } onGracefulShutdown: {
            self.queue.finish()
        }
    }

    /// Ends the queue: ``run()`` returns once what is queued is scored.
    public func finish() { queue.finish() }

    func score(_ work: ShadowWork) async {
        var answer = work.answer
        if answer == nil {
            answer = try? await predict(work.answeredBy, work.input, answeredBy: work.answeredBy)
        }
        for shadow in work.shadows {
            let start = DispatchTime.now().uptimeNanoseconds
            var failed = true
            var shadowOutputs: [ModelOutput]?
            do {
                let served = shadow.served
                let outputs = try await predict(served, work.input, answeredBy: work.answeredBy)
                shadowOutputs = outputs
                failed = false
                if let answer, let comparison = PredictionComparison.compare(answer, kind: work.answeredBy.signature.predictionKind,
                                                                 with: outputs, kind: served.signature.predictionKind,
                                                                 rowCount: work.rowCount) {
                    shadow.shadowStats?.compared(comparison)
                }
            } catch {
                failed = true
            }
            let elapsed = DispatchTime.now().uptimeNanoseconds - start
            let now = clock.nowMillis()
            shadow.shadowStats?.scoring.record(nanoseconds: elapsed, failed: failed, at: now)
            if failed { shadow.shadowStats?.failed() }
            if let log, let requestID = work.requestID {
                var record = PredictionRecord(time: now, requestID: requestID, deployment: shadow.served.name, variant: shadow.name,
                                              latencyMicroseconds: Int64(elapsed / 1_000), rowCount: failed ? 0 : work.rowCount, failed: failed,
                                              inputs: nil, outputs: shadowOutputs)
                record.isShadow = true
                log.append(record)
            }
        }
    }

    /// Every output of `served` for `input` (large batches on NIO's thread pool). A batch the
    /// wire layer built for the answering variant only fits a model with the same inputs.
    func predict(_ served: ServedModel, _ input: InferenceRequest.Input, answeredBy: ServedModel) async throws -> [ModelOutput] {
        if case .batch = input, !InferenceService.sameInputs(answeredBy.signature, served.signature) {
            throw VaneError.invalid("the request's batch was built for the answering variant's inputs, which this model does not share")
        }
        let batch = try InferenceService.batch(input, for: served)
        return try await InferenceService.predict(served, batch, outputs: nil, offloadThreshold: InferenceService.offloadThreshold)
    }
}
