import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdAuth
import NIOCore
import VaneCore
import VaneServing
import VaneText

/// Deployments in Vane's API: `PUT deployments/{name}` applies a declaration (JSON or YAML),
/// `GET` lists them or shows one, `DELETE` removes one.
extension VaneAPIRoutes {
    /// The routes of this extension (none when the server has no deployments).
    var deploymentRoutes: [Route] {
        guard let deployments else { return [] }
        return [
            Route(method: .get, path: "deployments") { request, _ in try Self.listDeployments(request, deployments) },
            Route(method: .get, path: "deployments/:name") { _, context in
                try Self.showDeployment(try context.parameters.require("name"), deployments)
            },
            Route(method: .put, path: "deployments/:name") { request, context in
                try await Self.applyDeployment(request, name: try context.parameters.require("name"), deployments)
            },
            Route(method: .delete, path: "deployments/:name") { _, context in
                let name = try context.parameters.require("name")
                try await deployments.delete(named: name)
                try await experiments?.reset(deployment: name)
                return Response(status: .noContent)
            },
            Route(method: .post, path: "deployments/:name/feedback") { request, context in
                try await Self.feedback(request, name: try context.parameters.require("name"), experiments)
            },
            Route(method: .get, path: "deployments/:name/experiment") { _, context in
                Self.write(try await experiments?.summary(deployment: try context.parameters.require("name")))
            },
            Route(method: .get, path: "deployments/:name/predictions") { request, context in
                try await Self.predictions(request, name: try context.parameters.require("name"), deployments)
            },
        ] + DeploymentService.RolloutAction.allCases.map { action in
            Route(method: .post, path: "deployments/:name/rollout/\(action.rawValue)") { _, context in
                let name = try context.parameters.require("name")
                _ = try await deployments.rollout(action, deployment: name)
                return try Self.showDeployment(name, deployments)
            }
        }
    }

    /// The media types a declaration may be sent as.
    static var declarationTypes: [String] { ["application/json", "application/yaml", "application/x-yaml", "text/yaml"] }

    static func applyDeployment(_ request: Request, name: String, _ deployments: DeploymentService) async throws -> Response {
        let media = request.headers[.contentType].map(Self.mediaType) ?? ""
        guard declarationTypes.contains(media) else {
            throw MLflowError(status: .unsupportedMediaType, errorCode: "BAD_REQUEST",
                              message: "A deployment is declared as \(declarationTypes.joined(separator: ", ")); got '\(media.prefix(64))'.")
        }
        let bytes = try await BodyReader.collect(request, limit: DeploymentSpec.Limits.maxBytes)
        guard let text = String(validating: bytes, as: UTF8.self) else { throw VaneError.invalid("The declaration is not UTF-8 text.") }
        let spec: DeploymentSpec
        do { spec = try DeploymentSpec.read(text, name: name) } catch { throw VaneError.invalid("Invalid deployment: \(error)") }
        let outcome = try await deployments.apply(spec)
        var w = JSONWriter()
        w.beginObject()
        w.field("changed", outcome.changed)
        w.beginObject("deployment")
        write(outcome.deployment, live: deployments.live(named: spec.name), unavailable: nil, now: deployments.now(), to: &w)
        w.endObject()
        w.endObject()
        return w.response(status: outcome.created ? .created : .ok)
    }

    /// `GET deployments/{name}/predictions?since=&until=&variant=`: the prediction log as JSON
    /// lines, streamed. `since` and `until` are milliseconds since the epoch or RFC 3339 times
    /// (default: the last hour up to now); what was answered in the last second may still be
    /// waiting to be written, so the log is written out first.
    static func predictions(_ request: Request, name: String, _ deployments: DeploymentService) async throws -> Response {
        guard deployments.live(named: name) != nil || deployments.unavailableReason(named: name) != nil else {
            throw VaneError.notFound("No deployment named '\(name.prefix(80))'.")
        }
        guard let log = deployments.predictionLog else { throw VaneError(.invalidState, "This server keeps no prediction log.") }
        let query = request.uri.queryParameters
        let now = deployments.now()
        let until = try query["until"].map { try Self.time(String($0), name: "until") } ?? now + 1
        let since = try query["since"].map { try Self.time(String($0), name: "since") } ?? until - 3_600_000
        guard since <= until else { throw VaneError.invalid("since must not be after until") }
        let variant = query["variant"].map(String.init)
        if let variant, !DeploymentSpec.isValidMemberName(variant) { throw VaneError.invalid("'\(variant.prefix(64))' is not a variant name") }
        await log.flush()
        let lines = log.lines(deployment: name, since: since, until: until, variant: variant)
        let body = ResponseBody(asyncSequence: lines.map { ByteBuffer(bytes: $0) })
        return Response(status: .ok, headers: [.contentType: "application/x-ndjson"], body: body)
    }

    /// Milliseconds since the epoch, or an RFC 3339 time.
    static func time(_ text: String, name: String) throws(VaneError) -> EpochMillis {
        if let millis = Int64(text) { return millis }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) ?? ISO8601DateFormatter().date(from: text) {
            return EpochMillis((date.timeIntervalSince1970 * 1000).rounded())
        }
        throw VaneError.invalid("\(name) must be milliseconds since the epoch or an RFC 3339 time, not '\(text.prefix(64))'")
    }

    /// The largest feedback body.
    static var maxFeedbackBytes: Int { 2 * 1024 * 1024 }

    /// `POST deployments/{name}/feedback`: `{"request_id", "reward"}` or `{"request_id", "label"}`,
    /// one object or an array of up to 10,000; all recorded or, with any unknown request id, none.
    static func feedback(_ request: Request, name: String, _ experiments: ExperimentService?) async throws -> Response {
        guard let experiments else { throw VaneError(.invalidState, "This server takes no feedback.") }
        let bytes = try await BodyReader.collect(request, limit: maxFeedbackBytes)
        let value = try JSONValue.parse(bytes, maxValues: ExperimentService.maxItems * 4 + 8)
        let objects: [JSONValue]
        switch value {
        case .array(let items): objects = items
        case .object: objects = [value]
        default: throw VaneError.invalid("Feedback is a JSON object or an array of objects.")
        }
        guard objects.count <= ExperimentService.maxItems else {
            throw VaneError(.tooLarge, "At most \(ExperimentService.maxItems) pieces of feedback a request; got \(objects.count).")
        }
        var items: [ExperimentService.Feedback] = []
        items.reserveCapacity(objects.count)
        for (i, object) in objects.enumerated() {
            guard case .object(let fields) = object else { throw VaneError.invalid("Feedback item \(i) is not an object.") }
            try allowOnly(["request_id", "reward", "label"], in: fields)
            guard case .string(let id)? = fields["request_id"], !id.isEmpty, id.utf8.count <= InferenceRequest.maxRequestIDLength else {
                throw VaneError.invalid("Feedback item \(i) needs a request_id: a string of 1 to \(InferenceRequest.maxRequestIDLength) bytes.")
            }
            switch (fields["reward"], fields["label"]) {
            case (let reward?, nil):
                let number: Double
                switch reward {
                case .int(let v): number = Double(v)
                case .double(let v) where v.isFinite: number = v
                default: throw VaneError.invalid("Feedback item \(i): reward must be a finite number.")
                }
                items.append(.init(requestID: id, reward: number))
            case (nil, let label?):
                let text: String
                switch label {
                case .string(let v): text = v
                case .int(let v): text = String(v)
                case .double(let v) where v.isFinite: text = v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : "\(v)"
                case .bool(let v): text = v ? "1" : "0"
                default: throw VaneError.invalid("Feedback item \(i): label must be a string, a number or a boolean.")
                }
                items.append(.init(requestID: id, label: text))
            default:
                throw VaneError.invalid("Feedback item \(i) needs exactly one of reward and label.")
            }
        }
        var response = write(try await experiments.record(items, deployment: name))
        response.status = .ok
        return response
    }

    /// The experiment summary.
    static func write(_ summary: ExperimentService.Summary?) -> Response {
        var w = JSONWriter()
        w.beginObject()
        if let summary {
            w.beginObject("experiment")
            w.field("metric", summary.metric)
            w.field("alpha", summary.alpha)
            w.field("control", summary.control)
            w.field("test", "mSPRT (always valid)")
            w.beginArray("variants")
            for arm in summary.arms {
                w.beginObject()
                w.field("name", arm.name)
                w.field("n", Int64(arm.count))
                if let mean = arm.mean { w.field("mean", mean) }
                if let interval = arm.interval {
                    w.beginArray("confidence_interval")
                    w.rawElementNumber(interval.low, float: false)
                    w.rawElementNumber(interval.high, float: false)
                    w.endArray()
                }
                if let p = arm.pValue { w.field("p_value", p) }
                w.endObject()
            }
            w.endArray()
            if let winner = summary.winner { w.field("winner", winner) } else { w.nullField("winner") }
            w.field("decided_at", summary.decidedAt)
            w.endObject()
        }
        w.endObject()
        return w.response()
    }

    /// A Content-Type's media type, lowercased, without parameters.
    static func mediaType(_ contentType: String) -> String {
        let media = contentType.split(separator: ";", maxSplits: 1).first ?? ""
        return String(media.filter { $0 != " " && $0 != "\t" }).lowercased()
    }

    static func listDeployments(_ request: Request, _ deployments: DeploymentService) throws -> Response {
        let page = try VanePage(request: request)
        let all = deployments.all()
        let fetched = Array(all.dropFirst(page.offset).prefix(page.fetchLimit))
        let (items, next) = page.page(fetched)
        var w = JSONWriter()
        w.beginObject()
        w.beginArray("deployments")
        for item in items {
            w.beginObject()
            write(item.deployment, live: item.live, unavailable: item.unavailable, now: deployments.now(), to: &w)
            w.endObject()
        }
        w.endArray()
        w.field("next_page_token", next)
        w.endObject()
        return w.response()
    }

    static func showDeployment(_ name: String, _ deployments: DeploymentService) throws -> Response {
        guard let item = deployments.all().first(where: { $0.deployment.name == name }) else {
            throw VaneError.notFound("No deployment named '\(name.prefix(80))'.")
        }
        var w = JSONWriter()
        w.beginObject()
        w.beginObject("deployment")
        write(item.deployment, live: item.live, unavailable: item.unavailable, now: deployments.now(), to: &w)
        w.endObject()
        w.endObject()
        return w.response()
    }

    /// A deployment's fields: its declaration, what each model resolved to, and its state.
    /// `now` (the service's clock) places the last-minute windows.
    static func write(_ deployment: Deployment, live: LiveDeployment?, unavailable: String?, now: EpochMillis, to w: inout JSONWriter) {
        let spec = deployment.spec
        w.field("name", spec.name)
        w.field("state", live != nil ? "serving" : "unavailable")
        w.field("reason", unavailable)
        w.field("generation", deployment.generation)
        w.field("created_at", deployment.createdAt)
        w.field("updated_at", deployment.updatedAt)
        w.field("routing_key", spec.routingKey?.description)
        if let rollout = spec.rollout { write(rollout, state: deployment.rolloutState, to: &w) }
        let shares = live?.picker.shares ?? []
        w.beginArray("variants")
        for (i, variant) in spec.variants.enumerated() {
            w.beginObject()
            w.field("name", variant.name)
            w.field("model", variant.model)
            w.field("weight", deployment.weight(of: variant))
            w.field("declared_weight", variant.weight)
            if i < shares.count { w.field("share", shares[i]) }
            writeResolved(deployment.resolved[variant.name], to: &w)
            if let member = live?.variants.first(where: { $0.name == variant.name }) {
                let (overall, lastMinute) = member.requests.snapshot(at: now)
                write(overall, key: "overall", to: &w)
                write(lastMinute, key: "last_minute", to: &w)
            }
            w.endObject()
        }
        w.endArray()
        w.beginArray("shadows")
        for shadow in spec.shadows {
            w.beginObject()
            w.field("name", shadow.name)
            w.field("model", shadow.model)
            w.field("sample", shadow.sample)
            writeResolved(deployment.resolved[shadow.name], to: &w)
            if let stats = live?.shadows.first(where: { $0.name == shadow.name })?.shadowStats?.snapshot(at: now) {
                w.field("mirrored", Int64(stats.mirrored))
                w.field("dropped", Int64(stats.dropped))
                write(stats.scoring, key: "scoring", to: &w)
                w.beginObject("agreement")
                w.field("rows", Int64(stats.comparison.rows))
                w.field("agreeing_rows", Int64(stats.comparison.agreeing))
                if let share = stats.comparison.agreement { w.field("share", share) }
                if let mad = stats.comparison.meanAbsoluteDifference { w.field("mean_absolute_difference", mad) }
                w.endObject()
            }
            w.endObject()
        }
        w.endArray()
    }

    /// A rollout's declaration and progress under `rollout`.
    static func write(_ rollout: RolloutSpec, state: RolloutState?, to w: inout JSONWriter) {
        w.beginObject("rollout")
        w.field("variant", rollout.variant)
        w.beginArray("steps")
        for step in rollout.steps { w.rawElementNumber(step, float: false) }
        w.endArray()
        w.field("interval", DurationText.format(milliseconds: rollout.intervalMilliseconds))
        w.field("min_requests", Int64(rollout.minRequests))
        w.field("deadline", DurationText.format(milliseconds: rollout.deadlineMilliseconds))
        w.field("on_failure", rollout.onFailure.rawValue)
        w.beginObject("guards")
        if let v = rollout.guards.errorRate { w.field("error_rate", v) }
        if let v = rollout.guards.latencyP99Milliseconds { w.field("latency_p99_ms", v) }
        if let v = rollout.guards.disagreement { w.field("disagreement", v) }
        if let v = rollout.guards.predictionDrift { w.field("prediction_drift", v) }
        w.endObject()
        if let state {
            w.field("state", state.phase.rawValue)
            w.field("step", Int64(state.step + 1))
            w.field("weight", state.weights[rollout.variant] ?? 0)
            w.field("baseline", state.baseline)
            w.field("started_at", state.startedAt)
            w.field("step_started_at", state.stepStartedAt)
            w.beginArray("events")
            for event in state.events {
                w.beginObject()
                w.field("time", event.time)
                w.field("kind", event.kind)
                w.field("from_weight", event.fromWeight)
                w.field("to_weight", event.toWeight)
                w.field("guard", event.guardName)
                if let measured = event.measured { w.field("measured", measured) }
                if let threshold = event.threshold { w.field("threshold", threshold) }
                w.field("message", event.message)
                w.endObject()
            }
            w.endArray()
        }
        w.endObject()
    }

    /// Requests, errors and latency percentiles under `key`.
    static func write(_ snapshot: RequestStats.Snapshot, key: String, to w: inout JSONWriter) {
        w.beginObject(key)
        w.field("requests", Int64(snapshot.requests))
        w.field("errors", Int64(snapshot.errors))
        if let p50 = snapshot.p50Milliseconds { w.field("latency_p50_ms", p50) }
        if let p99 = snapshot.p99Milliseconds { w.field("latency_p99_ms", p99) }
        w.endObject()
    }

    static func writeResolved(_ resolved: Deployment.ResolvedModel?, to w: inout JSONWriter) {
        guard let resolved else { return }
        w.beginObject("resolved")
        w.field("source", resolved.pinned)
        w.field("registered_model", resolved.registeredName)
        w.field("version", resolved.version.map(String.init))
        w.endObject()
    }
}
