"""Does a storm of sign-ins delay everyone else? (issue 10: argon2 off the event loop)

    .venv/bin/python bench/login_storm.py                    # 200 sign-ins at once, ~1 minute
    .venv/bin/python bench/login_storm.py --storms 2 --nice 0   # the pool at the loop's priority

Everything on 127.0.0.1:
1. a fresh database (TEST_DATABASE_URL's server, else an embedded pgserver), one county
   and `--accounts` citizen accounts (one password, hashed once);
2. `yishi serve` (1 worker) as a subprocess, sign-in rate limits off (the storm comes from
   one address), `PASSWORD_HASH_THREADS` / `PASSWORD_HASH_NICE` as given;
3. for `--seconds` without a storm, then during each storm:
   - a prober sends `{ __typename }` every 20 ms and times it;
   - a driver commits an event on the county's `org` stream every 100 ms (createOrgUnit)
     and a websocket watcher (`events` subscription) times each from its send to its
     receipt — a live meeting's events take the same path (commit, hub, frame);
   - a storm is `--accounts` concurrent `login` mutations with the right password, sent
     from another process, each for its own account (no lock, no rate limit involved).
4. p50/p99 of both, before, during and after the storms, and the extra delay the storm
   causes (during − the mean of before and after: the machine is shared, and its load
   drifts), printed and saved in bench/results/login_storm-<time>.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from realtime_common import (
    CREATE_UNIT,
    EVENTS,
    RESULTS,
    County,
    FreshDatabase,
    free_port,
    log,
    mint_token,
    new_secret,
    open_subscription,
    seed_county,
    start_process,
    stop_process,
    wait_ready,
)

PASSWORD = "storm-password-2026"
TRIVIAL = {"query": "{ __typename }"}
LOGIN = (
    "mutation($phone: String!, $password: String!) { login(input: {phone: $phone, "
    "password: $password}) { tokens { accessToken } errors { code } } }"
)


async def seed_accounts(url: str, county: County, n: int) -> list[str]:
    """`n` citizens of the county sharing one password hash (hashed once, here)."""
    from backend.core.db import Database
    from backend.people.models import Membership, Role, User
    from backend.people.passwords import hash_now

    password_hash = hash_now(PASSWORD)
    phones = [f"137{i:08d}" for i in range(n)]
    db = Database(owner_url=url, pool_size=1)
    try:
        async with db.transaction(tenant_id=county.tenant_id) as session:
            users = [
                User(
                    tenant_id=county.tenant_id,
                    display_name=f"群众{i}",
                    phone=f"+86{phone}",
                    password_hash=password_hash,
                )
                for i, phone in enumerate(phones)
            ]
            session.add_all(users)
            await session.flush()
            session.add_all(
                Membership(tenant_id=county.tenant_id, user_id=u.id, role=Role.CITIZEN)
                for u in users
            )
    finally:
        await db.dispose()
    return phones


def storm_process(base: str, slug: str, phones: list[str], go: Any, out: Any) -> None:
    """Send one sign-in per phone number, all at once, each time `go` is set; put
    (seconds, outcome counts) per storm. A process of its own, so the storm's client work
    does not delay the prober's measurements."""
    import httpx

    async def storm(http: httpx.AsyncClient) -> tuple[float, dict[str, int]]:
        async def one(phone: str) -> str:
            try:
                response = await http.post(
                    "/graphql",
                    json={"query": LOGIN, "variables": {"phone": phone, "password": PASSWORD}},
                    headers={"x-tenant": slug},
                )
                payload = response.json()["data"]["login"]
            except Exception as exc:
                return type(exc).__name__
            return "ok" if payload["tokens"] else payload["errors"][0]["code"]

        started = time.perf_counter()
        outcomes = await asyncio.gather(*(one(p) for p in phones))
        counts: dict[str, int] = {}
        for outcome in outcomes:
            counts[outcome] = counts.get(outcome, 0) + 1
        return time.perf_counter() - started, counts

    async def run() -> None:
        limits = httpx.Limits(max_connections=len(phones), max_keepalive_connections=len(phones))
        async with httpx.AsyncClient(base_url=base, timeout=1800, limits=limits) as http:
            while True:
                command = await asyncio.to_thread(go.get)
                if command is None:
                    return
                out.put(await storm(http))

    asyncio.run(run())


class Watch:
    """Times the prober's queries and the events' send → receipt while it runs."""

    def __init__(self, base: str, token: str, parent: str) -> None:
        self.base, self.token, self.parent = base, token, parent
        self.probes: list[float] = []
        self.events: list[float] = []
        self._sent: list[float] = []
        self._received = 0
        self.running = False

    def reset(self) -> None:
        self.probes, self.events = [], []

    async def probe(self, http: Any) -> None:
        while self.running:
            started = time.perf_counter()
            response = await http.post("/graphql", json=TRIVIAL)
            assert response.status_code == 200, response.text
            self.probes.append(time.perf_counter() - started)
            await asyncio.sleep(0.02)

    async def drive(self, http: Any) -> None:
        n = 0
        while self.running:
            self._sent.append(time.perf_counter())
            response = await http.post(
                "/graphql",
                json={"query": CREATE_UNIT, "variables": {"p": self.parent, "n": f"镇{n}"}},
                headers={"Authorization": f"Bearer {self.token}"},
            )
            body = response.json()
            if body.get("errors") or body["data"]["createOrgUnit"]["errors"]:
                raise RuntimeError(f"createOrgUnit failed: {body}")
            n += 1
            await asyncio.sleep(0.1)

    async def receive(self, ws: Any) -> None:
        import orjson

        async for raw in ws:
            now = time.perf_counter()
            message = orjson.loads(raw)
            if message.get("type") != "next":
                raise RuntimeError(f"watcher got {message}")
            # Events arrive in commit order, and the driver sends one at a time.
            self.events.append(now - self._sent[self._received])
            self._received += 1


def summary(latencies: list[float]) -> dict[str, Any]:
    ms = sorted(x * 1000 for x in latencies)
    if not ms:
        return {"n": 0}
    return {
        "n": len(ms),
        "p50_ms": round(statistics.median(ms), 2),
        "p99_ms": round(ms[min(len(ms) - 1, int(len(ms) * 0.99))], 2),
        "max_ms": round(ms[-1], 2),
    }


async def main(args: argparse.Namespace) -> dict[str, Any]:
    import multiprocessing as mp

    import httpx
    import websockets

    secret = new_secret()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    out: dict[str, Any] = {"args": vars(args)}
    async with FreshDatabase() as database:
        county = await seed_county(database.url)
        phones = await seed_accounts(database.url, county, args.accounts)
        env = {
            "DATABASE_URL": database.url,
            "JWT_SECRET": secret,
            "LOG_LEVEL": "WARNING",
            "RATE_LOGIN_USER": "0",
            "RATE_LOGIN_ADDRESS": "0",
            "PASSWORD_HASH_THREADS": str(args.threads),
            "PASSWORD_HASH_NICE": str(args.nice),
            "JWT_ACCESS_TTL_SECONDS": "86400",
        }
        command = [str(Path(sys.executable).parent / "yishi"), "serve", "--port", str(port)]
        proc = start_process(command, f"yishi-login-storm-{port}.log", env)
        spawn = mp.get_context("spawn")
        go, done = spawn.Queue(), spawn.Queue()
        stormer = spawn.Process(target=storm_process, args=(base, county.slug, phones, go, done))
        stormer.start()
        try:
            await wait_ready(base, proc)
            token = mint_token(secret, county)
            watch = Watch(base, token, county.root_gid)
            ws = await websockets.connect(
                base.replace("http://", "ws://") + "/graphql",
                subprotocols=["graphql-transport-ws"],
                ping_interval=None,
            )
            await open_subscription(ws, token, EVENTS, {})
            async with (
                httpx.AsyncClient(base_url=base, timeout=60) as probe_http,
                httpx.AsyncClient(base_url=base, timeout=60) as drive_http,
            ):
                receiver = asyncio.create_task(watch.receive(ws))
                watch.running = True
                tasks = [
                    asyncio.create_task(watch.probe(probe_http)),
                    asyncio.create_task(watch.drive(drive_http)),
                ]
                await asyncio.sleep(2)  # warm up: connections, caches
                watch.reset()
                await asyncio.sleep(args.seconds)
                out["alone"] = {"query": summary(watch.probes), "event": summary(watch.events)}
                log(f"alone: {out['alone']}")
                await asyncio.sleep(1.5)  # the storm process's interpreter is up by now
                watch.reset()
                storms = []
                for _ in range(args.storms):
                    go.put("storm")
                    seconds, outcomes = await asyncio.to_thread(done.get, True, 3600)
                    storms.append(
                        {
                            "seconds": round(seconds, 2),
                            "sign_ins_per_second": round(args.accounts / seconds, 1),
                            "outcomes": outcomes,
                        }
                    )
                    log(f"storm: {storms[-1]}")
                out["storm"] = {
                    "query": summary(watch.probes),
                    "event": summary(watch.events),
                    "storms": storms,
                }
                log(f"during the storms: {out['storm']}")
                # Once more without a storm: the machine is shared, so the storm is compared
                # with the mean of the windows before and after it.
                watch.reset()
                await asyncio.sleep(args.seconds)
                out["after"] = {"query": summary(watch.probes), "event": summary(watch.events)}
                log(f"after: {out['after']}")
                watch.running = False
                await asyncio.gather(*tasks)
                receiver.cancel()
            await ws.close()
            out["extra_delay_ms"] = {
                what: {
                    q: round(
                        out["storm"][what][q] - (out["alone"][what][q] + out["after"][what][q]) / 2,
                        2,
                    )
                    for q in ("p50_ms", "p99_ms")
                }
                for what in ("query", "event")
            }
            log(f"extra delay from the storm: {out['extra_delay_ms']}")
        finally:
            go.put(None)
            stormer.join(30)
            stop_process(proc)
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--accounts", type=int, default=200, help="sign-ins per storm")
    parser.add_argument("--storms", type=int, default=1, help="storms, one after the other")
    parser.add_argument(
        "--seconds", type=float, default=10.0, help="measured before and after the storms"
    )
    parser.add_argument("--threads", type=int, default=2, help="PASSWORD_HASH_THREADS")
    parser.add_argument("--nice", type=int, default=10, help="PASSWORD_HASH_NICE")
    args = parser.parse_args()
    result = asyncio.run(main(args))
    print(json.dumps(result, indent=2, ensure_ascii=False))
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"login_storm-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    log(f"saved {path}")
