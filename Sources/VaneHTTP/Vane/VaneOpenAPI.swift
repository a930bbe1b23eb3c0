import VaneCore

/// The OpenAPI 3.1 document of Vane's own API, served at `GET /api/vane/v1/openapi.json`.
///
/// It is written by hand, spec-first, as a literal rather than derived from ``VaneAPIRoutes``: a
/// document generated from the route table could not disagree with it, so the test that checks
/// the two against each other (every documented operation is registered and answers, every
/// registered route is documented) would prove nothing. A literal also needs no resource bundle
/// next to the `vane` binary and no generator plugin in the build. Paths are written in full
/// (no `servers` prefix) so a client needs no base URL beyond the server's own.
enum VaneOpenAPI {
    /// The document, with `info.version` set to ``vaneVersion``.
    static let document = #"""
    {
      "openapi": "3.1.0",
      "info": {
        "title": "Vane API",
        "version": "\#(vaneVersion)",
        "description": "Vane's own JSON API. Every error is {\"error\": {\"code\", \"message\"}} with a 4xx status for a request at fault, 5xx otherwise. Requests that change state must be sent with Content-Type: application/json."
      },
      "paths": {
        "/api/vane/v1/server": {
          "get": {
            "operationId": "getServer",
            "summary": "The server's name, version and the wire surfaces it serves.",
            "responses": {
              "200": {
                "description": "The server.",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Server"}}}
              },
              "default": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/api/vane/v1/openapi.json": {
          "get": {
            "operationId": "getOpenAPIDocument",
            "summary": "This document.",
            "responses": {
              "200": {
                "description": "The OpenAPI 3.1 document of Vane's API.",
                "content": {"application/json": {"schema": {"type": "object"}}}
              },
              "default": {"$ref": "#/components/responses/Error"}
            }
          }
        }
      },
      "components": {
        "schemas": {
          "Error": {
            "type": "object",
            "required": ["error"],
            "properties": {
              "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                  "code": {
                    "type": "string",
                    "description": "A stable code for the failure.",
                    "examples": ["INVALID_ARGUMENT", "UNAUTHENTICATED", "PERMISSION_DENIED", "NOT_FOUND", "METHOD_NOT_ALLOWED", "ALREADY_EXISTS", "FAILED_PRECONDITION", "PAYLOAD_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE", "RESOURCE_EXHAUSTED", "UNAVAILABLE", "INTERNAL"]
                  },
                  "message": {"type": "string", "description": "What went wrong, for a person to read."}
                }
              }
            }
          },
          "Server": {
            "type": "object",
            "required": ["name", "version", "surfaces"],
            "properties": {
              "name": {"const": "vane"},
              "version": {"type": "string"},
              "surfaces": {"type": "array", "items": {"$ref": "#/components/schemas/Surface"}}
            }
          },
          "Surface": {
            "type": "object",
            "required": ["name", "base_paths"],
            "properties": {
              "name": {"type": "string", "examples": ["mlflow", "mlflow-artifacts", "open-inference-v2", "mlflow-scoring", "vane"]},
              "base_paths": {"type": "array", "items": {"type": "string"}}
            }
          }
        },
        "responses": {
          "Error": {
            "description": "An error in Vane's shape.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          }
        }
      }
    }
    """#
}
