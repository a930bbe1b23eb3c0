import VaneText
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import VaneCore
import VaneOps

/// Alertmanager's API v2 on `vane server`'s port (`/api/v2/…`), so that Prometheus, `amtool` and
/// anything else that speaks to Alertmanager speaks to Vane unchanged: alerts in and out, groups,
/// silences, status and receivers, with Alertmanager's JSON and error shapes.
struct AlertmanagerRoutes<Context: RequestContext>: Sendable {
    let alerting: Alerting

    /// The largest body `POST /api/v2/alerts` and `/silences` take.
    static var maxBodySize: Int { 16 * 1024 * 1024 }
    /// The most JSON values one body may hold (an alert is about a dozen), so that a body's parsed
    /// tree stays a small multiple of the body.
    static var maxValues: Int { 1_000_000 }

    /// What `GET /api/v2/status` reports as the version.
    static var versionInfo: [(String, String)] {
        [("branch", "main"), ("buildDate", ""), ("buildUser", "vane"), ("goVersion", "none (Swift)"),
         ("revision", vaneVersion), ("version", vaneVersion)]
    }

    func addRoutes(to group: RouterGroup<Context>) {
        group.post("alerts") { request, context in try await postAlerts(request, context: context) }
        group.get("alerts") { request, _ in try getAlerts(request) }
        group.get("alerts/groups") { request, _ in try getGroups(request) }
        group.get("silences") { request, _ in try getSilences(request) }
        group.post("silences") { request, _ in try await postSilence(request) }
        group.get("silence/:id") { _, context in try getSilence(context.parameters.get("id") ?? "") }
        group.delete("silence/:id") { _, context in try deleteSilence(context.parameters.get("id") ?? "") }
        group.get("status") { _, _ in status() }
        group.get("receivers") { _, _ in receivers() }
    }

    // MARK: alerts

    func postAlerts(_ request: Request, context: Context) async throws -> Response {
        let bytes = try await BodyReader.collect(request, limit: Self.maxBodySize)
        let posted = try AlertmanagerWire.postedAlerts(bytes, maxValues: Self.maxValues)
        let outcome: Alerting.PostOutcome
        do { outcome = try await alerting.postDurably(posted) } catch {
            context.logger.error("cannot write the alert journal", metadata: ["error": "\(error)"])
            throw AlertmanagerError.text("the alerts could not be stored", status: .serviceUnavailable)
        }
        guard outcome.errors.isEmpty else { throw AlertmanagerError.text(outcome.errors.joined(separator: "; ")) }
        return Response(status: .ok)
    }

    /// The alerts, written as they are judged, 64 KiB at a time: a million alerts start
    /// arriving at once and are never held as one answer in memory.
    func getAlerts(_ request: Request) throws -> Response {
        let listing = alerting.listing(try query(request))
        let body = ResponseBody { writer in
            var w = JSONWriter(capacity: 80 * 1024)
            w.rawByte(UInt8(ascii: "["))
            var first = true
            for start in stride(from: 0, to: listing.fingerprints.count, by: Alerting.Listing.chunk) {
                for view in listing.views(start..<min(start + Alerting.Listing.chunk, listing.fingerprints.count)) {
                    if !first { w.rawByte(UInt8(ascii: ",")) }
                    first = false
                    var item = JSONWriter(capacity: 512)
                    AlertmanagerWire.write(view, to: &item)
                    w.raw(item.bytes)
                    if w.bytes.count >= 64 * 1024 {
                        try await writer.write(ByteBuffer(bytes: w.bytes))
                        w = JSONWriter(capacity: 80 * 1024)
                    }
                }
            }
            w.rawByte(UInt8(ascii: "]"))
            try await writer.write(ByteBuffer(bytes: w.bytes))
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "application/json"], body: body)
    }

    /// The groups, written 64 KiB at a time as for ``getAlerts(_:)``.
    func getGroups(_ request: Request) throws -> Response {
        let groups = alerting.groups(try query(request))
        let body = ResponseBody { writer in
            var w = JSONWriter(capacity: 80 * 1024)
            w.beginArray()
            for group in groups {
                w.beginObject()
                w.beginArray("alerts")
                for view in group.alerts {
                    AlertmanagerWire.write(view, to: &w)
                    if w.bytes.count >= 64 * 1024 {
                        try await writer.write(ByteBuffer(bytes: w.bytes))
                        w.dropWritten()
                    }
                }
                w.endArray()
                AlertmanagerWire.writeLabels("labels", group.labels, to: &w)
                w.beginObject("receiver")
                w.field("name", group.receiver)
                w.endObject()
                w.endObject()
            }
            w.endArray()
            try await writer.write(ByteBuffer(bytes: w.bytes))
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "application/json"], body: body)
    }

    /// The query parameters of the alert listings: `active`, `silenced`, `inhibited`,
    /// `unprocessed` (true unless `false`), `filter` (repeated, one matcher each), `receiver`
    /// (a regex over the receiver's whole name).
    func query(_ request: Request) throws -> Alerting.Query {
        var query = Alerting.Query()
        let parameters = request.uri.queryParameters
        func flag(_ name: String) -> Bool {
            guard let value = parameters[name[...]] else { return true }
            return !["false", "0", "f", "no", "n", "off"].contains(String(value).lowercased())
        }
        query.active = flag("active")
        query.silenced = flag("silenced")
        query.inhibited = flag("inhibited")
        query.unprocessed = flag("unprocessed")
        query.filter = try filters(request)
        if let receiver = parameters["receiver"] {
            do { query.receiver = try Matcher(name: "receiver", kind: .regex, value: String(receiver)) } catch {
                throw AlertmanagerError.text("failed to parse receiver param: \(error.message)")
            }
        }
        return query
    }

    func filters(_ request: Request) throws -> [Matcher] {
        let values = request.uri.queryParameters.getAll("filter")
        guard values.count <= 100 else { throw AlertmanagerError.text("at most 100 filters are allowed") }
        var matchers: [Matcher] = []
        for value in values {
            do { matchers.append(try MatcherParser.parse(String(value))) } catch {
                throw AlertmanagerError.text(error.message)
            }
        }
        return matchers
    }

    // MARK: silences

    func getSilences(_ request: Request) throws -> Response {
        let filter = try filters(request)
        let now = alerting.now()
        var w = JSONWriter(capacity: 1024)
        w.beginArray()
        for silence in alerting.silences.all(now: now.micros) {
            var values: [String: String] = [:]
            for matcher in silence.matchers { values[matcher.name] = matcher.value }
            guard filter.allSatisfy({ $0.matches(values[$0.name] ?? "") }) else { continue }
            AlertmanagerWire.write(silence, now: now.micros, to: &w)
        }
        w.endArray()
        return w.response()
    }

    func postSilence(_ request: Request) async throws -> Response {
        let bytes = try await BodyReader.collect(request, limit: 1024 * 1024)
        let posted = try AlertmanagerWire.postedSilence(bytes)
        let id: String
        do { id = try alerting.silences.post(posted, now: alerting.now()) } catch {
            throw AlertmanagerError.text(error.message, status: error.notFound ? .notFound : .badRequest)
        }
        var w = JSONWriter()
        w.beginObject()
        w.field("silenceID", id)
        w.endObject()
        return w.response()
    }

    func getSilence(_ id: String) throws -> Response {
        guard UUID(uuidString: id) != nil else {
            throw AlertmanagerError.format("silenceID in path must be of type uuid: \(GoQuote.quote(id))")
        }
        guard let silence = alerting.silences.silence(id) else { return Response(status: .notFound) }
        var w = JSONWriter()
        AlertmanagerWire.write(silence, now: alerting.now().micros, to: &w)
        return w.response()
    }

    func deleteSilence(_ id: String) throws -> Response {
        guard UUID(uuidString: id) != nil else {
            throw AlertmanagerError.format("silenceID in path must be of type uuid: \(GoQuote.quote(id))")
        }
        do { try alerting.silences.expire(id, now: alerting.now()) } catch {
            throw AlertmanagerError.text(error.message, status: error.notFound ? .notFound : .badRequest)
        }
        return Response(status: .ok)
    }

    // MARK: status and receivers

    func status() -> Response {
        let config = alerting.config
        var w = JSONWriter(capacity: 1024 + config.original.utf8.count)
        w.beginObject()
        w.beginObject("cluster")
        w.beginArray("peers")
        w.endArray()
        w.field("status", "disabled")
        w.endObject()
        w.beginObject("config")
        w.field("original", config.original)
        w.endObject()
        w.field("uptime", alerting.started.description)
        w.beginObject("versionInfo")
        for (key, value) in Self.versionInfo { w.field(key, value) }
        w.endObject()
        w.endObject()
        return w.response()
    }

    func receivers() -> Response {
        var w = JSONWriter()
        w.beginArray()
        for receiver in alerting.config.receivers {
            w.beginObject()
            w.field("name", receiver.name)
            w.endObject()
        }
        w.endArray()
        return w.response()
    }
}
