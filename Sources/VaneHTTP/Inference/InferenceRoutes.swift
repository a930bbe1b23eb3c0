import VaneText
import HTTPTypes
import Hummingbird
import NIOPosix
import NIOCore
import VaneCore
import VaneModels
import VaneServing

/// The inference surfaces over a ``ModelCatalog``: Open Inference Protocol v2 REST under `/v2`
/// and MLflow scoring (`/invocations`).
///
/// Errors take each protocol's shape (``OIPErrorMiddleware`` and ``ScoringErrorMiddleware`` on
/// their route groups): 400 for a bad request, shape or datatype, 404 for an unknown model or
/// version, 413 for a body over ``maxBodySize``.
struct InferenceRoutes<Context: RequestContext>: Sendable {
    /// The largest inference request body accepted.
    static var maxBodySize: Int { 64 * 1024 * 1024 }

    /// Resolves, batches, predicts and measures each request; these routes only decode and encode.
    let service: InferenceService

    init(catalog: any ModelCatalog, deployments: DeploymentService? = nil) {
        service = InferenceService(catalog: catalog, deployments: deployments)
    }

    /// The response header that names the deployment variant that answered.
    static var variantField: HTTPField.Name { HTTPField.Name("x-vane-variant")! }

    /// A request header's value by name, for a deployment's `header:` routing key.
    static func header(of request: Request) -> (String) -> String? {
        { name in HTTPField.Name(name).flatMap { request.headers[$0] } }
    }

    /// The request id header of MLflow scoring (and the answer's, on both protocols).
    static var requestIDField: HTTPField.Name { HTTPField.Name("x-request-id")! }

    /// A client's request id: at most ``InferenceRequest/maxRequestIDLength`` bytes; an empty one is none.
    static func checkedRequestID(_ id: String?) throws(VaneError) -> String? {
        guard let id, !id.isEmpty else { return nil }
        guard id.utf8.count <= InferenceRequest.maxRequestIDLength else {
            throw VaneError.invalid("A request id is at most \(InferenceRequest.maxRequestIDLength) bytes")
        }
        return id
    }

    /// `response` naming the request's id (``requestIDField``) and, for a deployment, the
    /// variant that answered (``variantField``).
    static func naming(_ prediction: InferencePrediction, in response: Response) -> Response {
        var response = response
        if !prediction.requestID.isEmpty, prediction.requestID.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
            response.headers[requestIDField] = prediction.requestID
        }
        if let variant = prediction.variant { response.headers[variantField] = variant }
        return response
    }

    /// `/v2/…`: health, server and model metadata, model readiness and infer, on the `/v2` group
    /// (which carries the Open Inference Protocol's error shape, ``OIPErrorMiddleware``).
    func addOpenInferenceRoutes(to v2: RouterGroup<Context>) {
        v2.get { _, _ in
            var w = JSONWriter()
            w.beginObject()
            w.field("name", "vane")
            w.field("version", vaneVersion)
            w.beginArray("extensions")
            w.element("binary_tensor_data")
            w.endArray()
            w.endObject()
            return w.response()
        }
        v2.get("health/live") { _, _ in Response(status: .ok) }
        v2.get("health/ready") { _, _ in Response(status: .ok) }
        for versioned in [false, true] {
            let base = versioned ? "models/:name/versions/:version" : "models/:name"
            v2.get(RouterPath(base)) { request, context in
                try await metadata(context: context)
            }
            v2.get(RouterPath(base + "/ready")) { _, context in
                _ = try await model(context)
                return Response(status: .ok)
            }
            v2.post(RouterPath(base + "/infer")) { request, context in
                try await infer(request, context: context)
            }
        }
    }

    /// `POST /invocations` for the catalog's one model (`vane serve`), on the `/invocations` group
    /// (which carries the scoring error shape, ``ScoringErrorMiddleware``).
    func addSingleModelScoringRoutes(to invocations: RouterGroup<Context>, modelName: String) {
        invocations.post { request, context in
            try await score(request, context: context, name: modelName, version: nil)
        }
    }

    /// `GET /ping`, as `mlflow models serve` has it (with `/health`, which every Vane server has).
    static func addPingRoute(to router: Router<Context>) {
        router.get("ping") { _, _ in Response(status: .ok) }
    }

    /// `POST /models/{name}[/versions/{version}]/invocations`: MLflow scoring per registered model
    /// (`vane server`), on the `/models` group (which carries the scoring error shape).
    func addRegistryScoringRoutes(to models: RouterGroup<Context>) {
        models.post(":name/invocations") { request, context in
            try await score(request, context: context, name: context.parameters.get("name") ?? "", version: nil)
        }
        models.post(":name/versions/:version/invocations") { request, context in
            try await score(request, context: context, name: context.parameters.get("name") ?? "", version: context.parameters.get("version"))
        }
    }

    // MARK: Handlers

    func model(_ context: Context) async throws -> ServedModel {
        try await service.model(named: context.parameters.get("name") ?? "", version: context.parameters.get("version"))
    }

    func metadata(context: Context) async throws -> Response {
        let served = try await model(context)
        let versions = try await service.versions(of: served.name)
        let signature = served.signature
        var w = JSONWriter(capacity: 512)
        w.beginObject()
        w.field("name", served.name)
        w.beginArray("versions")
        for version in versions { w.element(version) }
        w.endArray()
        w.field("platform", served.platform)
        w.beginArray("inputs")
        w.beginObject()
        w.field("name", signature.inputName)
        w.field("datatype", signature.inputDatatype.rawValue)
        w.beginArray("shape")
        w.rawElement(-1)
        w.rawElement(Int64(signature.featureCount))
        w.endArray()
        w.endObject()
        w.endArray()
        w.beginArray("outputs")
        for output in signature.outputs {
            w.beginObject()
            w.field("name", output.name)
            w.field("datatype", output.datatype.rawValue)
            w.beginArray("shape")
            w.rawElement(-1)
            for dim in output.shapePerRow { w.rawElement(Int64(dim)) }
            w.endArray()
            w.endObject()
        }
        w.endArray()
        if let names = signature.featureNames {
            w.beginObject("parameters")
            var list = JSONWriter()
            list.beginArray()
            for name in names { list.element(name) }
            list.endArray()
            w.field("feature_names", String(decoding: list.bytes, as: UTF8.self))
            w.endObject()
        }
        w.endObject()
        return w.response()
    }

    func infer(_ request: Request, context: Context) async throws -> Response {
        try await service.infer(model: context.parameters.get("name") ?? "", version: context.parameters.get("version"),
                                protocol: .openInference, header: Self.header(of: request)) { _ in
            let body = try await Self.collect(request)
            let headerLength = try request.headers[OIPResponse.headerLengthField].map { text throws(VaneError) -> Int in
                guard let n = BodyReader.nonNegativeInteger(text) else {
                    throw VaneError.invalid("Inference-Header-Content-Length must be a non-negative integer")
                }
                return n == 0 ? body.count : n
            }
            let oip = try await Self.decodeOffloaded(body.count) { try OIPRequest(body: body, headerLength: headerLength) }
            return (InferenceRequest(.tensors(oip.inputs), outputs: oip.outputs.map { Set($0.map(\.name)) },
                                     requestID: try Self.checkedRequestID(oip.id)), oip)
        } encode: { prediction, oip in
            var outputs = prediction.outputs
            if let order = oip.outputs?.map(\.name) {
                outputs.sort { (order.firstIndex(of: $0.name) ?? 0) < (order.firstIndex(of: $1.name) ?? 0) }
            }
            let binaryByName = Dictionary((oip.outputs ?? []).map { ($0.name, $0.binaryData) }, uniquingKeysWith: { a, _ in a })
            let response = OIPResponse(model: prediction.model, id: prediction.requestID, outputs: outputs, rowCount: prediction.rowCount) { name in
                (binaryByName[name] ?? nil) ?? oip.binaryDataOutput
            }
            return Self.naming(prediction, in: response.response())
        }
    }

    func score(_ request: Request, context: Context, name: String, version: String?) async throws -> Response {
        // The body is read once, even when a deployment decodes it against two variants.
        var body: [UInt8]?
        return try await service.infer(model: name, version: version, protocol: .mlflowScoring, header: Self.header(of: request)) { served in
            if body == nil { body = try await Self.collect(request) }
            let bytes = body ?? [], contentType = request.headers[.contentType]
            let batch = try await Self.decodeOffloaded(bytes.count) { try ScoringRequest.batch(body: bytes, contentType: contentType, model: served) }
            return (InferenceRequest(.batch(batch), requestID: try Self.checkedRequestID(request.headers[Self.requestIDField])), ())
        } encode: { prediction, _ in
            Self.naming(prediction,
                        in: ScoringRequest.response(outputs: prediction.outputs, model: prediction.model, rowCount: prediction.rowCount).response())
        }
    }

    // MARK: Helpers

    /// Bodies from this size on are decoded on NIO's thread pool: a large decode on the
    /// concurrency pool would hold up every other request's next step (reading its body,
    /// writing its answer) behind it, which is what spreads latency under load.
    static var offloadedBodySize: Int { 32 << 10 }

    static func decodeOffloaded<T: Sendable>(_ size: Int, _ decode: @escaping @Sendable () throws -> T) async throws -> T {
        guard size >= offloadedBodySize else { return try decode() }
        return try await NIOThreadPool.singleton.runIfActive(decode)
    }

    static func collect(_ request: Request) async throws -> [UInt8] {
        try await BodyReader.collect(request, limit: maxBodySize)
    }
}
