#!/usr/bin/env python3
"""Quality of `vane ops replay` on generated cases (Benchmarks/aiops/generate.py, seeded) and on
the public cases (Tests/Fixtures/aiops, copied from ../shared/fixtures/aiops), beside the naive
baseline the issue names: one incident per alertname, its most frequent service as the cause.

    Benchmarks/aiops/evaluate.py --vane PATH [--cases 50] [--seed 11] [--out FILE.md]

Measures (as ../shared/tools/score_incidents.py defines them): alert deliveries per incident
opened, incidents opened per true incident, adjusted Rand index of the grouping over the true
incidents' alerts (an alert in no incident is its own group), share of noise alerts kept out of
incidents, root cause top-1 and top-3 (the produced incident overlapping a true one most carries
the ranking).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))
import generate  # noqa: E402


def ari(pairs):
    def c2(n):
        return n * (n - 1) / 2
    n = len(pairs)
    if n < 2:
        return 1.0
    cont = Counter(pairs)
    a = Counter(t for t, _ in pairs)
    b = Counter(p for _, p in pairs)
    sij = sum(c2(v) for v in cont.values())
    sa = sum(c2(v) for v in a.values())
    sb = sum(c2(v) for v in b.values())
    exp = sa * sb / c2(n)
    mx = (sa + sb) / 2
    return 1.0 if mx == exp else (sij - exp) / (mx - exp)


def score(case: Path, result: dict) -> dict:
    truth = json.loads((case / "truth.json").read_text())
    deliveries = sum(len(json.loads(l)["alerts"]) for l in (case / "events.jsonl").read_text().splitlines() if '"kind": "alerts"' in l)
    pred = {}
    for inc in result["incidents"]:
        for f in inc["alerts"]:
            pred.setdefault(f, inc["id"])
    true_of = {f: i for i, inc in truth["incidents"].items() for f in inc["alerts"]}
    pairs = [(t, pred.get(f, "none:" + f)) for f, t in true_of.items()]
    top1 = top3 = 0
    for inc in truth["incidents"].values():
        best, overlap = None, 0
        for p in result["incidents"]:
            o = len(set(p["alerts"]) & set(inc["alerts"]))
            if o > overlap:
                best, overlap = p, o
        if best is None:
            continue
        ranked = [(r["kind"], r["name"]) for r in best["root_causes"]]
        want = (inc["root"]["kind"], inc["root"]["name"])
        top1 += ranked[:1] == [want]
        top3 += want in ranked[:3]
    return {"deliveries": deliveries, "opened": len(result["incidents"]), "true": len(truth["incidents"]), "ari": ari(pairs),
            "noise_out": sum(1 for f in truth["noise"] if f not in pred), "noise": len(truth["noise"]), "top1": top1, "top3": top3}


def baseline(case: Path) -> dict:
    """One incident per alertname over every alert; its most frequent service as the cause."""
    by_name: dict[str, dict] = {}
    for line in (case / "events.jsonl").read_text().splitlines():
        event = json.loads(line)
        if event["kind"] != "alerts":
            continue
        for alert in event["alerts"]:
            labels = alert["labels"]
            entry = by_name.setdefault(labels["alertname"], {"alerts": set(), "services": Counter()})
            entry["alerts"].add(generate.fingerprint(labels))
            if "service" in labels:
                entry["services"][labels["service"]] += 1
    incidents = []
    for name, entry in sorted(by_name.items()):
        causes = [{"kind": "service", "name": s} for s, _ in entry["services"].most_common(3)]
        incidents.append({"id": name, "alerts": sorted(entry["alerts"]), "root_causes": causes})
    return {"incidents": incidents}


def summarize(rows: list[dict]) -> dict:
    total = lambda k: sum(r[k] for r in rows)
    return {"cases": len(rows), "deliveries_per_incident": total("deliveries") / max(1, total("opened")),
            "incidents_per_true": total("opened") / max(1, total("true")), "ari": sum(r["ari"] for r in rows) / max(1, len(rows)),
            "noise_kept_out": total("noise_out") / max(1, total("noise")), "top1": total("top1") / max(1, total("true")),
            "top3": total("top3") / max(1, total("true")), "true": total("true")}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--vane", required=True)
    parser.add_argument("--cases", type=int, default=50)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--out", default=str(HERE / "results" / dt.datetime.utcnow().strftime("quality-%Y-%m-%dT%H%MZ.md")))
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="vane-aiops-"))
    generated = []
    for i in range(args.cases):
        services, events, truth = generate.make_case(args.seed * 100_000 + i)
        case = work / f"gen{i:03d}"
        case.mkdir()
        generate.write_graph(case / "graph.yaml", services)
        (case / "events.jsonl").write_text("".join(json.dumps(e) + "\n" for e in events))
        (case / "truth.json").write_text(json.dumps(truth))
        generated.append(case)
    public = sorted((REPO / "Tests/Fixtures/aiops").glob("case*"))
    results = {}
    for label, cases in [("generated", generated), ("public", public)]:
        vane_rows, base_rows, seconds = [], [], 0.0
        for case in cases:
            out = work / f"{label}-{case.name}.json"
            start = time.perf_counter()
            subprocess.run([args.vane, "ops", "replay", "--graph", str(case / "graph.yaml"), "--events", str(case / "events.jsonl"),
                            "--json", str(out)], check=True)
            seconds += time.perf_counter() - start
            vane_rows.append(score(case, json.loads(out.read_text())))
            base_rows.append(score(case, baseline(case)))
        results[label] = (summarize(vane_rows), summarize(base_rows), seconds)
    lines = [f"# Incident quality, {dt.datetime.utcnow().strftime('%Y-%m-%dT%H:%MZ')}", "",
             f"Command: `Benchmarks/aiops/evaluate.py --vane {args.vane} --cases {args.cases} --seed {args.seed}`", "",
             "| cases | engine | incidents | deliveries per incident | incidents per true incident | ARI | noise kept out | top-1 | top-3 | replay time |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for label, (vane, base, seconds) in results.items():
        for name, r, t in [("vane ops replay", vane, f"{seconds:.1f} s"), ("alertname baseline", base, "")]:
            lines.append(f"| {label} ({r['cases']}) | {name} | {r['true']} true | {r['deliveries_per_incident']:.1f} | {r['incidents_per_true']:.2f} | "
                         f"{r['ari']:.3f} | {100 * r['noise_kept_out']:.1f} % | {100 * r['top1']:.1f} % | {100 * r['top3']:.1f} % | {t} |")
    lines += ["", "Goals (issue 15): ARI ≥ 0.9, ≤ 1.2 incidents per true incident, ≥ 90 % of noise kept out, top-1 ≥ 80 %, top-3 ≥ 95 %."]
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
