"""A list page against a bare endpoint over the same rows, in the same run.

Seeds one county with townships, venues and meetings (through the services), starts
`yishi serve` (one worker) and `bench/pages_baseline.py` (bare Starlette + asyncpg, one
worker) on the same database, checks that both answer the same JSON for

    meetings(first: 50) { edges { node { id title kind state startsAt venue { name }
      hostUnit { name } } cursor } pageInfo { hasNextPage endCursor } }

(the service as the county's signed-in admin), then drives each in turn with wrk (16
connections, 2 threads by default) and prints requests/s of both and their ratio, and
the server CPU time per request of both (the ratio that a shared, busy machine disturbs
least: the load generator's and other work's CPU is not in it). Results go to
bench/results/pages-<time>.json.

    .venv/bin/python bench/pages.py [--duration 10] [--rounds 2] [--connections 16]

wrk is the Debian package (`apt-get install wrk`). With TEST_DATABASE_URL set, the
database is made on that server; else on an embedded pgserver in a temporary directory.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from realtime_common import (
    RESULTS,
    VENV_BIN,
    FreshDatabase,
    free_port,
    log,
    mint_token,
    new_secret,
    seed_county,
    serving_pids,
    start_process,
    start_yishi,
    stop_process,
    wait_port,
    wait_ready,
)

QUERY = (
    "query Page($first: Int) { meetings(first: $first) { edges { node { id title kind state "
    "startsAt venue { name } hostUnit { name } } cursor } pageInfo { hasNextPage endCursor } } }"
)
PAGE_SIZE = 50


async def seed(url: str, meetings: int, townships: int) -> dict[str, Any]:
    """A county with `townships` 乡镇 (each with a 说事处 venue) and `meetings` announced
    meetings hosted by them in turn, every third one without a venue."""
    from backend.core.db import Database
    from backend.core.security import Principal
    from backend.meetings import lifecycle as meeting_service
    from backend.meetings.models import MeetingKind, MeetingMode
    from backend.people import service as people
    from tenants import service as tenants
    from tenants.models import OrgUnitKind, VenueLevel

    county = await seed_county(url)
    db = Database(owner_url=url, pool_size=2)
    try:
        async with db.transaction(tenant_id=county.tenant_id) as session:
            _, name, grants = await people.load_grants(session, county.admin_id)
        admin = Principal(
            tenant_id=county.tenant_id, user_id=county.admin_id, grants=grants, display_name=name
        )
        units: list[tuple[int, int]] = []
        async with db.transaction(tenant_id=county.tenant_id, user_id=county.admin_id) as s:
            for i in range(townships):
                unit = await tenants.create_org_unit(
                    s,
                    admin,
                    parent_id=county.root_id,
                    kind=OrgUnitKind.TOWNSHIP,
                    name=f"第{i + 1}镇",
                )
                venue = await tenants.create_venue(
                    s,
                    admin,
                    org_unit_id=unit.id,
                    level=VenueLevel.OFFICE,
                    name=f"第{i + 1}镇说事处",
                )
                units.append((unit.id, venue.id))
        kinds = list(MeetingKind)
        start = datetime.now(UTC) + timedelta(days=30)
        async with db.transaction(tenant_id=county.tenant_id, user_id=county.admin_id) as s:
            for i in range(meetings):
                unit_id, venue_id = units[i % townships]
                meeting = await meeting_service.create_meeting(
                    s,
                    admin,
                    kind=kinds[i % len(kinds)],
                    mode=MeetingMode.HYBRID,
                    title=f"第{i + 1}次民意恳谈会：村道硬化与停车位规划",
                    description="压测用会议",
                    host_unit_id=unit_id,
                    venue_id=None if i % 3 == 2 else venue_id,
                    starts_at=start + timedelta(hours=i),
                    ends_at=None,
                    capacity=None,
                )
                if i % 2 == 0:
                    await meeting_service.change_state(
                        s, admin, meeting_id=meeting.id, action="announce"
                    )
    finally:
        await db.dispose()
    return {"tenant_id": county.tenant_id, "admin_id": county.admin_id, "county": county}


WRK_SCRIPT = """
wrk.method = "POST"
wrk.body = {body}
wrk.headers["Content-Type"] = "application/json"
{auth}
"""


def cpu_seconds(pids: list[int]) -> float:
    import psutil

    times = [psutil.Process(p).cpu_times() for p in pids]
    return sum(t.user + t.system for t in times)


def wrk(
    url: str,
    body: str,
    token: str | None,
    args: argparse.Namespace,
    duration: float,
    pids: list[int] | None = None,
) -> dict:
    """One wrk run: requests/s, latency, failed responses, and the server's CPU time per
    request (`pids`: its processes), which a busy shared machine disturbs less."""
    cpu_before = cpu_seconds(pids) if pids else 0.0
    auth = f'wrk.headers["Authorization"] = "Bearer {token}"' if token else ""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT.format(body=json.dumps(body), auth=auth))
    try:
        out = subprocess.run(
            [
                "wrk",
                f"-t{args.threads}",
                f"-c{args.connections}",
                f"-d{int(duration)}s",
                "--latency",
                "-s",
                script.name,
                url,
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    finally:
        os.unlink(script.name)
    cpu = cpu_seconds(pids) - cpu_before if pids else 0.0
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    failed = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*", out)
    latency = dict(re.findall(r"^\s+(50|90|99)%\s+(\S+)", out, re.M))
    return {
        "requests_per_s": rps,
        "non_2xx": int(failed.group(1)) if failed else 0,
        "socket_errors": errors.group(0) if errors else None,
        "latency": latency,
        "requests": total,
        "server_cpu_ms_per_request": round(cpu * 1000 / total, 3) if pids and total else None,
    }


def against_bare(
    i: int, ours: dict[str, Any], bare_url: str, body: str, args: Any, bare_pid: int
) -> dict[str, Any]:
    """Round `i`: the bare endpoint measured right after the service (`ours`), the two
    logged side by side; the round's figures and ratios (also used by bench/cases.py)."""
    wrk(bare_url, body, None, args, 2)
    theirs = wrk(bare_url, body, None, args, args.duration, [bare_pid])
    ratio = ours["requests_per_s"] / theirs["requests_per_s"]
    cpu_ratio = theirs["server_cpu_ms_per_request"] / ours["server_cpu_ms_per_request"]
    log(
        f"round {i + 1}: service {ours['requests_per_s']:.0f} req/s "
        f"(p50 {ours['latency'].get('50')}, p99 {ours['latency'].get('99')}), "
        f"bare {theirs['requests_per_s']:.0f} req/s "
        f"(p50 {theirs['latency'].get('50')}, p99 {theirs['latency'].get('99')}): "
        f"ratio {ratio:.3f}; server CPU per request "
        f"{ours['server_cpu_ms_per_request']} vs {theirs['server_cpu_ms_per_request']}"
        f" ms (bare/service {cpu_ratio:.3f})"
    )
    if ours["non_2xx"] or theirs["non_2xx"]:
        raise SystemExit(f"failed responses: {ours} {theirs}")
    return {
        "service": ours,
        "bare": theirs,
        "ratio": round(ratio, 4),
        "cpu_ratio": round(cpu_ratio, 4),
    }


def profile(pid: int, duration: float, out: Path) -> subprocess.Popen[bytes] | None:
    """py-spy (if installed) samples the worker for `duration` s into collapsed stacks."""
    spy = shutil.which("py-spy") or str(VENV_BIN / "py-spy")
    if not Path(spy).exists():
        log("no py-spy: no profile")
        return None
    command = [spy, "record", "-p", str(pid), "-d", str(int(duration)), "-f", "raw"]
    return subprocess.Popen([*command, "-o", str(out)], stdout=subprocess.DEVNULL)


def summarize(path: Path, top: int = 25) -> str:
    """Share of samples per function on the stack (inclusive), from collapsed stacks."""
    from collections import Counter

    inclusive: Counter[str] = Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        n = int(count)
        total += n
        for frame in set(stack.split(";")):
            inclusive[frame] += n
    return "\n".join(f"{100 * n / total:5.1f}%  {frame}" for frame, n in inclusive.most_common(top))


async def check_same(service: str, bare: str, token: str) -> int:
    """Both answer the same page (same rows, ids, cursors); returns its size in bytes."""
    import httpx

    body = {"query": QUERY, "variables": {"first": PAGE_SIZE}}
    async with httpx.AsyncClient(timeout=10) as http:
        ours = await http.post(service, json=body, headers={"Authorization": f"Bearer {token}"})
        theirs = await http.post(bare, json=body)
    a, b = ours.json(), theirs.json()
    if a != b:
        raise SystemExit(f"the endpoints differ:\n{json.dumps(a)[:600]}\n{json.dumps(b)[:600]}")
    if len(a["data"]["meetings"]["edges"]) != PAGE_SIZE:
        raise SystemExit("the page is not full")
    return len(ours.content)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    secret = new_secret()
    os.environ.setdefault("ID_KEY", new_secret())
    async with FreshDatabase() as database:
        log(f"database on {database.where}; seeding {args.meetings} meetings")
        seeded = await seed(database.url, args.meetings, args.townships)
        token = mint_token(secret, seeded["county"])
        port, bare_port = free_port(), free_port()
        service = start_yishi(
            database.url, port, workers=1, secret=secret, broadcast_url="memory://"
        )
        bare = start_process(
            [str(VENV_BIN / "python"), "bench/pages_baseline.py", "--port", str(bare_port)],
            f"pages-baseline-{bare_port}.log",
            {"DATABASE_URL": database.url, "TENANT_ID": str(seeded["tenant_id"])},
        )
        try:
            await wait_ready(f"http://127.0.0.1:{port}", service)
            await wait_port(bare_port)
            service_url = f"http://127.0.0.1:{port}/graphql"
            bare_url = f"http://127.0.0.1:{bare_port}/page"
            size = await check_same(service_url, bare_url, token)
            log(f"both answer the same {PAGE_SIZE}-item page ({size} bytes)")
            body = json.dumps({"query": QUERY, "variables": {"first": PAGE_SIZE}})
            rounds = []
            profile_out = RESULTS / f"pages-profile-{time.strftime('%Y%m%d-%H%M%S')}.txt"
            for i in range(args.rounds):
                # warm-up (caches, pools, JIT-less but allocator-warm), then measured
                wrk(service_url, body, token, args, 2)
                spy = (
                    profile(serving_pids(service)[0], args.duration, profile_out)
                    if args.profile and i == 0
                    else None
                )
                ours = wrk(service_url, body, token, args, args.duration, serving_pids(service))
                if spy is not None:
                    spy.wait(30)
                    log(f"profile of round 1: {profile_out}\n{summarize(profile_out)}")
                rounds.append(against_bare(i, ours, bare_url, body, args, bare.pid))
        finally:
            stop_process(service)
            stop_process(bare)
    ratios = [r["ratio"] for r in rounds]
    return {
        "bench": "pages",
        "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "query": QUERY,
        "page_size": PAGE_SIZE,
        "response_bytes": size,
        "meetings": args.meetings,
        "connections": args.connections,
        "threads": args.threads,
        "duration_s": args.duration,
        "rounds": rounds,
        "ratio_min": min(ratios),
        "ratio_max": max(ratios),
        "cpu_ratio_min": min(r["cpu_ratio"] for r in rounds),
        "cpu_ratio_max": max(r["cpu_ratio"] for r in rounds),
        "note": args.note,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meetings", type=int, default=60)
    parser.add_argument("--townships", type=int, default=6)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--note", default="")
    parser.add_argument("--profile", action="store_true", help="py-spy the worker (round 1)")
    args = parser.parse_args()
    result = asyncio.run(run(args))
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"pages-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    figures = ", ".join(
        f"{r['service']['requests_per_s']:.0f}/{r['bare']['requests_per_s']:.0f}"
        for r in result["rounds"]
    )
    print(
        f"service / bare: ratio {result['ratio_min']:.3f}–{result['ratio_max']:.3f} "
        f"({figures} req/s), CPU per request {result['cpu_ratio_min']:.3f}–"
        f"{result['cpu_ratio_max']:.3f}; saved {out.relative_to(RESULTS.parent.parent)}"
    )


if __name__ == "__main__":
    main()
