#!/usr/bin/env python3
"""Historical (issue 14, second round): Vane's prediction index has since left SQLite for index
files beside the log segments (BENCHMARKS.md, fourth round); this measures the table it had.

Why the prediction log's request ids are time-ordered: the cost of adding 10,000 rows in one
transaction to a table shaped like Vane's `prediction_index` (WITHOUT ROWID, primary key
(deployment, request_id), an index on time; WAL, synchronous NORMAL) as the table grows, with
random (version 4) ids and with time-ordered (version 7 style) ids.

    Benchmarks/serving/index_growth.py [--sizes 0,1000000,3000000] [--db /tmp/vane-index-growth.db]

Python's sqlite3 drives SQLite directly (the statement is the one Vane runs); the figures are
per 10,000-row transaction, five after each size is reached.
"""
import argparse
import os
import sqlite3
import time
import uuid


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="0,1000000,3000000")
    parser.add_argument("--db", default="/tmp/vane-index-growth.db")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    clock = [1_700_000_000_000]

    def ordered() -> str:
        clock[0] += 1
        return "%012x-%s" % (clock[0], uuid.uuid4().hex[:20])

    for label, key in [("random ids (v4)", lambda: str(uuid.uuid4())), ("time-ordered ids (v7)", ordered)]:
        for suffix in ["", "-wal", "-shm"]:
            if os.path.exists(args.db + suffix):
                os.remove(args.db + suffix)
        db = sqlite3.connect(args.db, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("CREATE TABLE prediction_index (deployment TEXT NOT NULL, request_id TEXT NOT NULL, variant TEXT NOT NULL,"
                   " time INTEGER NOT NULL, prediction TEXT, PRIMARY KEY (deployment, request_id)) WITHOUT ROWID")
        db.execute("CREATE INDEX prediction_index_time ON prediction_index (time)")
        rows = 0

        def batch(n: int) -> float:
            nonlocal rows
            values = [("dep", key(), "stable", rows + i) for i in range(n)]
            rows += n
            start = time.perf_counter()
            db.execute("BEGIN")
            db.executemany("INSERT OR REPLACE INTO prediction_index (deployment, request_id, variant, time) VALUES (?, ?, ?, ?)", values)
            db.execute("COMMIT")
            return time.perf_counter() - start

        for size in sizes:
            while rows < size:
                batch(50_000)
            ms = [round(batch(10_000) * 1000) for _ in range(5)]
            print(f"{label}: at {size:,} rows, 10,000 inserts per transaction: {ms} ms")
        db.close()
    for suffix in ["", "-wal", "-shm"]:
        if os.path.exists(args.db + suffix):
            os.remove(args.db + suffix)


if __name__ == "__main__":
    main()
