import VaneText
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import VaneArtifacts
import VaneCore
import VaneTracking

/// The mlflow-artifacts proxy (`/api/2.0/mlflow-artifacts/artifacts/…`), the run artifact listing
/// (`/api/2.0/mlflow/artifacts/list`, `/get-artifact`) and `/api/3.0/mlflow/server-info`.
///
/// Uploads and downloads stream in 64 KiB chunks, so a 1 GiB artifact moves with flat memory.
struct MLflowArtifactRoutes<Context: RequestContext> {
    let tracking: any TrackingStore
    let artifacts: any ArtifactStore

    static var chunkSize: Int { 64 * 1024 }

    /// The artifact path named by a `**` route: the raw path decoded once, then validated.
    ///
    /// The router skips empty path components, so `artifacts//etc/passwd` captures `etc/passwd`.
    /// The capture is a slice of the request path, so what precedes it tells: a second `/` right
    /// before it means the client sent an absolute path, which is refused as MLflow refuses it.
    static func path(from context: Context) throws(VaneError) -> ArtifactPath {
        guard let captured = context.parameters[Parameters.recursiveCaptureKey] else { return .root }
        if captured.base[..<captured.startIndex].hasSuffix("//") {
            throw VaneError.invalid("Invalid path: '/\(captured.prefix(200))'. Artifact paths must be relative, must not contain '..', and must stay inside the artifact root.")
        }
        let raw = captured.split(separator: "/", omittingEmptySubsequences: true).joined(separator: "/")
        return try ArtifactPath(validating: ArtifactPath.percentDecoded(raw))
    }

    func addProxyRoutes(to group: RouterGroup<Context>) {
        let store = artifacts
        group.get("artifacts") { request, _ in
            let query = request.queryDictionary()
            let path = try ArtifactPath(validating: query["path"]?.last ?? "")
            let files = try await store.list(path)
            var w = JSONWriter()
            w.beginObject()
            if !files.isEmpty {
                w.beginArray("files")
                for f in files {
                    w.beginObject()
                    w.field("path", String(f.path.split(separator: "/").last ?? ""))
                    w.field("is_dir", f.isDirectory)
                    w.field("file_size", f.fileSize == 0 ? nil : f.fileSize)
                    w.endObject()
                }
                w.endArray()
            }
            w.endObject()
            return w.response()
        }
        group.get("artifacts/**") { _, context in
            try await Self.download(store, try Self.path(from: context))
        }
        group.put("artifacts/**") { request, context in
            let path = try Self.path(from: context)
            try await Self.upload(store, path, request.body)
            return Response(status: .ok)
        }
        group.delete("artifacts/**") { _, context in
            try await store.delete(try Self.path(from: context))
            return JSONWriter.emptyObject
        }
    }

    static func download(_ store: any ArtifactStore, _ path: ArtifactPath) async throws -> Response {
        let chunks = try await store.chunks(of: path, chunkSize: chunkSize)
        let body = ResponseBody(contentLength: Int(chunks.size)) { writer in
            for try await chunk in chunks {
                try await writer.write(ByteBuffer(bytes: chunk))
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: contentType(for: path.lastComponent)], body: body)
    }

    static func upload(_ store: any ArtifactStore, _ path: ArtifactPath, _ body: RequestBody) async throws {
        let writer = try await store.beginWrite(path)
        do {
            var fragments = body.makeAsyncIterator()
            while true {
                let next: ByteBuffer?
                do { next = try await fragments.next() } catch { throw BodyReader.malformed }
                guard let buffer = next else { break }
                try await writer.write(contentsOf: buffer.readableBytesView)
            }
            try await writer.commit()
        } catch {
            await writer.abort()
            throw error
        }
    }

    static func contentType(for name: String) -> String {
        let ext = name.split(separator: ".").last.map { $0.lowercased() } ?? ""
        switch ext {
        case "txt", "log", "py", "yaml", "yml", "md", "mlmodel": return "text/plain"
        case "json": return "application/json"
        case "csv": return "text/csv"
        case "html", "htm": return "text/plain"
        case "png": return "image/png"
        case "jpg", "jpeg": return "image/jpeg"
        case "svg": return "text/plain"
        default: return name == "MLmodel" ? "text/plain" : "application/octet-stream"
        }
    }

    /// Routes under `/api/2.0/mlflow/` that read a run's artifacts.
    func addRunArtifactRoutes(to group: RouterGroup<Context>) {
        let tracking = self.tracking
        let store = artifacts
        group.get("artifacts/list") { request, _ in
            let input = MLflowInput(query: request.queryDictionary())
            let run = try await tracking.run(id: try input.runID())
            let sub = try ArtifactPath(validating: try input.string("path") ?? "")
            var w = JSONWriter()
            w.beginObject()
            w.field("root_uri", run.info.artifactURI)
            if let base = try ArtifactURI.storePath(of: run.info.artifactURI) {
                let files = try await store.list(base.appending(sub))
                if !files.isEmpty {
                    w.beginArray("files")
                    for f in files {
                        w.beginObject()
                        w.field("path", (sub.components + [String(f.path.split(separator: "/").last ?? "")]).joined(separator: "/"))
                        w.field("is_dir", f.isDirectory)
                        w.field("file_size", f.fileSize == 0 ? nil : f.fileSize)
                        w.endObject()
                    }
                    w.endArray()
                }
            }
            w.endObject()
            return w.response()
        }
        group.get("get-artifact") { request, _ in
            let input = MLflowInput(query: request.queryDictionary())
            let run = try await tracking.run(id: try input.runID())
            let sub = try ArtifactPath(validating: try input.requiredString("path"))
            guard let base = try ArtifactURI.storePath(of: run.info.artifactURI) else {
                throw VaneError.notFound("Artifacts of run \(run.info.runID) are not stored by this server")
            }
            return try await Self.download(store, base.appending(sub))
        }
    }

    /// `GET /api/3.0/mlflow/server-info`: multipart transfers are off, so the client streams through the proxy.
    static func serverInfo() -> Response {
        var w = JSONWriter()
        w.beginObject()
        w.field("store_type", "SqlStore")
        w.field("multipart_uploads_enabled", false)
        w.field("multipart_downloads_enabled", false)
        w.field("presigned_upload_run_id_supported", false)
        w.field("presigned_upload_model_id_supported", false)
        w.field("trace_archival_enabled", false)
        w.field("workspaces_enabled", false)
        w.beginObject("features_enabled"); w.field("gateway", false); w.endObject()
        w.endObject()
        return w.response()
    }
}
