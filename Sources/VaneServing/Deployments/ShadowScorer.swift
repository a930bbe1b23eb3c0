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
/// client. The worker takes what gathered, lets each shadow score the small requests in one
/// prediction (large batches alone, on NIO's thread pool), records latency and errors, and
/// compares each request's first output with the answer's (``PredictionComparison``). Run it as
/// a `ServiceLifecycle` service.
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
                await score(batch)
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

    /// The most rows a request may have to be scored together with others.
    static let gatherRows = 64
    /// The most values one joint prediction holds (so it runs inline and its copy stays small).
    static var jointValues: Int { InferenceService.offloadThreshold }

    /// Scores a gathered batch. Each shadow scores the small requests meant for it together, in
    /// predictions of at most ``jointValues`` values, their rows back to back, and each request
    /// gets its rows of the outputs and its share of the time; then every request is compared and
    /// logged as if scored alone. A joint prediction that fails, or outputs that are not laid out
    /// by rows, leave those requests to be scored one at a time (so one bad request fails only
    /// itself).
    func score(_ batch: [ShadowWork]) async {
        var scored = batch.map { [Prescored?](repeating: nil, count: $0.shadows.count) }
        if batch.count > 1 {
            // Each shadow's small requests, in order.
            var groups: [ObjectIdentifier: [(work: Int, shadow: Int)]] = [:]
            var order: [ObjectIdentifier] = []
            for (w, work) in batch.enumerated() where work.rowCount <= Self.gatherRows {
                for (s, shadow) in work.shadows.enumerated() {
                    if case .batch = work.input, !InferenceService.sameInputs(work.answeredBy.signature, shadow.served.signature) { continue }
                    let id = ObjectIdentifier(shadow)
                    if groups[id] == nil { order.append(id) }
                    groups[id, default: []].append((w, s))
                }
            }
            for id in order {
                guard let members = groups[id], members.count > 1 else { continue }
                let served = batch[members[0].work].shadows[members[0].shadow].served
                for chunk in Self.chunks(members, of: batch, for: served) where chunk.count > 1 {
                    guard let parts = await Self.scoreTogether(chunk, served: served) else { continue }
                    for (member, part) in zip(chunk, parts) { scored[member.work][member.shadow] = part }
                }
            }
        }
        for (work, prescored) in zip(batch, scored) { await score(work, prescored: prescored) }
    }

    /// One shadow's requests with their rows, in runs of one feature count and at most
    /// ``jointValues`` values (a request whose rows cannot be built is left out: it fails alone).
    static func chunks(_ members: [(work: Int, shadow: Int)], of batch: [ShadowWork],
                       for served: ServedModel) -> [[(work: Int, shadow: Int, rows: FeatureBatch)]] {
        var chunks: [[(work: Int, shadow: Int, rows: FeatureBatch)]] = []
        var current: [(work: Int, shadow: Int, rows: FeatureBatch)] = []
        var values = 0
        for member in members {
            guard let rows = try? InferenceService.batch(batch[member.work].input, for: served) else { continue }
            if let first = current.first, first.rows.featureCount != rows.featureCount || values + rows.values.count > jointValues {
                chunks.append(current)
                current = []
                values = 0
            }
            current.append((member.work, member.shadow, rows))
            values += rows.values.count
        }
        if !current.isEmpty { chunks.append(current) }
        return chunks
    }

    /// One joint prediction of `chunk`'s rows by `served`, split back per request; nil when the
    /// prediction fails or its outputs are not laid out by rows.
    static func scoreTogether(_ chunk: [(work: Int, shadow: Int, rows: FeatureBatch)], served: ServedModel) async -> [Prescored]? {
        let featureCount = chunk[0].rows.featureCount
        let rowCount = chunk.reduce(0) { $0 + $1.rows.rowCount }
        guard rowCount > 0 else { return nil }
        var values: [Double] = []
        values.reserveCapacity(rowCount * featureCount)
        for member in chunk { values.append(contentsOf: member.rows.values) }
        let start = DispatchTime.now().uptimeNanoseconds
        guard let outputs = try? await InferenceService.predict(served, FeatureBatch(rowCount: rowCount, featureCount: featureCount, values: values),
                                                                outputs: nil, offloadThreshold: InferenceService.offloadThreshold) else { return nil }
        let elapsed = DispatchTime.now().uptimeNanoseconds - start
        var parts: [Prescored] = []
        var row = 0
        for member in chunk {
            let range = row..<(row + member.rows.rowCount)
            let part = outputs.compactMap { $0.rows(range, of: rowCount) }
            guard part.count == outputs.count else { return nil }
            parts.append(Prescored(outputs: part, nanoseconds: elapsed * UInt64(member.rows.rowCount) / UInt64(rowCount)))
            row = range.upperBound
        }
        return parts
    }

    /// A shadow's outputs for one request from a joint prediction, and its share of the time.
    struct Prescored {
        let outputs: [ModelOutput]
        let nanoseconds: UInt64
    }

    /// Scores one request with each of its shadows (or takes their ``Prescored`` outputs),
    /// compares, records and logs.
    func score(_ work: ShadowWork, prescored: [Prescored?] = []) async {
        var answer = work.answer
        if answer == nil {
            answer = try? await predict(work.answeredBy, work.input, answeredBy: work.answeredBy)
        }
        for (index, shadow) in work.shadows.enumerated() {
            let start = DispatchTime.now().uptimeNanoseconds
            var failed = true
            var shadowOutputs: [ModelOutput]?
            let given = index < prescored.count ? prescored[index] : nil
            do {
                let served = shadow.served
                let outputs: [ModelOutput]
                if let given { outputs = given.outputs } else { outputs = try await predict(served, work.input, answeredBy: work.answeredBy) }
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
            let elapsed = given?.nanoseconds ?? (DispatchTime.now().uptimeNanoseconds - start)
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
