#!/usr/bin/env python3
"""Helpers for Benchmarks/serving/run.sh (standard library only).

  serving.py bodies   --inputs X.inputs.json --out DIR [--rows 1000]
      writes DIR/rows1.json and DIR/rows1000.json: OIP v2 requests, input `input-0`, FP32,
      shape [N, 8], flat data (the fixture's rows cycled; null stays null = missing)
  serving.py wait     --url URL [--timeout 120]
      polls URL until it answers 200 (bounded)
  serving.py check    --body FILE --expected X.expected.json [--save FILE] URL NAME [URL NAME ...]
      POSTs the body to every URL and checks every server's `predict` against the others
      and against the library's expected values (|a - b| <= 1e-6); --save keeps the first's
  serving.py agree    FILE...
      compares saved predictions of the same body across servers (|a - b| <= 1e-6)
  serving.py cputicks PGID
      utime + stime (clock ticks) of every live process in process group PGID
  serving.py systicks
      the machine's busy and total clock ticks (all CPUs, /proc/stat)
  serving.py record   --wrk-output FILE --scenario S --label L --server NAME --cpu-ticks N --out FILE
      turns wrk's RESULT line (see infer.lua) into DIR/wrk-*.json with the run's context
  serving.py report   --dir DIR
      reads DIR/*.json written by run.sh and prints the report (markdown)
"""
import argparse
import glob
import json
import os
import sys
import time
import urllib.error
import urllib.request

TOLERANCE = 1e-6


def cmd_bodies(a):
    with open(a.inputs) as f:
        fixture = json.load(f)
    rows = fixture["rows"]
    n_features = len(fixture["feature_names"])
    os.makedirs(a.out, exist_ok=True)
    for n in (1, a.rows):
        data = []
        for i in range(n):
            row = rows[i % len(rows)]
            assert len(row) == n_features
            data.extend(row)
        body = {"inputs": [{"name": "input-0", "shape": [n, n_features], "datatype": "FP32", "data": data}]}
        path = os.path.join(a.out, f"rows{n}.json")
        with open(path, "w") as f:
            json.dump(body, f, separators=(",", ":"))
        print(f"{path}: {n} rows, {os.path.getsize(path)} bytes")


def cmd_wait(a):
    deadline = time.monotonic() + a.timeout
    last = ""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(a.url, timeout=2) as r:
                if r.status == 200:
                    return 0
                last = f"status {r.status}"
        except (urllib.error.URLError, OSError) as e:
            last = str(e)
        time.sleep(0.25)
    print(f"serving.py wait: {a.url} not ready after {a.timeout} s ({last})", file=sys.stderr)
    return 1


def post(url, body):
    req = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.status, json.loads(r.read())


def cmd_check(a):
    with open(a.body, "rb") as f:
        body = f.read()
    n_rows = json.loads(body)["inputs"][0]["shape"][0]
    with open(a.expected) as f:
        expected = json.load(f)["predict"]
    expected = [expected[i % len(expected)] for i in range(n_rows)]
    targets = list(zip(a.targets[0::2], a.targets[1::2]))
    got = {}
    ok = True
    for url, name in targets:
        status, response = post(url, body)
        outputs = {o["name"]: o for o in response.get("outputs", [])}
        if status != 200 or "predict" not in outputs:
            print(f"check: {name} answered {status} without a `predict` output: {str(response)[:300]}")
            ok = False
            continue
        out = outputs["predict"]
        values = out["data"]
        if len(values) != n_rows:
            print(f"check: {name} returned {len(values)} values for {n_rows} rows (shape {out.get('shape')})")
            ok = False
            continue
        got[name] = values
        if a.save and len(got) == 1:
            with open(a.save, "w") as f:
                json.dump({"server": name, "body": os.path.basename(a.body), "predict": values}, f)
        worst = max(abs(x - y) for x, y in zip(values, expected))
        print(f"check: {name:8s} {n_rows:5d} rows: predict[0] = {values[0]!r} (shape {out.get('shape')}, "
              f"{out.get('datatype')}), max |diff| vs the library's expected = {worst:.3g}")
        if worst > TOLERANCE:
            ok = False
    names = list(got)
    for other in names[1:]:
        worst = max(abs(x - y) for x, y in zip(got[names[0]], got[other]))
        print(f"check: {names[0]} vs {other}: max |diff| = {worst:.3g} over {n_rows} rows")
        if worst > TOLERANCE:
            ok = False
    print("check: " + ("agree" if ok else "DISAGREE"))
    return 0 if ok else 1


def cmd_agree(a):
    by_body = {}
    for path in a.files:
        with open(path) as f:
            saved = json.load(f)
        by_body.setdefault(saved["body"], []).append(saved)
    ok = True
    for body, saved in sorted(by_body.items()):
        first = saved[0]
        for other in saved[1:]:
            worst = max(abs(x - y) for x, y in zip(first["predict"], other["predict"]))
            same_len = len(first["predict"]) == len(other["predict"])
            print(f"agree: {body}: {first['server']} vs {other['server']}: max |diff| = {worst:.3g} "
                  f"over {len(other['predict'])} rows")
            ok = ok and same_len and worst <= TOLERANCE
    print("agree: " + ("yes" if ok else "NO"))
    return 0 if ok else 1


def cmd_cputicks(a):
    total = 0
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            with open(stat) as f:
                text = f.read()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2:].split()
        # fields[0] is field 3 (state); pgrp is field 5, utime 14, stime 15
        if int(fields[2]) == a.pgid:
            total += int(fields[11]) + int(fields[12])
    print(total)


def cmd_systicks(a):
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    # user nice system idle iowait irq softirq steal (guest* are already in user/nice)
    busy = sum(fields[i] for i in (0, 1, 2, 5, 6, 7) if i < len(fields))
    total = busy + fields[3] + fields[4]
    print(busy, total)


def cmd_record(a):
    result = None
    with open(a.wrk_output) as f:
        for line in f:
            if line.startswith("RESULT "):
                result = json.loads(line[len("RESULT "):])
    if result is None:
        print(f"serving.py record: no RESULT line in {a.wrk_output}", file=sys.stderr)
        return 1
    with open("/proc/loadavg") as f:
        loadavg = " ".join(f.read().split()[:3])
    result.update({"scenario": a.scenario, "label": a.label, "server": a.server,
                   "cpu_ticks": a.cpu_ticks, "loadavg": loadavg})
    # How busy the machine was: every CPU's ticks over the run, split into the server, wrk and
    # everything else, as a share of the machine (100 % = all cores).
    b0, t0 = map(int, a.sys_before.split())
    b1, t1 = map(int, a.sys_after.split())
    with open(a.wrk_time) as f:
        words = [line.split() for line in f if line.startswith("WRKCPU ")][-1]
    hz = os.sysconf("SC_CLK_TCK")
    wrk_ticks = (float(words[1]) + float(words[2])) * hz
    total = max(1, t1 - t0)
    result["machine"] = {
        "server_pct": round(100 * a.cpu_ticks / total, 1),
        "wrk_pct": round(100 * wrk_ticks / total, 1),
        "other_pct": round(max(0.0, 100 * ((b1 - b0) - a.cpu_ticks - wrk_ticks) / total), 1),
        "idle_pct": round(100 * (total - (b1 - b0)) / total, 1),
    }
    with open(a.out, "w") as f:
        json.dump(result, f, indent=1, sort_keys=True)
    lat = result["latency_us"]
    e = result["errors"]
    errors = e["connect"] + e["read"] + e["write"] + e["status"] + e["timeout"]
    mc = result["machine"]
    print(f"  {a.server:8s} {a.label}: {result['rps']:,.0f} req/s, p50 {lat['p50'] / 1000:.2f} ms, "
          f"p99 {lat['p99'] / 1000:.2f} ms, errors {errors}; CPU server {mc['server_pct']} %, "
          f"wrk {mc['wrk_pct']} %, other {mc['other_pct']} %, idle {mc['idle_pct']} %")
    return 0


def machine_share(r):
    mc = r.get("machine")
    if not mc:
        return f"load {r['loadavg']}"
    return f"{mc['server_pct']:.0f} / {mc['wrk_pct']:.0f} / {mc['other_pct']:.0f} / {mc['idle_pct']:.0f}"


def fmt(x, digits=0):
    return f"{x:,.{digits}f}"


def ms(us):
    return f"{us / 1000:.2f}"


def cmd_report(a):
    meta = json.load(open(os.path.join(a.dir, "meta.json")))
    runs = {}
    for path in sorted(glob.glob(os.path.join(a.dir, "wrk-*.json"))):
        r = json.load(open(path))
        runs[(r["scenario"], r["server"])] = r
    batches = {}
    for path in sorted(glob.glob(os.path.join(a.dir, "batch-*.json"))):
        r = json.load(open(path))
        batches.setdefault((r["model"], r["impl"]), []).append(r)
    # Each side's round with the lowest median; the other rounds are listed beside it.
    rounds = {k: sorted(x["median_ms"] for x in v) for k, v in batches.items()}
    batches = {k: min(v, key=lambda x: x["median_ms"]) for k, v in batches.items()}
    hz = os.sysconf("SC_CLK_TCK")

    out = []
    out.append(f"# Serving benchmark, {meta['date']}")
    out.append("")
    out.append(f"- command: `{meta['command']}`")
    for k in ("machine", "vane", "mlserver", "wrk", "libraries", "mlserver_config", "environment", "durations"):
        if k in meta:
            out.append(f"- {k.replace('_', ' ')}: {meta[k]}")
    out.append("")
    if runs:
        scenarios, servers = [], []
        for (sc, sv) in runs:
            if sc not in scenarios:
                scenarios.append(sc)
            if sv not in servers:
                servers.append(sv)
        # MLServer's default (parallel_workers 1) first, then other configurations, Vane last.
        servers.sort(key=lambda sv: (sv == "vane", sv != "mlserver-pw1", sv))
        mlservers = [sv for sv in servers if sv != "vane"]
        out.append("## HTTP: OIP v2 infer, `wrk` on loopback (client and server share the 2 cores)")
        out.append("")
        out.append("| scenario | server | req/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | errors | server CPU ms/req | machine CPU % server / wrk / other / idle |")
        out.append("|---|---|---|---|---|---|---|---|---|---|---|")
        for sc in scenarios:
            for sv in servers:
                r = runs.get((sc, sv))
                if not r:
                    continue
                lat = r["latency_us"]
                e = r["errors"]
                errors = e["connect"] + e["read"] + e["write"] + e["status"] + e["timeout"]
                cpu = r["cpu_ticks"] / hz * 1000 / max(1, r["requests"])
                out.append(f"| {r['label']} | {sv} | {fmt(r['rps'])} | {ms(lat['p50'])} | {ms(lat['p90'])} | "
                           f"{ms(lat['p99'])} | {ms(lat['p999'])} | {ms(lat['max'])} | {errors} | {cpu:.3f} | "
                           f"{machine_share(r)} |")
        out.append("")
        out.append("| scenario | against | Vane / MLServer req/s | MLServer p50 / Vane p50 | MLServer p99 / Vane p99 | MLServer CPU / Vane CPU per request |")
        out.append("|---|---|---|---|---|---|")
        for sc in scenarios:
            v = runs.get((sc, "vane"))
            for sv in mlservers:
                m = runs.get((sc, sv))
                if not (m and v):
                    continue
                cpu_ratio = (m["cpu_ticks"] / max(1, m["requests"])) / max(1e-9, v["cpu_ticks"] / max(1, v["requests"]))
                out.append(f"| {v['label']} | {sv} | {v['rps'] / m['rps']:.1f}× | "
                           f"{m['latency_us']['p50'] / max(1, v['latency_us']['p50']):.1f}× | "
                           f"{m['latency_us']['p99'] / max(1, v['latency_us']['p99']):.1f}× | {cpu_ratio:.1f}× |")
        out.append("")
        goals = []
        v16, v1 = runs.get(("rows1-c16", "vane")), runs.get(("rows1-c1", "vane"))
        if v16:
            for sv in mlservers:
                m = runs.get(("rows1-c16", sv))
                if m:
                    ratio = v16["rps"] / m["rps"]
                    goals.append(f"| ≥ 10× MLServer's req/s at 16 connections (1 row) | {fmt(v16['rps'])} vs {fmt(m['rps'])} ({sv}) | "
                                 f"{ratio:.1f}× | {'yes' if ratio >= 10 else '**no**'} |")
        if v1:
            p99 = v1["latency_us"]["p99"] / 1000
            goals.append(f"| p99 ≤ 2 ms at 1 connection (1 row) | p99 {p99:.2f} ms | — | {'yes' if p99 <= 2 else '**no**'} |")
        if goals:
            out.append("| goal | measured | ratio | met? |")
            out.append("|---|---|---|---|")
            out.extend(goals)
            out.append("")
    if batches:
        out.append("## Batch scoring in process, 10,000 rows, one thread")
        out.append("")
        load_file = os.path.join(a.dir, "batch-machine.txt")
        if os.path.exists(load_file):
            out.append(open(load_file).read().strip())
            out.append("")
        out.append("Per call: median (min) of each side's best round; every round's median in brackets.")
        out.append("")
        out.append("| model | native call | native median ms (min) | Vane median ms (min) | native / Vane (median) | outputs agree | CPU/wall native, Vane |")
        out.append("|---|---|---|---|---|---|---|")
        models = []
        for (m, _) in batches:
            if m not in models:
                models.append(m)
        for m in models:
            n, v = batches.get((m, "native")), batches.get((m, "vane"))
            if not (n and v):
                continue
            agree = (abs(n["checksum"] - v["checksum"]) <= 1e-6 * max(1.0, abs(n["checksum"]))
                     and all(abs(x - y) <= TOLERANCE for x, y in zip(n["first"], v["first"])))
            rn = ", ".join(f"{x:.2f}" for x in rounds[(m, "native")])
            rv = ", ".join(f"{x:.2f}" for x in rounds[(m, "vane")])
            out.append(f"| {m} | {n['library']} `{n['call']}` | {n['median_ms']:.2f} ({n['min_ms']:.2f}) [{rn}] | "
                       f"{v['median_ms']:.2f} ({v['min_ms']:.2f}) [{rv}] | {n['median_ms'] / v['median_ms']:.2f}× | "
                       f"{'yes' if agree else 'NO'} | {n['cpu_per_wall']}, {v['cpu_per_wall']} |")
        out.append("")
        ratios = {m: batches[(m, "native")]["median_ms"] / batches[(m, "vane")]["median_ms"]
                  for m in models if (m, "native") in batches and (m, "vane") in batches}
        if ratios:
            slow = [m for m, r in ratios.items() if r < 1]
            out.append(f"Goal, batch scoring at least as fast as the native library (median, one thread against one "
                       f"thread): {'met for every model' if not slow else '**not met** for ' + ', '.join(slow)} "
                       f"(native / Vane from {min(ratios.values()):.2f}× to {max(ratios.values()):.2f}×).")
            out.append("")
    print("\n".join(out))


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("bodies")
    b.add_argument("--inputs", required=True)
    b.add_argument("--out", required=True)
    b.add_argument("--rows", type=int, default=1000)
    w = sub.add_parser("wait")
    w.add_argument("--url", required=True)
    w.add_argument("--timeout", type=float, default=120)
    c = sub.add_parser("check")
    c.add_argument("--body", required=True)
    c.add_argument("--expected", required=True)
    c.add_argument("--save")
    c.add_argument("targets", nargs="+", help="URL NAME [URL NAME ...]")
    g = sub.add_parser("agree")
    g.add_argument("files", nargs="+")
    t = sub.add_parser("cputicks")
    t.add_argument("pgid", type=int)
    rec = sub.add_parser("record")
    for k in ("--wrk-output", "--scenario", "--label", "--server", "--out"):
        rec.add_argument(k, required=True)
    rec.add_argument("--cpu-ticks", type=int, required=True)
    rec.add_argument("--sys-before", required=True)
    rec.add_argument("--sys-after", required=True)
    rec.add_argument("--wrk-time", required=True)
    sub.add_parser("systicks")
    r = sub.add_parser("report")
    r.add_argument("--dir", required=True)
    a = p.parse_args()
    if a.cmd == "check" and len(a.targets) % 2:
        p.error("check: pass URL NAME pairs")
    return {"bodies": cmd_bodies, "wait": cmd_wait, "check": cmd_check, "cputicks": cmd_cputicks, "agree": cmd_agree, "systicks": cmd_systicks,
            "record": cmd_record, "report": cmd_report}[a.cmd](a) or 0


if __name__ == "__main__":
    sys.exit(main())
