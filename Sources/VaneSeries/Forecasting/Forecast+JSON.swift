import Foundation

extension Forecast {
    /// The forecast as JSON (`schema_version` 1): the model, its parameters, every forecast step
    /// with its interval, and the limit crossing. Times are RFC 3339 (UTC) with epoch seconds beside.
    public func jsonData(horizon: Double) throws -> Data {
        func time(_ t: Double?) -> Any { t.map(TimestampParser.rfc3339) ?? NSNull() }
        func epoch(_ t: Double?) -> Any { t ?? NSNull() }
        var object: [String: Any] = [
            "schema_version": 1,
            "model": model,
            "period_steps": fit.period ?? NSNull(),
            "period_seconds": fit.period.map { Double($0) * step } ?? NSNull(),
            "step_seconds": step,
            "horizon_seconds": horizon,
            "level": level,
            "parameters": ["alpha": fit.alpha, "beta": fit.beta, "gamma": fit.gamma, "sigma": fit.sigma],
            "observations": fit.count,
            "last_timestamp": TimestampParser.rfc3339(lastTimestamp),
            "points": points.map { p in
                ["timestamp": TimestampParser.rfc3339(p.timestamp), "epoch": p.timestamp,
                 "value": p.value, "lower": p.lower, "upper": p.upper] as [String: Any]
            },
        ]
        if let c = crossing {
            object["crossing"] = ["limit": c.limit, "direction": c.direction, "already_crossed": c.alreadyCrossed,
                                  "earliest": time(c.earliest), "likely": time(c.likely), "latest": time(c.latest),
                                  "earliest_epoch": epoch(c.earliest), "likely_epoch": epoch(c.likely), "latest_epoch": epoch(c.latest)]
        }
        return try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
    }
}
