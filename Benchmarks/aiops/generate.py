#!/usr/bin/env python3
"""Seeded generator of alert-storm cases with ground truth, in the format `vane ops replay` reads
and ../shared/tools/score_incidents.py scores: a case folder holds graph.yaml (services, their
hosts, depends_on from caller to callee), events.jsonl (time-ordered `{"at", "kind": "alerts",
"alerts": [...]}` as Prometheus posts them, and `{"at", "kind": "change", "change": {...}}`), and
truth.json (true incidents with their root and alert fingerprints; noise fingerprints).

    Benchmarks/aiops/generate.py OUT_DIR [--cases 20] [--seed 1]

The model, written from how these storms look in production, not from any one sample:
- a layered service graph (edge → api → svc → data), each service on one to three of a pool of
  hosts, calling one to five services of lower layers;
- faults: a failing service (it alerts, then callers that depend on it alert, hop by hop, each
  with a probability and a delay); a failing host (a node alert without a service, the services
  with an instance on it, then their callers); a bad change (a deploy or config change on a
  service, then, 20 s to 2.5 min later, that service fails as above); faults may overlap in time;
- noise: warnings on random services that fire for under four minutes and resolve, up to six
  times (flapping), some with the same alert names faults use;
- changes that cause nothing, at random times on random services;
- Prometheus' delivery: a firing alert is re-sent every minute with endsAt = now + 4 min, a
  resolved one is sent with its end time and re-sent for 15 minutes; events are bucketed to 15 s.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import random
from pathlib import Path

DOMAINS = ["order", "pay", "user", "cart", "ship", "search", "auth", "mail", "chat", "geo", "fraud", "promo", "reco", "bill",
           "stock", "price", "media", "ads", "sess", "tax", "audit", "rank"]
ROOT_ALERTS = ["HighErrorRate", "PodCrashLooping", "SaturationHigh", "HighLatencyP99"]
CASCADE_ALERTS = [("UpstreamTimeouts", "warning"), ("HighLatencyP99", "warning"), ("HighErrorRate", "critical")]
HOST_ALERTS = ["NodeDiskFull", "NodeDown", "NodeMemoryPressure", "NodeNetworkErrors"]
NOISE_ALERTS = ["CertExpiringSoon", "DiskUsageHigh", "QueueBacklog", "HighLatencyP99", "UpstreamTimeouts", "HighErrorRate",
                "ConfigReloadFailed", "ClockSkew"]


def fingerprint(labels: dict) -> str:
    h = 14695981039346656037
    for k in sorted(labels):
        for b in k.encode() + b"\xff" + labels[k].encode() + b"\xff":
            h ^= b
            h = (h * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return "%016x" % h


def iso(t: float) -> str:
    d = dt.datetime.fromtimestamp(t, dt.timezone.utc)
    return d.strftime("%Y-%m-%dT%H:%M:%S.") + f"{d.microsecond // 1000:03d}Z"


def make_graph(rng: random.Random):
    sizes = [rng.randint(2, 5), rng.randint(4, 10), rng.randint(8, 24), rng.randint(3, 8)]
    tiers = ["edge", "api", "svc", "data"]
    hosts = [f"node-{i:02d}" for i in range(rng.randint(6, 14))]
    services, layers, n = [], [], 0
    for tier, size in zip(tiers, sizes):
        layer = []
        for _ in range(size):
            name = f"{rng.choice(DOMAINS)}-{tier}-{n}"
            n += 1
            layer.append(name)
        layers.append(layer)
    for i, layer in enumerate(layers):
        for name in layer:
            lower = [s for l in layers[i + 1:] for s in l]
            deps = sorted(rng.sample(lower, min(len(lower), rng.randint(1, 5)))) if lower else []
            services.append({"name": name, "hosts": sorted(rng.sample(hosts, rng.randint(1, 3))), "depends_on": deps})
    return services, hosts


class Stream:
    """Alerts with their firing intervals; rendered as Prometheus deliveries. A label set belongs
    to one incident (or to the noise): a fault that would fire one already used fires nothing."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.episodes: list[tuple[dict, float, float]] = []  # labels, start, end
        self.changes: list[tuple[float, dict]] = []
        self.owner: dict[str, str] = {}

    def fire(self, labels: dict, start: float, end: float, owner: str) -> bool:
        f = fingerprint(labels)
        if self.owner.setdefault(f, owner) != owner:
            return False
        self.episodes.append((labels, start, end))
        return True

    def render(self, t0: float, t1: float) -> list[dict]:
        deliveries: dict[float, list[dict]] = {}
        for labels, start, end in self.episodes:
            # First delivery at the first evaluation after start, then every minute, then resolved.
            t = start + self.rng.uniform(0, 15)
            while t < end and t < t1:
                deliveries.setdefault(t, []).append({"labels": labels, "annotations": {"summary": f"{labels['alertname']} on {labels.get('service', labels['instance'])}"},
                                                     "startsAt": iso(start), "endsAt": iso(t + 240), "generatorURL": "http://prometheus:9090/graph?g0.expr=x"})
                t += 60
            if end < t1:
                r = end
                while r < min(end + 900, t1):
                    deliveries.setdefault(r, []).append({"labels": labels, "annotations": {"summary": f"{labels['alertname']} on {labels.get('service', labels['instance'])}"},
                                                         "startsAt": iso(start), "endsAt": iso(end), "generatorURL": "http://prometheus:9090/graph?g0.expr=x"})
                    r += 60
        events = []
        buckets: dict[float, list[dict]] = {}
        for t, alerts in deliveries.items():
            buckets.setdefault(t - (t % 15), []).extend(alerts)
        for t in sorted(buckets):
            events.append((t, {"at": iso(t), "kind": "alerts", "alerts": buckets[t]}))
        for t, change in self.changes:
            events.append((t, {"at": iso(t), "kind": "change", "change": change}))
        events.sort(key=lambda e: e[0])
        return [e for _, e in events]


def service_labels(rng, svc, alertname, severity, host=None):
    return {"alertname": alertname, "service": svc["name"], "namespace": "prod",
            "instance": f"{host or rng.choice(svc['hosts'])}:8080", "severity": severity}


def cascade(rng, stream, by_name, callers, roots: list[tuple[str, float]], duration: float, incident: set, owner: str):
    """Callers of failing services alert, hop by hop."""
    frontier = list(roots)
    seen = {r for r, _ in roots}
    depth = 0
    while frontier and depth < 4:
        nxt = []
        for name, t in frontier:
            for caller in callers.get(name, []):
                if caller in seen or rng.random() > 0.7:
                    continue
                seen.add(caller)
                tc = t + rng.uniform(15, 90)
                svc = by_name[caller]
                fired = False
                for alertname, severity in rng.sample(CASCADE_ALERTS, rng.randint(1, 2)):
                    labels = service_labels(rng, svc, alertname, severity)
                    if stream.fire(labels, tc + rng.uniform(0, 30), tc + duration * rng.uniform(0.7, 1.1), owner):
                        incident.add(fingerprint(labels))
                        fired = True
                if fired:
                    nxt.append((caller, tc))
        frontier = nxt
        depth += 1


def make_case(seed: int):
    rng = random.Random(seed)
    services, hosts = make_graph(rng)
    by_name = {s["name"]: s for s in services}
    callers: dict[str, list[str]] = {}
    for s in services:
        for d in s["depends_on"]:
            callers.setdefault(d, []).append(s["name"])
    t0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc).timestamp() + rng.randint(0, 86400 * 30)
    t1 = t0 + 3 * 3600
    stream = Stream(rng)
    truth = {"incidents": {}, "noise": []}
    n_faults = rng.randint(2, 5)
    # Faults mostly apart (at least 8 minutes), sometimes close together.
    slots: list[float] = []
    while len(slots) < n_faults:
        candidate = rng.uniform(t0 + 1200, t1 - 3000)
        if rng.random() < 0.15 or all(abs(candidate - other) >= 480 for other in slots):
            slots.append(candidate)
    slots.sort()
    for i, start in enumerate(slots):
        owner = f"inc-{i}"
        kind = rng.choices(["service", "host", "change"], weights=[0.45, 0.2, 0.35])[0]
        duration = rng.uniform(600, 2400)
        alerts: set[str] = set()
        if kind in ("service", "change"):
            # Faults start low in the graph more often (data and svc layers).
            candidates = [s for s in services if callers.get(s["name"])] or services
            svc = rng.choice(candidates)
            t = float(start)
            if kind == "change":
                cid = f"chg-{rng.randint(10_000_000, 99_999_999)}"
                ctype = rng.choice(["deploy", "deploy", "config", "feature_flag"])
                stream.changes.append((t, {"id": cid, "type": ctype, "service": svc["name"], "description": f"{ctype} on {svc['name']}"}))
                t += rng.uniform(20, 150)
                root = {"kind": "change", "name": cid}
            else:
                root = {"kind": "service", "name": svc["name"]}
            for alertname in rng.sample(ROOT_ALERTS, rng.randint(1, 2)):
                labels = service_labels(rng, svc, alertname, "critical")
                if stream.fire(labels, t + rng.uniform(0, 20), t + duration, owner):
                    alerts.add(fingerprint(labels))
            if not alerts:
                stream.changes = [c for c in stream.changes if c[1]["id"] != root["name"]]
                continue
            cascade(rng, stream, by_name, callers, [(svc["name"], t)], duration, alerts, owner)
        else:
            host = rng.choice(hosts)
            t = float(start)
            on_host = [s for s in services if host in s["hosts"]]
            if rng.random() < 0.8:
                labels = {"alertname": rng.choice(HOST_ALERTS), "instance": f"{host}:9100", "job": "node", "severity": "critical"}
                if stream.fire(labels, t, t + duration, owner):
                    alerts.add(fingerprint(labels))
            roots = []
            for svc in on_host:
                if rng.random() < 0.85:
                    ts = t + rng.uniform(20, 75)
                    labels = service_labels(rng, svc, rng.choice(["HighErrorRate", "HighLatencyP99"]), rng.choice(["critical", "warning"]), host=host)
                    if stream.fire(labels, ts, t + duration, owner):
                        alerts.add(fingerprint(labels))
                        roots.append((svc["name"], ts))
            if len(alerts) < 2:
                continue
            cascade(rng, stream, by_name, callers, roots, duration, alerts, owner)
            root = {"kind": "host", "name": host}
        truth["incidents"][f"inc-{i}"] = {"root": root, "alerts": sorted(alerts)}
    for _ in range(rng.randint(3, 10)):
        svc = rng.choice(services)
        labels = service_labels(rng, svc, rng.choice(NOISE_ALERTS), "warning")
        t = rng.uniform(t0, t1 - 1800)
        for _ in range(rng.randint(1, 6)):
            length = rng.uniform(30, 200)
            if not stream.fire(labels, t, t + length, "noise"):
                break
            t += length + rng.uniform(60, 300)
        if stream.owner.get(fingerprint(labels)) == "noise":
            truth["noise"].append(fingerprint(labels))
    for _ in range(rng.randint(3, 8)):
        svc = rng.choice(services)
        cid = f"chg-{rng.randint(10_000_000, 99_999_999)}"
        ctype = rng.choice(["deploy", "config", "feature_flag"])
        stream.changes.append((rng.uniform(t0, t1), {"id": cid, "type": ctype, "service": svc["name"], "description": f"{ctype} on {svc['name']}"}))
    truth["noise"] = sorted(set(truth["noise"]))
    return services, stream.render(t0, t1), truth


def write_graph(path: Path, services: list[dict]):
    lines = ["services:"]
    for s in services:
        lines.append(f"  - name: {s['name']}")
        lines.append(f"    hosts: [{', '.join(s['hosts'])}]")
        lines.append(f"    depends_on: [{', '.join(s['depends_on'])}]")
    path.write_text("\n".join(lines) + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out")
    parser.add_argument("--cases", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    out = Path(args.out)
    for i in range(args.cases):
        services, events, truth = make_case(args.seed * 100_000 + i)
        case = out / f"gen{i:03d}"
        case.mkdir(parents=True, exist_ok=True)
        write_graph(case / "graph.yaml", services)
        (case / "events.jsonl").write_text("".join(json.dumps(e) + "\n" for e in events))
        (case / "truth.json").write_text(json.dumps(truth, indent=1))
    print(f"generate.py: {args.cases} cases in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
