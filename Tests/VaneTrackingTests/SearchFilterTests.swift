import Testing
import VaneCore
import VaneTracking

/// Runs `body` and returns the VaneError it throws, if any.
private func thrown(_ body: () throws(VaneError) -> Void) -> VaneError? {
    do {
        try body()
        return nil
    } catch {
        return error
    }
}

private func expectInvalid(_ filter: String, _ parse: (String) throws(VaneError) -> SearchFilter = SearchFilter.runs,
                           containing fragment: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
    let error = thrown { () throws(VaneError) in _ = try parse(filter) }
    #expect(error?.code == .invalidParameter, "expected INVALID_PARAMETER_VALUE for \(filter)", sourceLocation: sourceLocation)
    if let fragment, let error {
        #expect(error.message.contains(fragment), "\(error.message) should contain \(fragment)", sourceLocation: sourceLocation)
    }
}

private func clause(_ filter: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> SearchClause {
    let parsed = try SearchFilter.runs(filter)
    try #require(parsed.clauses.count == 1, sourceLocation: sourceLocation)
    return parsed.clauses[0]
}

@Suite("Search filter grammar: runs")
struct RunFilterGrammarTests {
    @Test("empty, nil and blank filters have no clauses", arguments: [nil, "", "   ", "\n\t"] as [String?])
    func emptyFilters(_ filter: String?) throws {
        #expect(try SearchFilter.runs(filter).clauses.isEmpty)
    }

    @Test("every entity prefix and alias", arguments: [
        ("metrics.acc > 1", SearchEntity.metric), ("metric.acc > 1", .metric),
        ("params.acc = 'x'", .param), ("param.acc = 'x'", .param),
        ("parameters.acc = 'x'", .param), ("parameter.acc = 'x'", .param),
        ("tags.acc = 'x'", .tag), ("tag.acc = 'x'", .tag),
        ("attributes.status = 'x'", .attribute), ("attribute.status = 'x'", .attribute),
        ("attr.status = 'x'", .attribute), ("run.status = 'x'", .attribute), ("status = 'x'", .attribute),
        ("datasets.name = 'x'", .dataset), ("dataset.name = 'x'", .dataset),
        ("`metrics`.acc > 1", .metric),
    ])
    func prefixes(_ filter: String, _ entity: SearchEntity) throws {
        #expect(try clause(filter).key.entity == entity)
    }

    @Test("prefixes are case-sensitive and must be known", arguments: ["METRICS.x > 1", "Params.p = 'a'", "foo.x = 'a'", "\"metrics\".x > 1", "datasets.source = 'a'"])
    func unknownPrefixes(_ filter: String) {
        expectInvalid(filter)
    }

    @Test("attribute keys and their aliases", arguments: [
        ("attributes.run_id = 'a'", "run_id"), ("run_name = 'a'", "run_name"), ("user_id = 'a'", "user_id"),
        ("status = 'a'", "status"), ("artifact_uri = 'a'", "artifact_uri"), ("start_time > 1", "start_time"),
        ("end_time > 1", "end_time"), ("created > 1", "start_time"), ("Created > 1", "start_time"),
        ("attributes.created > 1", "start_time"), ("`Run name` = 'a'", "run_name"), ("\"run name\" = 'a'", "run_name"),
        ("attributes.`Run Name` = 'a'", "run_name"),
    ])
    func attributeAliases(_ filter: String, _ key: String) throws {
        #expect(try clause(filter).key == SearchKey(entity: .attribute, key: key))
    }

    @Test("unsearchable attributes", arguments: ["lifecycle_stage = 'active'", "experiment_id = '1'", "attributes.name = 'a'", "foo = 'a'", "attributes.run_uuid = 'a'"])
    func unknownAttributes(_ filter: String) {
        expectInvalid(filter, containing: "Invalid attribute key")
    }

    @Test("quoted and dotted keys", arguments: [
        ("metrics.`my metric` > 1", "my metric"), ("metrics.\"my metric\" > 1", "my metric"),
        ("params.a.b = 'x'", "a.b"), ("tags.`mlflow.runName` = 'x'", "mlflow.runName"),
        ("tags.\"mlflow.user\" = 'x'", "mlflow.user"), ("params.`a-b` = 'x'", "a-b"), ("params.lr_1 = 'x'", "lr_1"),
        ("metrics.élan > 1", "élan"),
    ])
    func quotedKeys(_ filter: String, _ key: String) throws {
        #expect(try clause(filter).key.key == key)
    }

    @Test("string values: single or double quotes, inside kept as written")
    func stringValues() throws {
        #expect(try clause("params.p = 'a b'").value == .string("a b"))
        #expect(try clause("params.p = \"a b\"").value == .string("a b"))
        #expect(try clause("params.p = ''").value == .string(""))
        #expect(try clause("params.p = 'it''s'").value == .string("it''s"))
        #expect(try clause("tags.t = 'a=b AND c'").value == .string("a=b AND c"))
        #expect(try clause("tags.t = 'x' ").comparator == .equal)
    }

    @Test("numeric values", arguments: [("1", 1.0), ("-1", -1.0), ("1.5", 1.5), (".5", 0.5), ("-.5", -0.5), ("1e3", 1000.0), ("-2.5E-2", -0.025), ("2.", 2.0)])
    func numbers(_ text: String, _ value: Double) throws {
        #expect(try clause("metrics.m > \(text)").value == .number(value))
    }

    @Test("metric comparators", arguments: ["=", "!=", "<", "<=", ">", ">="])
    func metricComparators(_ op: String) throws {
        let c = try clause("metrics.m \(op) 0.5")
        #expect(c.comparator.rawValue == op)
        #expect(c.value == .number(0.5))
    }

    @Test("invalid metric comparators", arguments: ["metrics.m LIKE 1", "metrics.m ILIKE 1", "metrics.m IN ('a')", "metrics.m IS NULL", "metrics.m IS NOT NULL", "metrics.m == 1", "metrics.m <> 1", "metrics.m >>> 1", "metrics.m NOT IN ('a')"])
    func invalidMetricComparators(_ filter: String) {
        expectInvalid(filter)
    }

    @Test("metric values must be numbers", arguments: ["metrics.m > '1'", "metrics.m > \"1\"", "metrics.m > abc", "metrics.m = 'x'"])
    func metricValues(_ filter: String) {
        expectInvalid(filter, containing: "Expected numeric value type for metric")
    }

    @Test("param and tag comparators", arguments: ["params", "tags"], ["=", "!=", "LIKE", "ILIKE", "like", "Ilike"])
    func stringComparators(_ entity: String, _ op: String) throws {
        let c = try clause("\(entity).k \(op) 'v%'")
        #expect(c.comparator.rawValue == op.uppercased())
        #expect(c.value == .string("v%"))
    }

    @Test("IS NULL and IS NOT NULL on params and tags", arguments: ["params", "tags"])
    func nullChecks(_ entity: String) throws {
        #expect(try clause("\(entity).k IS NULL").comparator == .isNull)
        #expect(try clause("\(entity).k is not null").comparator == .isNotNull)
        #expect(try clause("\(entity).k IS NULL").value == .none)
    }

    @Test("invalid param and tag comparators", arguments: ["params.p > 'a'", "params.p <= 'a'", "tags.t < 'a'", "tags.t >= 'a'", "tags.t NOT LIKE 'a'", "params.p IN ('a')", "tags.t NOT IN ('a')", "params.p RLIKE 'a'", "tags.t IS 'a'"])
    func invalidStringComparators(_ filter: String) {
        expectInvalid(filter)
    }

    @Test("param and tag values must be quoted strings", arguments: ["params.p = 1", "params.p = abc", "tags.t = `abc`", "tags.t LIKE 2"])
    func paramValues(_ filter: String) {
        expectInvalid(filter)
    }

    @Test("string attribute comparators", arguments: ["=", "!=", "LIKE", "ILIKE"])
    func stringAttributeComparators(_ op: String) throws {
        #expect(try clause("attributes.status \(op) 'FINISHED'").comparator.rawValue == op)
    }

    @Test("invalid string attribute comparisons", arguments: ["status < 'a'", "status > 'a'", "status IN ('a')", "user_id NOT IN ('a')", "status = 1", "status = FINISHED", "run_name IS NULL"])
    func invalidStringAttributes(_ filter: String) {
        expectInvalid(filter)
    }

    @Test("numeric attributes", arguments: ["=", "!=", "<", "<=", ">", ">="])
    func numericAttributes(_ op: String) throws {
        #expect(try clause("attributes.start_time \(op) 1700000000000") == SearchClause(key: SearchKey(entity: .attribute, key: "start_time"), comparator: SearchComparator(rawValue: op)!, value: .number(1_700_000_000_000)))
        #expect(try clause("end_time \(op) 5").key.key == "end_time")
    }

    @Test("invalid numeric attribute comparisons", arguments: ["start_time LIKE 1", "start_time = '5'", "end_time IN ('5')", "created = abc", "start_time IS NULL"])
    func invalidNumericAttributes(_ filter: String) {
        expectInvalid(filter)
    }

    @Test("run_id IN and NOT IN lists")
    func runIDLists() throws {
        #expect(try clause("attributes.run_id IN ('abc', \"def\")") == SearchClause(key: SearchKey(entity: .attribute, key: "run_id"), comparator: .in, value: .list(["abc", "def"])))
        #expect(try clause("run_id NOT IN ('abc')").comparator == .notIn)
        #expect(try clause("run_id not in ('abc',)").value == .list(["abc"]))
        #expect(try clause("run_id in('a1')").value == .list(["a1"]))
        // MLflow drops ids that are not lower-case (str.islower()).
        #expect(try clause("run_id IN ('ABC', 'abc', '123', 'a1B')").value == .list(["abc"]))
        #expect(try clause("run_id = 'abc'").value == .string("abc"))
    }

    @Test("malformed lists", arguments: ["run_id IN ()", "run_id IN ('a', 1)", "run_id IN (1)", "run_id IN ('a'", "run_id IN ('a' 'b')", "run_id IN 'a'", "run_id IN ('a',,'b')", "run_id IN (,)", "run_id = ('a')"])
    func malformedLists(_ filter: String) {
        expectInvalid(filter)
    }

    @Test("empty list message")
    func emptyListMessage() {
        expectInvalid("run_id IN ()", containing: "expected a non-empty list of string values, but got empty list")
    }

    @Test("dataset keys and comparators", arguments: ["=", "!=", "LIKE", "ILIKE"], ["name", "digest", "context"])
    func datasets(_ op: String, _ key: String) throws {
        #expect(try clause("datasets.\(key) \(op) 'x'") == SearchClause(key: SearchKey(entity: .dataset, key: key), comparator: SearchComparator(rawValue: op)!, value: .string("x")))
    }

    @Test("dataset lists")
    func datasetLists() throws {
        #expect(try clause("datasets.name IN ('train', 'eval')").value == .list(["train", "eval"]))
        #expect(try clause("datasets.digest NOT IN ('abc')").comparator == .notIn)
    }

    @Test("invalid dataset comparisons", arguments: ["datasets.name > 'x'", "datasets.name = 1", "datasets.profile = 'x'", "datasets.name IS NULL"])
    func invalidDatasets(_ filter: String) {
        expectInvalid(filter)
    }

    @Test("AND joins clauses, in any case")
    func andClauses() throws {
        let f = try SearchFilter.runs("metrics.a > 1 AND params.b = 'x' and tags.c != 'y' And attributes.status = 'FINISHED'")
        #expect(f.clauses.map(\.key.entity) == [.metric, .param, .tag, .attribute])
        #expect(f.clauses[2] == SearchClause(key: SearchKey(entity: .tag, key: "c"), comparator: .notEqual, value: .string("y")))
        #expect(try SearchFilter.runs("metrics.a>1 AND metrics.b<=2").clauses.count == 2)
        #expect(try SearchFilter.runs("params.a = 'x AND y'").clauses.count == 1)
    }

    @Test("malformed filters", arguments: [
        "metrics.x >>> 1", "metrics.x >", "metrics.x", "metrics.x 1", "params.p = 'abc", "params.p = \"abc", "metrics.`x > 1",
        "metrics.x > 1 OR metrics.y < 2", "metrics.x > 1 or metrics.y < 2", "metrics.x > 1 AND", "AND metrics.x > 1",
        "metrics.x > 1 AND AND metrics.y < 2", "metrics.x > 1 metrics.y < 2", "(metrics.x > 1)", "metrics.x > 1; metrics.y < 2",
        "NOT metrics.x > 1", "metrics.x > 1abc", "metrics. x > 1", "metrics.x > -", "= 1", "'a' = params.p", "metrics.x > 1)",
        "params.p = 'a' params.q = 'b'", "metrics.x BETWEEN 1 AND 2", "metrics.x > 1 # comment",
    ])
    func malformed(_ filter: String) {
        expectInvalid(filter)
    }

    @Test("error messages follow MLflow's")
    func messages() {
        expectInvalid("metrics.x > 1 OR metrics.y < 2", containing: "Invalid clause(s) in filter string")
        expectInvalid("metrics.x >>> 1", containing: "Invalid comparator '>>>' not one of")
        expectInvalid("params.p > 'a'", containing: "Invalid comparator '>' not one of")
        expectInvalid("metrics.x > 'a'", containing: "Expected numeric value type for metric. Found 'a'")
        expectInvalid("params.p = abc", containing: "Parameter value is either not quoted or unidentified quote types")
        expectInvalid("foo.x = 'a'", containing: "Invalid entity type 'foo'")
        expectInvalid("attributes.status IN ('a')", containing: "Only the 'run_id' attribute supports comparison with a list")
        expectInvalid("params.p = 1", containing: "Expected a quoted string value for parameter")
        expectInvalid("metrics.x > 1; metrics.y < 2", containing: "Search filter contained multiple expression")
        expectInvalid("start_time > 'a'", containing: "Expected numeric value type for numeric attribute: start_time")
    }
}

@Suite("Search filter grammar: experiments and model registry")
struct OtherFilterGrammarTests {
    @Test("experiment filters")
    func experiments() throws {
        let f = try SearchFilter.experiments("name LIKE 'exp%' AND attribute.creation_time > 5 AND attributes.last_update_time <= 9 AND tags.team = 'a' AND tag.`x y` ILIKE '%b'")
        #expect(f.clauses == [
            SearchClause(key: SearchKey(entity: .attribute, key: "name"), comparator: .like, value: .string("exp%")),
            SearchClause(key: SearchKey(entity: .attribute, key: "creation_time"), comparator: .greater, value: .number(5)),
            SearchClause(key: SearchKey(entity: .attribute, key: "last_update_time"), comparator: .lessOrEqual, value: .number(9)),
            SearchClause(key: SearchKey(entity: .tag, key: "team"), comparator: .equal, value: .string("a")),
            SearchClause(key: SearchKey(entity: .tag, key: "x y"), comparator: .ilike, value: .string("%b")),
        ])
        #expect(try SearchFilter.experiments("tags.team IS NULL").clauses[0].comparator == .isNull)
        #expect(try SearchFilter.experiments("tags.team IS NOT NULL").clauses[0].comparator == .isNotNull)
        #expect(try SearchFilter.experiments(nil).clauses.isEmpty)
    }

    @Test("invalid experiment filters", arguments: [
        "metrics.x > 1", "params.p = 'a'", "run.name = 'a'", "run_id = 'a'", "experiment_id = 1", "name IN ('a')",
        "name NOT IN ('a')", "name < 'a'", "creation_time LIKE 1", "creation_time = 'a'", "name = 1", "tags.t > 'a'",
        "name IS NULL", "name = 'a' OR name = 'b'", "datasets.name = 'a'",
    ])
    func invalidExperiments(_ filter: String) {
        expectInvalid(filter, SearchFilter.experiments)
    }

    @Test("registered model filters")
    func registeredModels() throws {
        let f = try SearchFilter.registeredModels("name ILIKE '%bert%' AND tags.`mlflow.prompt.is_prompt` != 'true' AND attribute.name != 'x'")
        #expect(f.clauses.map(\.comparator) == [.ilike, .notEqual, .notEqual])
        #expect(f.clauses[1].key == SearchKey(entity: .tag, key: "mlflow.prompt.is_prompt"))
    }

    @Test("invalid registered model filters", arguments: [
        "name IN ('a')", "name > 'a'", "name = 1", "version_number = 1", "run_id = 'a'", "metrics.x > 1",
        "tags.t IS NULL", "tags.t < 'a'", "creation_timestamp > 1", "name = a",
    ])
    func invalidRegisteredModels(_ filter: String) {
        expectInvalid(filter, SearchFilter.registeredModels)
    }

    @Test("model version filters")
    func modelVersions() throws {
        let f = try SearchFilter.modelVersions("name = 'm' AND run_id IN ('abc', 'def') AND source_path LIKE 's3://%' AND version_number >= 2 AND tags.stage = 'prod'")
        #expect(f.clauses.map(\.key.key) == ["name", "run_id", "source_path", "version_number", "stage"])
        #expect(f.clauses[1].value == .list(["abc", "def"]))
        #expect(f.clauses[3] == SearchClause(key: SearchKey(entity: .attribute, key: "version_number"), comparator: .greaterOrEqual, value: .number(2)))
        #expect(try SearchFilter.modelVersions("version_number = '3'").clauses[0].value == .number(3))
        #expect(try SearchFilter.modelVersions("run_id = 'abc'").clauses[0].comparator == .equal)
    }

    @Test("logged model filters")
    func loggedModels() throws {
        let f = try SearchFilter.loggedModels("name = 'model' AND attributes.model_id IN ('m-1', 'm-2') AND status != 'FAILED' AND source_run_id = 'abc' AND creation_time > 5 AND metrics.acc >= 0.9 AND params.lr = '0.1' AND tags.t LIKE 'x%'")
        #expect(f.clauses.map(\.key) == [
            SearchKey(entity: .attribute, key: "name"), SearchKey(entity: .attribute, key: "model_id"),
            SearchKey(entity: .attribute, key: "status"), SearchKey(entity: .attribute, key: "source_run_id"),
            SearchKey(entity: .attribute, key: "creation_timestamp"), SearchKey(entity: .metric, key: "acc"),
            SearchKey(entity: .param, key: "lr"), SearchKey(entity: .tag, key: "t"),
        ])
        #expect(f.clauses[1].value == .list(["m-1", "m-2"]))
        #expect(try SearchFilter.loggedModels("model_type NOT IN ('agent')").clauses[0].comparator == .notIn)
        #expect(try SearchFilter.loggedModels("last_updated_time <= 7").clauses[0].key.key == "last_updated_timestamp")
    }

    @Test("invalid logged model filters", arguments: [
        "run_id = 'a'", "run_name = 'a'", "datasets.name = 'a'", "name > 'a'", "creation_timestamp = 'a'",
        "name = 1", "metrics.m = 'a'", "tags.t IN ('a')", "experiment_id = 1",
    ])
    func invalidLoggedModels(_ filter: String) {
        expectInvalid(filter, SearchFilter.loggedModels)
    }

    @Test("invalid model version filters", arguments: [
        "run_id NOT IN ('a')", "name IN ('a')", "source_path IN ('a')", "name = 1", "version_number LIKE 1",
        "version_number = 'x'", "metrics.x > 1", "params.p = 'a'", "tags.t IS NULL", "current_stage = 'Production'",
    ])
    func invalidModelVersions(_ filter: String) {
        expectInvalid(filter, SearchFilter.modelVersions)
    }
}

@Suite("order_by grammar")
struct OrderByGrammarTests {
    private func key(_ entity: SearchEntity, _ key: String) -> SearchKey { SearchKey(entity: entity, key: key) }

    @Test("runs order_by items")
    func runs() throws {
        let o = try SearchOrderBy.runs([
            "metrics.acc DESC", "params.lr asc", "tags.`my tag`", "attributes.start_time ASC", "run_name",
            "metric.`a b` desc", "attr.end_time", "run.status DESC", "run_id", "user_id", "artifact_uri",
        ])
        #expect(o == [
            OrderByClause(key: key(.metric, "acc"), ascending: false),
            OrderByClause(key: key(.param, "lr"), ascending: true),
            OrderByClause(key: key(.tag, "my tag"), ascending: true),
            OrderByClause(key: key(.attribute, "start_time"), ascending: true),
            OrderByClause(key: key(.attribute, "run_name"), ascending: true),
            OrderByClause(key: key(.metric, "a b"), ascending: false),
            OrderByClause(key: key(.attribute, "end_time"), ascending: true),
            OrderByClause(key: key(.attribute, "status"), ascending: false),
            OrderByClause(key: key(.attribute, "run_id"), ascending: true),
            OrderByClause(key: key(.attribute, "user_id"), ascending: true),
            OrderByClause(key: key(.attribute, "artifact_uri"), ascending: true),
        ])
        #expect(try SearchOrderBy.runs(["created DESC"]) == [OrderByClause(key: key(.attribute, "start_time"), ascending: false)])
        #expect(try SearchOrderBy.runs(["Created"]) == [OrderByClause(key: key(.attribute, "start_time"), ascending: true)])
        #expect(try SearchOrderBy.runs(["params.\"a.b\" DESC"]) == [OrderByClause(key: key(.param, "a.b"), ascending: false)])
        #expect(try SearchOrderBy.runs([]).isEmpty)
    }

    @Test("invalid runs order_by items", arguments: [
        "metrics.acc DESCENDING", "metrics.acc DESC extra", "", "   ", "datasets.name", "datasets.foo", "lifecycle_stage",
        "experiment_id", "`Run name`", "foo.bar", "metrics.acc > 1", "metrics.", "'metrics.acc'", "metrics.acc, params.b",
    ])
    func invalidRuns(_ item: String) {
        let error = thrown { () throws(VaneError) in _ = try SearchOrderBy.runs([item]) }
        #expect(error?.code == .invalidParameter)
    }

    @Test("duplicate order_by keys are rejected, aliases included")
    func duplicates() {
        for items in [["start_time", "created DESC"], ["metrics.a", "metric.a DESC"], ["params.p", "param.p"]] {
            let error = thrown { () throws(VaneError) in _ = try SearchOrderBy.runs(items) }
            #expect(error?.code == .invalidParameter)
            #expect(error?.message.contains("duplicate") == true)
        }
        #expect(throws: Never.self) { try SearchOrderBy.runs(["metrics.a", "params.a", "tags.a"]) }
    }

    @Test("experiment order_by")
    func experiments() throws {
        #expect(try SearchOrderBy.experiments(["name", "experiment_id DESC", "attribute.creation_time asc", "last_update_time"]) == [
            OrderByClause(key: key(.attribute, "name"), ascending: true),
            OrderByClause(key: key(.attribute, "experiment_id"), ascending: false),
            OrderByClause(key: key(.attribute, "creation_time"), ascending: true),
            OrderByClause(key: key(.attribute, "last_update_time"), ascending: true),
        ])
        for item in ["tags.x", "run_id", "metrics.m", "name UP"] {
            #expect(thrown { () throws(VaneError) in _ = try SearchOrderBy.experiments([item]) }?.code == .invalidParameter)
        }
    }

    @Test("registered model and model version order_by")
    func registry() throws {
        #expect(try SearchOrderBy.registeredModels(["timestamp DESC", "name"]) == [
            OrderByClause(key: key(.attribute, "last_updated_timestamp"), ascending: false),
            OrderByClause(key: key(.attribute, "name"), ascending: true),
        ])
        #expect(try SearchOrderBy.registeredModels(["creation_timestamp"]).first?.key.key == "creation_timestamp")
        #expect(thrown { () throws(VaneError) in _ = try SearchOrderBy.registeredModels(["timestamp", "last_updated_timestamp"]) }?.code == .invalidParameter)
        #expect(try SearchOrderBy.modelVersions(["version_number DESC", "name", "creation_timestamp", "last_updated_timestamp"]).map(\.key.key)
                == ["version_number", "name", "creation_timestamp", "last_updated_timestamp"])
        for item in ["run_id", "tags.x", "version_number DOWN"] {
            #expect(thrown { () throws(VaneError) in _ = try SearchOrderBy.modelVersions([item]) }?.code == .invalidParameter)
        }
        #expect(thrown { () throws(VaneError) in _ = try SearchOrderBy.registeredModels(["version_number"]) }?.code == .invalidParameter)
    }
}
