/// The operations side of Vane's API in its OpenAPI document: incidents, changes, the on-call
/// summary and the Alertmanager webhook intake (fragments spliced into ``VaneOpenAPI/document``).
extension VaneOpenAPI {
    static let opsPaths = #"""
    ,
        "/api/vane/v1/incidents": {
          "get": {
            "operationId": "listIncidents",
            "summary": "Incidents, newest first.",
            "parameters": [
              {"name": "state", "in": "query", "required": false, "schema": {"type": "string", "enum": ["open", "acknowledged", "resolved"]}},
              {"name": "limit", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1, "maximum": 10000, "default": 100}}
            ],
            "responses": {
              "200": {"description": "The incidents.", "content": {"application/json": {"schema": {
                "type": "object", "required": ["incidents"], "properties": {"incidents": {"type": "array", "items": {"$ref": "#/components/schemas/Incident"}}}
              }}}},
              "default": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/api/vane/v1/incidents/{id}": {
          "get": {
            "operationId": "getIncident",
            "summary": "One incident with its alerts, ranked root causes and timeline.",
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {
              "200": {"description": "The incident.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Incident"}}}},
              "default": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/api/vane/v1/incidents/{id}/ack": {
          "post": {
            "operationId": "acknowledgeIncident",
            "summary": "Acknowledges an open incident; 409 when it is not open. Body optional: {\"by\", \"comment\"} (with authentication on, the caller's name is recorded).",
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {
              "200": {"description": "The incident.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Incident"}}}},
              "default": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/api/vane/v1/incidents/{id}/resolve": {
          "post": {
            "operationId": "resolveIncident",
            "summary": "Resolves an incident by hand; {\"noise\": true} closes it as a false positive. Body optional: {\"by\", \"comment\", \"noise\"}.",
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {
              "200": {"description": "The incident.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Incident"}}}},
              "default": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/api/vane/v1/changes": {
          "get": {
            "operationId": "listChanges",
            "summary": "Changes held as suspects (the last hour by default), oldest first.",
            "responses": {
              "200": {"description": "The changes.", "content": {"application/json": {"schema": {
                "type": "object", "required": ["changes"], "properties": {"changes": {"type": "array", "items": {"$ref": "#/components/schemas/Change"}}}
              }}}},
              "default": {"$ref": "#/components/responses/Error"}
            }
          },
          "post": {
            "operationId": "recordChanges",
            "summary": "Records change events from CI/CD: one object or an array (at most 10,000) of {id, type, service, at, description}; id defaults to a new one, at to now.",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"oneOf": [
              {"$ref": "#/components/schemas/Change"}, {"type": "array", "items": {"$ref": "#/components/schemas/Change"}}
            ]}}}},
            "responses": {
              "200": {"description": "The changes recorded.", "content": {"application/json": {"schema": {
                "type": "object", "required": ["recorded"], "properties": {"recorded": {"type": "integer"}}
              }}}},
              "default": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/api/vane/v1/ops/summary": {
          "get": {
            "operationId": "getOpsSummary",
            "summary": "What on-call teams are judged by: alerts received, alerts per incident, incidents open, MTTD, MTTR, the share closed as noise.",
            "responses": {
              "200": {"description": "The summary.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/OpsSummary"}}}},
              "default": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/api/vane/v1/alerts/history": {
          "get": {
            "operationId": "alertHistory",
            "summary": "Alert episodes (what fired, from when, until when) that overlap a window, resolved or not, by start.",
            "parameters": [
              {"name": "since", "in": "query", "required": false, "schema": {"type": "string"}, "description": "An RFC 3339 time or a duration back from now; default 24h."},
              {"name": "until", "in": "query", "required": false, "schema": {"type": "string"}, "description": "An RFC 3339 time or a duration back from now; default now."},
              {"name": "filter", "in": "query", "required": false, "schema": {"type": "string"}, "description": "A matcher (repeatable), as for /api/v2/alerts."},
              {"name": "limit", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1, "maximum": 100000, "default": 1000}}
            ],
            "responses": {
              "200": {"description": "The episodes.", "content": {"application/json": {"schema": {
                "type": "object", "required": ["episodes"], "properties": {"episodes": {"type": "array", "items": {"type": "object", "properties": {
                  "fingerprint": {"type": "string"}, "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                  "starts_at": {"type": "string", "format": "date-time"}, "ends_at": {"type": "string", "format": "date-time"},
                  "duration_seconds": {"type": "number"}}}}}
              }}}},
              "default": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/api/vane/v1/silences/until-resolved": {
          "post": {
            "operationId": "silenceUntilResolved",
            "summary": "Mute until resolved: {\"matchers\": [Alertmanager matchers], \"createdBy\", \"comment\"} makes a silence that expires by itself once none of the alerts it matches fires (at most 30 days).",
            "responses": {
              "200": {"description": "The silence.", "content": {"application/json": {"schema": {
                "type": "object", "required": ["silenceID"], "properties": {"silenceID": {"type": "string"}}
              }}}},
              "default": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/api/vane/v1/alertmanager/webhook": {
          "post": {
            "operationId": "receiveAlertmanagerWebhook",
            "summary": "Takes an existing Alertmanager's webhook message (version 4): its alerts enter Vane as if posted to /api/v2/alerts (firing ones without an end, resolved ones with theirs).",
            "responses": {
              "200": {"description": "Taken.", "content": {"application/json": {"schema": {
                "type": "object", "required": ["received"], "properties": {"received": {"type": "integer"}}
              }}}},
              "default": {"$ref": "#/components/responses/Error"}
            }
          }
        }
    """#

    static let opsSchemas = #"""

          "Incident": {
            "type": "object",
            "required": ["id", "state", "opened_at", "alerts", "services", "hosts"],
            "properties": {
              "id": {"type": "string"},
              "state": {"type": "string", "enum": ["open", "acknowledged", "resolved"]},
              "opened_at": {"type": "string", "format": "date-time"},
              "resolved_at": {"type": "string", "format": "date-time"},
              "first_alert_at": {"type": "string", "format": "date-time"},
              "noise": {"type": "boolean"},
              "alerts": {"type": "array", "items": {"type": "object", "properties": {"fingerprint": {"type": "string"}, "labels": {"type": "object", "additionalProperties": {"type": "string"}}}}},
              "services": {"type": "array", "items": {"type": "string"}},
              "hosts": {"type": "array", "items": {"type": "string"}},
              "root_causes": {"type": "array", "items": {"type": "object", "required": ["kind", "name", "score", "evidence"], "properties": {
                "kind": {"type": "string", "enum": ["service", "host", "change"]}, "name": {"type": "string"}, "score": {"type": "number"},
                "evidence": {"type": "array", "items": {"type": "string"}}}}},
              "timeline": {"type": "array", "items": {"type": "object", "required": ["at", "kind", "by"], "properties": {
                "at": {"type": "string", "format": "date-time"}, "kind": {"type": "string"}, "detail": {"type": "string"}, "by": {"type": "string"}}}}
            }
          },
          "Change": {
            "type": "object",
            "required": ["type", "service"],
            "properties": {
              "id": {"type": "string"}, "type": {"type": "string", "examples": ["deploy", "config", "feature_flag"]},
              "service": {"type": "string"}, "at": {"type": "string", "format": "date-time"}, "description": {"type": "string"}
            }
          },
          "OpsSummary": {
            "type": "object",
            "properties": {
              "alerts_received": {"type": "integer"}, "incidents": {"type": "integer"}, "incidents_open": {"type": "integer"},
              "alerts_per_incident": {"type": "number"}, "mttd_seconds": {"type": "number"}, "mttr_seconds": {"type": "number"},
              "noise_share": {"type": "number"}
            }
          },
    """#
}
