"""Bringing 500 participants into a meeting with one-time voting codes (一次性投票码).

The acceptance run of issue 11 took 107 s to create and sign in 500 scorers (an argon2 hash
per account, one at a time). Here, against the whole service (create_app under uvicorn in
this process, over HTTP as a client would), on a fresh database:

1. the host issues N codes in one `issueVotingCodes` (optionally with the printable .docx);
2. N residents redeem them (`redeemVotingCode`, anonymous, X-Tenant), `--concurrency` at a
   time, as a hall of people typing their slips would;
3. each of them casts a 测评 ballot with the session it got (optional, `--score`).

Prints the seconds of each step and writes JSON under bench/results/.

    .venv/bin/python bench/voting_codes.py [--codes 500] [--concurrency 20] [--sheet] [--score]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import statistics
import time
from typing import Any

from realtime_common import RESULTS, FreshDatabase, free_port, gid, log, mint_token, seed_county

ISSUE = """mutation($input: IssueVotingCodesInput!) { issueVotingCodes(input: $input) {
  codes { code role } errors { code message } } }"""
ISSUE_SHEET = """mutation($input: IssueVotingCodesInput!) { issueVotingCodes(input: $input) {
  codes { code role } sheetDocx errors { code message } } }"""
REDEEM = """mutation($c: String!) { redeemVotingCode(code: $c) {
  tokens { accessToken } errors { code message } } }"""
CREATE_MEETING = """mutation($input: CreateMeetingInput!) { createMeeting(input: $input) {
  meeting { id } errors { code message } } }"""
START = "mutation($m: ID!) { startMeeting(meetingId: $m) { errors { code message } } }"
OPEN_SCORING = """mutation($m: ID!) { openScoring(meetingId: $m, title: "满意度测评",
  targets: ["县交通局"], eligibility: ATTENDEES) { sheet { id } errors { code message } } }"""
CAST = """mutation($s: ID!) { castScoringBallot(sheetId: $s, answers: ["满意"]) {
  accepted errors { code message } } }"""


async def main() -> None:
    import httpx
    import uvicorn

    from backend.core.settings import Settings
    from backend.server.app import create_app

    parser = argparse.ArgumentParser()
    parser.add_argument("--codes", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--sheet", action="store_true", help="also render the .docx sheet")
    parser.add_argument("--score", action="store_true", help="each code then casts a ballot")
    args = parser.parse_args()
    import logging

    logging.getLogger("httpx").setLevel(logging.WARNING)
    secret = secrets.token_urlsafe(48)
    async with FreshDatabase() as fresh:
        log(f"database on {fresh.where}")
        county = await seed_county(fresh.url)
        settings = Settings(
            environment="test",
            database_url=fresh.url,
            jwt_secret=secret,
            db_pool_size=10,
            rate_redeem_user="off",
            rate_redeem_address="off",
            rate_vote_address="off",
        )
        app = create_app(settings, migrate=False)
        port = free_port()
        server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
        )
        serving = asyncio.create_task(server.serve())
        while not server.started:
            await asyncio.sleep(0.02)
        admin = {"Authorization": f"Bearer {mint_token(secret, county)}"}
        try:
            async with httpx.AsyncClient(
                base_url=f"http://127.0.0.1:{port}",
                timeout=120,
                limits=httpx.Limits(max_connections=args.concurrency + 2),
            ) as http:

                async def call(query: str, variables: dict[str, Any], **headers: str) -> Any:
                    response = await http.post(
                        "/graphql", json={"query": query, "variables": variables}, headers=headers
                    )
                    body = response.json()
                    assert "errors" not in body, body
                    (payload,) = body["data"].values()
                    assert not payload.get("errors"), payload
                    return payload

                meeting = (
                    await call(
                        CREATE_MEETING,
                        {
                            "input": {
                                "kind": "WORK_REPORT",
                                "mode": "HYBRID",
                                "title": "2026年度部门述职报告会",
                                "hostUnitId": gid("OrgUnit", county.root_id),
                                "startsAt": "2026-12-01T09:00:00+08:00",
                            }
                        },
                        **admin,
                    )
                )["meeting"]["id"]
                await call(START, {"m": meeting}, **admin)
                sheet = (await call(OPEN_SCORING, {"m": meeting}, **admin))["sheet"]["id"]

                t0 = time.perf_counter()
                issued = await call(
                    ISSUE_SHEET if args.sheet else ISSUE,
                    {
                        "input": {
                            "meetingId": meeting,
                            "batches": [{"role": "REPRESENTATIVE", "count": args.codes}],
                        }
                    },
                    **admin,
                )
                issue_s = time.perf_counter() - t0
                codes = [c["code"] for c in issued["codes"]]
                log(f"issued {len(codes)} codes in {issue_s:.2f} s")

                gate = asyncio.Semaphore(args.concurrency)
                latencies: list[float] = []
                tokens: list[str] = []

                async def redeem(code: str) -> None:
                    async with gate:
                        started = time.perf_counter()
                        payload = await call(REDEEM, {"c": code}, **{"X-Tenant": county.slug})
                        latencies.append(time.perf_counter() - started)
                        tokens.append(payload["tokens"]["accessToken"])

                t1 = time.perf_counter()
                await asyncio.gather(*(redeem(c) for c in codes))
                redeem_s = time.perf_counter() - t1
                log(f"redeemed {len(tokens)} codes in {redeem_s:.2f} s")

                score_s = None
                if args.score:

                    async def cast(token: str) -> None:
                        async with gate:
                            await call(CAST, {"s": sheet}, Authorization=f"Bearer {token}")

                    t2 = time.perf_counter()
                    await asyncio.gather(*(cast(t) for t in tokens))
                    score_s = time.perf_counter() - t2
                    log(f"{len(tokens)} ballots accepted in {score_s:.2f} s")
        finally:
            server.should_exit = True
            await serving
    latencies.sort()
    figure = {
        "codes": args.codes,
        "concurrency": args.concurrency,
        "sheet_docx": args.sheet,
        "issue_s": round(issue_s, 3),
        "redeem_all_s": round(redeem_s, 3),
        "redeem_p50_ms": round(statistics.median(latencies) * 1000, 1),
        "redeem_p99_ms": round(latencies[int(0.99 * (len(latencies) - 1))] * 1000, 1),
        "issue_plus_redeem_s": round(issue_s + redeem_s, 3),
        "score_all_s": round(score_s, 3) if score_s is not None else None,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"voting-codes-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(figure, indent=2))
    print(json.dumps(figure, indent=2))
    print(f"wrote {path}")


if __name__ == "__main__":
    asyncio.run(main())
