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
        "description": "Vane's own JSON API. Every error is {\"error\": {\"code\", \"message\"}} with a 4xx status for a request at fault, 5xx otherwise. Requests that change state must be sent with Content-Type: application/json. When the server runs with authentication on, every request carries a token (bearer) or a user's name and password (basic); reads need the role reader, writes writer, tokens and users admin. Lists page with page_size and page_token, and answer next_page_token while more follow."
      },
      "security": [{}, {"bearer": []}, {"basic": []}],
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
        },
        "/api/vane/v1/-/reload": {
          "post": {
            "operationId": "reloadConfiguration",
            "summary": "Reads the configuration file again, as SIGHUP does, and applies allowed_hosts, cors_origins and auth.enabled. A file with an error changes nothing (400, naming the file and line); a server started without --config answers 409. Admins only.",
            "responses": {
              "200": {
                "description": "The file was applied.",
                "content": {"application/json": {"schema": {
                  "type": "object", "required": ["file", "applied", "restart_required"],
                  "properties": {
                    "file": {"type": "string"},
                    "applied": {"type": "array", "items": {"type": "string"}, "description": "Settings that changed and took effect, e.g. server.allowed_hosts."},
                    "restart_required": {"type": "array", "items": {"type": "string"}, "description": "Settings that changed in the file but need a restart: server.host, server.port, storage.data_dir."}
                  }
                }}}
              },
              "default": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/api/vane/v1/whoami": {
          "get": {
            "operationId": "whoami",
            "summary": "Who the request's credentials name, and their role (anonymous admin when authentication is off).",
            "responses": {
              "200": {"description": "The caller.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Principal"}}}},
              "default": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/api/vane/v1/tokens": {
          "get": {
            "operationId": "listTokens",
            "summary": "The tokens that are not revoked, oldest first, never their secrets. Admins only.",
            "parameters": [{"$ref": "#/components/parameters/PageSize"}, {"$ref": "#/components/parameters/PageToken"}],
            "responses": {
              "200": {
                "description": "One page of tokens.",
                "content": {"application/json": {"schema": {
                  "type": "object", "required": ["tokens"],
                  "properties": {
                    "tokens": {"type": "array", "items": {"$ref": "#/components/schemas/Token"}},
                    "next_page_token": {"type": "string", "description": "Present when another page follows."}
                  }
                }}}
              },
              "default": {"$ref": "#/components/responses/Error"}
            }
          },
          "post": {
            "operationId": "createToken",
            "summary": "Creates a token. Its secret is in this answer and nowhere else. Admins only.",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {
              "type": "object", "required": ["name", "role"], "additionalProperties": false,
              "properties": {
                "name": {"type": "string", "pattern": "^[A-Za-z0-9._@-]{1,64}$"},
                "role": {"$ref": "#/components/schemas/Role"},
                "expires_in_days": {"type": "integer", "minimum": 1, "maximum": 3650}
              }
            }}}},
            "responses": {
              "201": {
                "description": "The token and its secret.",
                "content": {"application/json": {"schema": {
                  "type": "object", "required": ["token", "secret"],
                  "properties": {"token": {"$ref": "#/components/schemas/Token"}, "secret": {"type": "string", "pattern": "^vane_[A-Za-z0-9_-]{43}$"}}
                }}}
              },
              "default": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/api/vane/v1/tokens/{id}": {
          "delete": {
            "operationId": "revokeToken",
            "summary": "Revokes a token; it stops working at once. Admins only.",
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {"204": {"description": "Revoked."}, "default": {"$ref": "#/components/responses/Error"}}
          }
        },
        "/api/vane/v1/users": {
          "get": {
            "operationId": "listUsers",
            "summary": "The users, by name. Admins only.",
            "parameters": [{"$ref": "#/components/parameters/PageSize"}, {"$ref": "#/components/parameters/PageToken"}],
            "responses": {
              "200": {
                "description": "One page of users.",
                "content": {"application/json": {"schema": {
                  "type": "object", "required": ["users"],
                  "properties": {
                    "users": {"type": "array", "items": {"$ref": "#/components/schemas/User"}},
                    "next_page_token": {"type": "string", "description": "Present when another page follows."}
                  }
                }}}
              },
              "default": {"$ref": "#/components/responses/Error"}
            }
          },
          "post": {
            "operationId": "createUser",
            "summary": "Creates a user who signs in with basic authentication. Admins only.",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {
              "type": "object", "required": ["name", "role", "password"], "additionalProperties": false,
              "properties": {
                "name": {"type": "string", "pattern": "^[A-Za-z0-9._@-]{1,64}$"},
                "role": {"$ref": "#/components/schemas/Role"},
                "password": {"type": "string", "description": "8 to 72 bytes of UTF-8."}
              }
            }}}},
            "responses": {
              "201": {"description": "The user.", "content": {"application/json": {"schema": {
                "type": "object", "required": ["user"], "properties": {"user": {"$ref": "#/components/schemas/User"}}
              }}}},
              "default": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/api/vane/v1/users/{name}": {
          "patch": {
            "operationId": "updateUser",
            "summary": "Changes a user's password, role or both. Admins only.",
            "parameters": [{"name": "name", "in": "path", "required": true, "schema": {"type": "string"}}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {
              "type": "object", "additionalProperties": false,
              "properties": {"password": {"type": "string"}, "role": {"$ref": "#/components/schemas/Role"}}
            }}}},
            "responses": {"204": {"description": "Changed."}, "default": {"$ref": "#/components/responses/Error"}}
          },
          "delete": {
            "operationId": "deleteUser",
            "summary": "Deletes a user. Admins only.",
            "parameters": [{"name": "name", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {"204": {"description": "Deleted."}, "default": {"$ref": "#/components/responses/Error"}}
          }
        },
        "/api/vane/v1/deployments": {
          "get": {
            "operationId": "listDeployments",
            "summary": "Every deployment, by name.",
            "parameters": [{"$ref": "#/components/parameters/PageSize"}, {"$ref": "#/components/parameters/PageToken"}],
            "responses": {
              "200": {"description": "One page of deployments.", "content": {"application/json": {"schema": {
                "type": "object", "required": ["deployments"],
                "properties": {"deployments": {"type": "array", "items": {"$ref": "#/components/schemas/Deployment"}}, "next_page_token": {"type": "string"}}
              }}}},
              "default": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/api/vane/v1/deployments/{name}": {
          "get": {
            "operationId": "getDeployment",
            "summary": "One deployment: its declaration, what each model resolved to, and its state.",
            "parameters": [{"name": "name", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {
              "200": {"description": "The deployment.", "content": {"application/json": {"schema": {
                "type": "object", "required": ["deployment"], "properties": {"deployment": {"$ref": "#/components/schemas/Deployment"}}
              }}}},
              "default": {"$ref": "#/components/responses/Error"}
            }
          },
          "put": {
            "operationId": "applyDeployment",
            "summary": "Applies a declaration, idempotently: resolves every model (an alias becomes the version it names now), loads them and swaps the deployment in at once; requests in flight finish on what they started with. A declaration that is invalid or names a model that cannot be loaded changes nothing (400). Sent as JSON or YAML; its name may be left out, and must otherwise be the path's.",
            "parameters": [{"name": "name", "in": "path", "required": true, "schema": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]{0,62}$"}}],
            "requestBody": {"required": true, "content": {
              "application/json": {"schema": {"$ref": "#/components/schemas/DeploymentDeclaration"}},
              "application/yaml": {"schema": {"$ref": "#/components/schemas/DeploymentDeclaration"}}
            }},
            "responses": {
              "200": {"description": "Applied over an existing deployment (changed false when nothing changed).", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AppliedDeployment"}}}},
              "201": {"description": "Created.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AppliedDeployment"}}}},
              "default": {"$ref": "#/components/responses/Error"}
            }
          },
          "delete": {
            "operationId": "deleteDeployment",
            "summary": "Deletes a deployment; requests in flight finish.",
            "parameters": [{"name": "name", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {"204": {"description": "Deleted."}, "default": {"$ref": "#/components/responses/Error"}}
          }
        },
        "/api/vane/v1/deployments/{name}/feedback": {
          "post": {
            "operationId": "postFeedback",
            "summary": "Feedback on a deployment's answers, joined to the variant that answered by the request id: {\"request_id\", \"reward\"} or {\"request_id\", \"label\"} (the true class of the request's first row, scored as accuracy), one object or an array of up to 10,000. With any unknown request id nothing is recorded (404). Answers the experiment after it. With experiment.policy thompson, the variants' traffic shares move to each one's probability of being best (at least 1 % each).",
            "parameters": [{"name": "name", "in": "path", "required": true, "schema": {"type": "string"}}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"oneOf": [
              {"$ref": "#/components/schemas/Feedback"},
              {"type": "array", "maxItems": 10000, "items": {"$ref": "#/components/schemas/Feedback"}}
            ]}}}},
            "responses": {
              "200": {"description": "Recorded.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ExperimentAnswer"}}}},
              "default": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/api/vane/v1/deployments/{name}/experiment": {
          "get": {
            "operationId": "getExperiment",
            "summary": "The A/B experiment: per variant n, mean reward (or accuracy), a confidence interval and an always-valid p-value against the control (the first variant); winner is null until the sequential test decides.",
            "parameters": [{"name": "name", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {
              "200": {"description": "The experiment.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ExperimentAnswer"}}}},
              "default": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/api/vane/v1/deployments/{name}/predictions": {
          "get": {
            "operationId": "listPredictions",
            "summary": "The prediction log of a deployment as JSON lines, streamed: one line per request with time, deployment, variant, request_id, latency_ms, rows, failed, and (for the sampled share) inputs and outputs.",
            "parameters": [
              {"name": "name", "in": "path", "required": true, "schema": {"type": "string"}},
              {"name": "since", "in": "query", "required": false, "schema": {"type": "string"}, "description": "Milliseconds since the epoch or an RFC 3339 time; default an hour before until."},
              {"name": "until", "in": "query", "required": false, "schema": {"type": "string"}, "description": "Exclusive; default now."},
              {"name": "variant", "in": "query", "required": false, "schema": {"type": "string"}}
            ],
            "responses": {
              "200": {"description": "JSON lines.", "content": {"application/x-ndjson": {"schema": {"type": "string"}}}},
              "default": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/api/vane/v1/deployments/{name}/rollout/pause": {
          "post": {
            "operationId": "pauseRollout",
            "summary": "Holds the rollout's weights as they are; the guards stop being judged. Only a progressing rollout. 409 for a deployment without a rollout or a rollout in another phase. Needs no body.",
            "parameters": [{"name": "name", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {
              "200": {"description": "The deployment after the change.", "content": {"application/json": {"schema": {
                "type": "object", "required": ["deployment"], "properties": {"deployment": {"$ref": "#/components/schemas/Deployment"}}
              }}}},
              "default": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/api/vane/v1/deployments/{name}/rollout/resume": {
          "post": {
            "operationId": "resumeRollout",
            "summary": "Goes on from the current step: its clock restarts, and a variant a failed guard took out gets the step's weight back. Only a paused rollout. 409 for a deployment without a rollout or a rollout in another phase. Needs no body.",
            "parameters": [{"name": "name", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {
              "200": {"description": "The deployment after the change.", "content": {"application/json": {"schema": {
                "type": "object", "required": ["deployment"], "properties": {"deployment": {"$ref": "#/components/schemas/Deployment"}}
              }}}},
              "default": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/api/vane/v1/deployments/{name}/rollout/promote": {
          "post": {
            "operationId": "promoteRollout",
            "summary": "Gives the rolled-out variant all traffic now; the other variants stay loaded at weight 0. 409 for a deployment without a rollout or a rollout in another phase. Needs no body.",
            "parameters": [{"name": "name", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {
              "200": {"description": "The deployment after the change.", "content": {"application/json": {"schema": {
                "type": "object", "required": ["deployment"], "properties": {"deployment": {"$ref": "#/components/schemas/Deployment"}}
              }}}},
              "default": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/api/vane/v1/deployments/{name}/rollout/rollback": {
          "post": {
            "operationId": "rollbackRollout",
            "summary": "Takes the rolled-out variant out now; the other variants share the traffic as declared. 409 for a deployment without a rollout or a rollout in another phase. Needs no body.",
            "parameters": [{"name": "name", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {
              "200": {"description": "The deployment after the change.", "content": {"application/json": {"schema": {
                "type": "object", "required": ["deployment"], "properties": {"deployment": {"$ref": "#/components/schemas/Deployment"}}
              }}}},
              "default": {"$ref": "#/components/responses/Error"}
            }
          }
        }\#(VaneOpenAPI.opsPaths)
      },
      "components": {
        "schemas": {\#(VaneOpenAPI.opsSchemas)
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
          "Role": {"type": "string", "enum": ["reader", "writer", "admin"], "description": "reader: read, search, predict; writer: also log, register, deploy; admin: also tokens, users, configuration."},
          "Principal": {
            "type": "object",
            "required": ["name", "role", "method"],
            "properties": {
              "name": {"type": "string"},
              "role": {"$ref": "#/components/schemas/Role"},
              "method": {"type": "string", "enum": ["token", "password", "none"]}
            }
          },
          "Token": {
            "type": "object",
            "required": ["id", "name", "role", "created_at"],
            "properties": {
              "id": {"type": "string", "description": "12 hex digits."},
              "name": {"type": "string"},
              "role": {"$ref": "#/components/schemas/Role"},
              "created_at": {"type": "integer", "description": "Milliseconds since the Unix epoch."},
              "expires_at": {"type": "integer", "description": "Milliseconds since the Unix epoch; absent for never."}
            }
          },
          "User": {
            "type": "object",
            "required": ["name", "role", "created_at", "updated_at"],
            "properties": {
              "name": {"type": "string"},
              "role": {"$ref": "#/components/schemas/Role"},
              "created_at": {"type": "integer"},
              "updated_at": {"type": "integer"}
            }
          },
          "DeploymentDeclaration": {
            "type": "object",
            "required": ["variants"],
            "additionalProperties": false,
            "properties": {
              "name": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]{0,62}$"},
              "variants": {"type": "array", "minItems": 1, "maxItems": 16, "items": {
                "type": "object", "required": ["name", "model", "weight"], "additionalProperties": false,
                "properties": {
                  "name": {"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]{0,62}$"},
                  "model": {"type": "string", "description": "models:/name/version, models:/name@alias, models:/name/stage or runs:/id/path."},
                  "weight": {"type": "number", "minimum": 0}
                }
              }},
              "shadows": {"type": "array", "maxItems": 8, "items": {
                "type": "object", "required": ["name", "model"], "additionalProperties": false,
                "properties": {"name": {"type": "string"}, "model": {"type": "string"}, "sample": {"type": "number", "minimum": 0, "maximum": 1, "default": 1}}
              }},
              "routing": {"type": "object", "properties": {"key": {"type": "string", "description": "header:NAME or input:NAME; absent routes each request at random by weight."}}},
              "rollout": {"type": "object"},
              "experiment": {"type": "object", "properties": {"alpha": {"type": "number"}, "policy": {"type": "string", "enum": ["fixed", "thompson"]}}}
            }
          },
          "Deployment": {
            "type": "object",
            "required": ["name", "state", "generation", "created_at", "updated_at", "variants", "shadows"],
            "properties": {
              "name": {"type": "string"},
              "state": {"type": "string", "enum": ["serving", "unavailable"]},
              "reason": {"type": "string", "description": "Why an unavailable deployment could not be loaded when the server started."},
              "generation": {"type": "integer", "description": "1 when created, one more with every change."},
              "created_at": {"type": "integer"},
              "updated_at": {"type": "integer"},
              "routing_key": {"type": "string"},
              "rollout": {"$ref": "#/components/schemas/Rollout"},
              "variants": {"type": "array", "items": {"type": "object", "properties": {
                "name": {"type": "string"}, "model": {"type": "string"}, "weight": {"type": "number"},
                "share": {"type": "number", "description": "The weight normalised: the share of requests it answers."},
                "resolved": {"$ref": "#/components/schemas/ResolvedModel"},
                "overall": {"$ref": "#/components/schemas/RequestFigures"},
                "last_minute": {"$ref": "#/components/schemas/RequestFigures"}
              }}},
              "shadows": {"type": "array", "items": {"type": "object", "properties": {
                "name": {"type": "string"}, "model": {"type": "string"}, "sample": {"type": "number"},
                "resolved": {"$ref": "#/components/schemas/ResolvedModel"},
                "mirrored": {"type": "integer", "description": "Requests queued for it."},
                "dropped": {"type": "integer", "description": "Requests sampled for it that the full queue did not take."},
                "scoring": {"$ref": "#/components/schemas/RequestFigures"},
                "agreement": {"type": "object", "properties": {
                  "rows": {"type": "integer"}, "agreeing_rows": {"type": "integer"},
                  "share": {"type": "number", "description": "Rows with the same class (classifiers) or values within 1e-6 or 0.1 % (numeric outputs), over rows compared."},
                  "mean_absolute_difference": {"type": "number"}
                }}
              }}}
            }
          },
          "Rollout": {
            "type": "object",
            "description": "The declaration (variant, steps, interval, min_requests, deadline, guards, on_failure) and the progress.",
            "properties": {
              "variant": {"type": "string"},
              "steps": {"type": "array", "items": {"type": "number"}},
              "interval": {"type": "string"}, "deadline": {"type": "string"}, "min_requests": {"type": "integer"},
              "on_failure": {"type": "string", "enum": ["rollback", "pause"]},
              "guards": {"type": "object"},
              "state": {"type": "string", "enum": ["progressing", "paused", "promoted", "rolled_back"]},
              "step": {"type": "integer", "description": "1-based."},
              "weight": {"type": "number", "description": "The rolled-out variant's weight now, percent."},
              "baseline": {"type": "string"},
              "started_at": {"type": "integer"}, "step_started_at": {"type": "integer"},
              "events": {"type": "array", "items": {"type": "object", "required": ["time", "kind", "from_weight", "to_weight", "message"], "properties": {
                "time": {"type": "integer"},
                "kind": {"type": "string", "enum": ["started", "step", "guard_failed", "no_traffic", "sample_ratio_mismatch", "paused", "resumed", "promoted", "rolled_back"]},
                "from_weight": {"type": "number"}, "to_weight": {"type": "number"},
                "guard": {"type": "string"}, "measured": {"type": "number"}, "threshold": {"type": "number"},
                "message": {"type": "string"}
              }}}
            }
          },
          "Feedback": {
            "type": "object", "required": ["request_id"], "additionalProperties": false,
            "properties": {"request_id": {"type": "string", "maxLength": 256}, "reward": {"type": "number"}, "label": {"type": ["string", "number", "boolean"]}}
          },
          "ExperimentAnswer": {
            "type": "object", "required": ["experiment"],
            "properties": {"experiment": {"type": "object", "required": ["alpha", "control", "variants", "winner"], "properties": {
              "metric": {"type": "string", "enum": ["reward", "accuracy"]},
              "alpha": {"type": "number"}, "control": {"type": "string"}, "test": {"type": "string"},
              "variants": {"type": "array", "items": {"type": "object", "properties": {
                "name": {"type": "string"}, "n": {"type": "integer"}, "mean": {"type": "number"},
                "confidence_interval": {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2},
                "p_value": {"type": "number", "description": "Always valid, against the control."}
              }}},
              "winner": {"type": ["string", "null"]},
              "decided_at": {"type": "integer"}
            }}}
          },
          "RequestFigures": {
            "type": "object",
            "required": ["requests", "errors"],
            "properties": {
              "requests": {"type": "integer"}, "errors": {"type": "integer"},
              "latency_p50_ms": {"type": "number"}, "latency_p99_ms": {"type": "number"}
            }
          },
          "ResolvedModel": {
            "type": "object",
            "required": ["source"],
            "properties": {
              "source": {"type": "string", "description": "What is loaded: models:/name/version, or the declared runs:/ URI."},
              "registered_model": {"type": "string"},
              "version": {"type": "string"}
            }
          },
          "AppliedDeployment": {
            "type": "object",
            "required": ["changed", "deployment"],
            "properties": {"changed": {"type": "boolean"}, "deployment": {"$ref": "#/components/schemas/Deployment"}}
          },
          "Surface": {
            "type": "object",
            "required": ["name", "base_paths"],
            "properties": {
              "name": {"type": "string", "examples": ["mlflow", "mlflow-artifacts", "open-inference-v2", "mlflow-scoring", "alertmanager-v2", "vane"]},
              "base_paths": {"type": "array", "items": {"type": "string"}}
            }
          }
        },
        "parameters": {
          "PageSize": {"name": "page_size", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}},
          "PageToken": {"name": "page_token", "in": "query", "required": false, "schema": {"type": "string"}, "description": "next_page_token of the page before."}
        },
        "securitySchemes": {
          "bearer": {"type": "http", "scheme": "bearer", "description": "An API token (vane token create)."},
          "basic": {"type": "http", "scheme": "basic", "description": "A user's name and password (vane user create), or any name and a token."}
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
