import VaneCore

/// Whether an entity is live or soft-deleted (MLflow's `lifecycle_stage`).
public enum LifecycleStage: String, Sendable, Codable {
    case active
    case deleted
}

/// Which lifecycle stages a search covers (MLflow's `ViewType`).
public enum ViewType: String, Sendable {
    case activeOnly = "ACTIVE_ONLY"
    case deletedOnly = "DELETED_ONLY"
    case all = "ALL"

    /// The lifecycle stages this view selects.
    public var stages: [String] {
        switch self {
        case .activeOnly: ["active"]
        case .deletedOnly: ["deleted"]
        case .all: ["active", "deleted"]
        }
    }

    /// Parses MLflow's names and numeric enum values (1, 2, 3).
    public init(parsing text: String?) throws(VaneError) {
        guard let text, !text.isEmpty else { self = .activeOnly; return }
        switch text.uppercased() {
        case "ACTIVE_ONLY", "1": self = .activeOnly
        case "DELETED_ONLY", "2": self = .deletedOnly
        case "ALL", "3": self = .all
        default: throw VaneError.invalid("Invalid view type '\(text)'")
        }
    }
}

/// A key/value tag on an experiment, run, model or version.
public struct Tag: Sendable, Equatable, Hashable {
    public var key: String
    public var value: String
    public init(key: String, value: String) { self.key = key; self.value = value }
}

/// A run parameter: logged once, immutable afterwards.
public typealias Param = Tag

/// An experiment: a named container of runs.
public struct Experiment: Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var artifactLocation: String
    public var lifecycleStage: LifecycleStage
    public var creationTime: EpochMillis?
    public var lastUpdateTime: EpochMillis?
    public var tags: [Tag]
}

/// One logged metric value.
public struct Metric: Sendable, Equatable {
    public var key: String
    public var value: Double
    public var timestamp: EpochMillis
    public var step: Int64
    /// The run this value belongs to; set in bulk-interval history answers.
    public var runID: String?
    /// The logged model this value was logged against, if any.
    public var modelID: String?

    public init(key: String, value: Double, timestamp: EpochMillis, step: Int64, runID: String? = nil, modelID: String? = nil) {
        self.key = key; self.value = value; self.timestamp = timestamp; self.step = step
        self.runID = runID; self.modelID = modelID
    }

    public static func == (a: Metric, b: Metric) -> Bool {
        a.key == b.key && a.timestamp == b.timestamp && a.step == b.step && a.runID == b.runID
            && a.modelID == b.modelID && (a.value == b.value || (a.value.isNaN && b.value.isNaN))
    }
}

/// The status of a run.
public enum RunStatus: String, Sendable, CaseIterable {
    case running = "RUNNING"
    case scheduled = "SCHEDULED"
    case finished = "FINISHED"
    case failed = "FAILED"
    case killed = "KILLED"

    /// Parses MLflow's names and numeric enum values (1…5).
    public init(parsing text: String) throws(VaneError) {
        if let s = RunStatus(rawValue: text.uppercased()) { self = s; return }
        switch text {
        case "1": self = .running
        case "2": self = .scheduled
        case "3": self = .finished
        case "4": self = .failed
        case "5": self = .killed
        default: throw VaneError.invalid("Invalid run status '\(text)'")
        }
    }
}

/// Metadata of a run.
public struct RunInfo: Sendable, Equatable {
    public var runID: String
    public var experimentID: Int64
    public var runName: String
    public var userID: String
    public var status: RunStatus
    public var startTime: EpochMillis?
    public var endTime: EpochMillis?
    public var artifactURI: String
    public var lifecycleStage: LifecycleStage
}

/// A dataset logged as a run input.
public struct Dataset: Sendable, Equatable {
    public var name: String
    public var digest: String
    public var sourceType: String
    public var source: String
    public var schema: String?
    public var profile: String?
    public init(name: String, digest: String, sourceType: String, source: String, schema: String?, profile: String?) {
        self.name = name; self.digest = digest; self.sourceType = sourceType; self.source = source
        self.schema = schema; self.profile = profile
    }
}

/// A dataset together with the tags of its use in one run (e.g. `mlflow.data.context`).
public struct DatasetInput: Sendable, Equatable {
    public var dataset: Dataset
    public var tags: [Tag]
    public init(dataset: Dataset, tags: [Tag]) { self.dataset = dataset; self.tags = tags }
}

/// A logged model recorded as a run output.
public struct ModelOutput: Sendable, Equatable {
    public var modelID: String
    public var step: Int64
    public init(modelID: String, step: Int64) { self.modelID = modelID; self.step = step }
}

/// A run with its latest metrics, params, tags, inputs and outputs.
public struct Run: Sendable, Equatable {
    public var info: RunInfo
    public var metrics: [Metric]
    public var params: [Param]
    public var tags: [Tag]
    public var inputs: [DatasetInput]
    public var outputs: [ModelOutput]
}

/// A page of results and the token of the next page, if any.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var nextPageToken: String?
    public init(items: [Item], nextPageToken: String?) { self.items = items; self.nextPageToken = nextPageToken }
}

/// The status of an MLflow 3 logged model.
public enum LoggedModelStatus: String, Sendable {
    case pending = "LOGGED_MODEL_PENDING"
    case ready = "LOGGED_MODEL_READY"
    case failed = "LOGGED_MODEL_UPLOAD_FAILED"

    /// Parses names and the numeric enum values (1…3).
    public init(parsing text: String) throws(VaneError) {
        if let s = LoggedModelStatus(rawValue: text.uppercased()) { self = s; return }
        switch text {
        case "1": self = .pending
        case "2": self = .ready
        case "3": self = .failed
        default: throw VaneError.invalid("Invalid logged model status '\(text)'")
        }
    }
}

/// An MLflow 3 logged model: a model artifact tree owned by an experiment, optionally by a run.
public struct LoggedModel: Sendable, Equatable {
    public var modelID: String
    public var experimentID: Int64
    public var name: String
    public var artifactLocation: String
    public var creationTimestamp: EpochMillis
    public var lastUpdatedTimestamp: EpochMillis
    public var status: LoggedModelStatus
    public var modelType: String?
    public var sourceRunID: String?
    public var tags: [Tag]
    public var params: [Param]
    public var metrics: [Metric]
}
