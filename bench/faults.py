"""Faults during a live vote, repeated (issue 9): runs tests/test_faults_live_vote.py N
times and collects the figures each run prints (acknowledged / stored / lost /
duplicated votes, failures by kind, how long clients saw failures, recovery time per
fault: Redis killed, PostgreSQL restarted, the stream's owner killed).

    .venv/bin/python bench/faults.py              # 3 runs, ~2-5 minutes
    .venv/bin/python bench/faults.py --runs 10

Each run starts its own PostgreSQL, redis-server and two `yishi serve` workers (never the
machine's). Results are printed and saved as JSON in bench/results/faults-<time>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TEST = "tests/test_faults_live_vote.py"
FAULTS = ("redis", "postgres", "worker")


def one_run() -> dict[str, Any]:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:warnings", TEST],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    line = next((x for x in done.stdout.splitlines() if x.startswith("fault figures:")), None)
    figures = json.loads(line.split(":", 1)[1]) if line else {}
    return {
        "passed": done.returncode == 0,
        "wall_s": round(time.monotonic() - started, 1),
        "figures": figures,
        "tail": "" if done.returncode == 0 else done.stdout[-2000:],
    }


def summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {"runs": len(runs), "passed": sum(r["passed"] for r in runs)}
    for fault in FAULTS:
        rows = [r["figures"][fault] for r in runs if fault in r["figures"]]
        if not rows:
            continue
        failures: dict[str, int] = {}
        for row in rows:
            for kind, n in row["failures"].items():
                failures[kind] = failures.get(kind, 0) + n
        out[fault] = {
            key: sum(row[key] for row in rows)
            for key in ("attempts", "acknowledged", "stored", "lost", "duplicated")
        } | {
            "failures": failures,
            "slowest_failure_s_max": max(row["slowest_failure_s"] for row in rows),
            "recovery_s_max": max(row["recovery_s"] for row in rows),
            "recovery_s": [row["recovery_s"] for row in rows],
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    runs = []
    for i in range(args.runs):
        run = one_run()
        runs.append(run)
        print(f"run {i + 1}: {'passed' if run['passed'] else 'FAILED'} in {run['wall_s']} s")
        if not run["passed"]:
            print(run["tail"])
    result = {"summary": summary(runs), "runs": runs, "load": os.getloadavg()}
    print(json.dumps(result["summary"], ensure_ascii=False, indent=2))
    out = ROOT / "bench" / "results" / f"faults-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2))
    print(f"saved {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
