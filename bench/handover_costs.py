"""CPU cost of the pieces a vote handed to another worker's stream owner goes through,
each timed alone (best of --repeat rounds, so a busy machine disturbs it least):

    .venv/bin/python bench/handover_costs.py [--batch 16] [--repeat 7]

- the owner taking a message of `--batch` handed-over votes: a task per vote (a coroutine
  handler, as before) against answering from the writer's future (`run_vote` now), until
  every answer is queued for the reply message;
- the hub, per committed batch of `--batch` `vote.cast` events: encoding them for
  pub/sub and, in each worker, parsing and passing them through the meeting's feed (every
  group finds them invisible), against their bare sequence numbers (record-only types);
- one relay message: sealing and opening it (AES-GCM), a Redis PUBLISH by redis-py's
  client and by `backend.core.redis_wire`, and its receipt by a subscriber (redis-py): what
  each message costs, which coalescing requests per tick saves;
- a vote's shared rate-budget check (Redis, every vote with several workers): redis-py's
  registered script against EVALSHA over the pipelined connection (`SharedBuckets` now).

Prints µs per vote (per message for the last) and saves them in bench/results/.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"


def best(times: list[float]) -> float:
    return min(times)


async def owner_receive(batch: int, rounds: int, use_future: bool) -> float:
    """µs of CPU per handed-over vote: `_receive` of one message of `batch` requests, the
    batch's answers, the replies queued and flushed (to nobody: the memory relay)."""
    import orjson

    from realtime.owners import MemoryRelay, StreamOwners

    owners = StreamOwners("postgresql://unused", MemoryRelay(), namespace="bench")
    await owners.start()
    key = (1, "meeting:1")
    channel = owners._channel(key)
    owners.owned[key] = channel
    owners._by_channel[channel] = key
    loop = asyncio.get_running_loop()
    pending: list[asyncio.Future[Any]] = []

    def queued(payload: Any) -> asyncio.Future[Any]:
        future = loop.create_future()
        pending.append(future)
        return future

    async def as_task(payload: Any) -> Any:
        return await queued(payload)

    owners.register("vote", queued if use_future else as_task)
    times = []
    n = 0
    for _ in range(rounds):
        messages = []
        for _ in range(50):
            items = []
            for _ in range(batch):
                n += 1
                items.append([f"w:{n}", "vote", [1, 1, 7, n, [0], f"k{n}"]])
            messages.append(orjson.dumps({"r": "bench:reply", "o": items}))
        t0 = time.process_time()
        for data in messages:
            owners._receive(channel, data)
            await asyncio.sleep(0)  # the handlers' tasks start (as votes queue)
            for future in pending:  # the batch commits
                future.set_result({"id": 1, "dup": False, "err": None})
            pending.clear()
            for _ in range(4):  # answers → replies → the reply message
                await asyncio.sleep(0)
        times.append((time.process_time() - t0) / (50 * batch))
        owners._recent.clear()
    await owners.stop()
    return best(times) * 1e6


async def hub_batch(batch: int, rounds: int, bare: bool, groups: int) -> tuple[float, float]:
    """(publish µs, receive µs) per `vote.cast` event of a batch of `batch`."""
    import orjson

    import backend.meetings.visibility  # noqa: F401  (declares the meeting stream kind)
    from realtime.feeds import StreamFeed
    from realtime.hub import Hub, _record_only
    from realtime.log import LoggedEvent

    hub = Hub("memory://", db=None)  # type: ignore[arg-type]
    feed = StreamFeed(hub, tenant_id=1, stream="meeting:1")

    async def render(event: LoggedEvent) -> str | None:
        return "{}"

    for g in range(groups):
        group = feed.group(("doc", g), render, view=("participant", "public", "host")[g % 3])
        group.members.add(object())  # type: ignore[arg-type]
    seq = 0
    publish, receive = [], []
    hidden = _record_only("meeting:1") if bare else frozenset()
    for _ in range(rounds):
        batches = []
        for _ in range(100):
            events = []
            for _ in range(batch):
                seq += 1
                events.append(
                    LoggedEvent(
                        tenant_id=1,
                        stream="meeting:1",
                        seq=seq,
                        type="vote.cast",
                        payload={"pollId": 7, "voteId": seq, "choices": [1]},
                        actor_user_id=1000 + seq,
                        created_at=datetime.now(UTC),
                        prev_hash="a" * 64,
                        hash="b" * 64,
                    )
                )
            batches.append(events)
        t0 = time.process_time()
        messages = [
            b"["
            + b",".join(b"%d" % e.seq if e.type in hidden else e.to_message() for e in ev)
            + b"]"
            for ev in batches
        ]
        t1 = time.process_time()
        for message in messages:
            parsed = orjson.loads(message)
            items = [d if type(d) is int else LoggedEvent.from_dict(d) for d in parsed]
            for item in items:
                if isinstance(item, int):
                    feed._pass(item)
                else:
                    await feed._deliver(item)
        t2 = time.process_time()
        publish.append((t1 - t0) / (100 * batch))
        receive.append((t2 - t1) / (100 * batch))
    return best(publish) * 1e6, best(receive) * 1e6


async def relay_message(redis_url: str, rounds: int, batch: int) -> dict[str, float]:
    """µs per relay message of `batch` requests: seal + open, PUBLISH, receipt."""
    import orjson
    import redis.asyncio as aioredis

    from realtime.owners import Sealer, relay_key

    sealer = Sealer(relay_key("bench"))
    items = [[f"w:{n}", "vote", [1, 1, 7, n, [0], f"k{n}"]] for n in range(batch)]
    data = orjson.dumps({"r": "bench:reply", "o": items})
    channel = f"bench-handover-{os.getpid()}"
    seal = []
    for _ in range(rounds):
        t0 = time.process_time()
        for _ in range(2000):
            sealer.open(channel, sealer.seal(channel, data))
        seal.append((time.process_time() - t0) / 2000)
    client = aioredis.Redis.from_url(redis_url)
    listener = aioredis.Redis.from_url(redis_url)
    pubsub = listener.pubsub(ignore_subscribe_messages=True)
    await pubsub.subscribe(channel)
    sealed = sealer.seal(channel, data)
    pub, sub = [], []
    for _ in range(rounds):
        t0 = time.process_time()
        for _ in range(500):
            await client.publish(channel, sealed)
        t1 = time.process_time()
        got = 0
        async for message in pubsub.listen():
            if message["type"] == "message":
                got += 1
                if got == 500:
                    break
        t2 = time.process_time()
        pub.append((t1 - t0) / 500)
        sub.append((t2 - t1) / 500)
    from backend.core.redis_wire import PipelinedRedis

    lean = PipelinedRedis(redis_url)
    lean_pub = []
    for _ in range(rounds):
        t0 = time.process_time()
        for _ in range(500):
            await lean.publish(channel, sealed)
        lean_pub.append((time.process_time() - t0) / 500)
        got = 0
        async for message in pubsub.listen():
            if message["type"] == "message":
                got += 1
                if got == 500:
                    break
    await lean.close()
    await pubsub.aclose()
    await client.aclose()
    await listener.aclose()
    return {
        "seal_and_open_us": round(best(seal) * 1e6, 1),
        "publish_redis_py_us": round(best(pub) * 1e6, 1),
        "publish_realtime_publisher_us": round(best(lean_pub) * 1e6, 1),
        "receive_us": round(best(sub) * 1e6, 1),
    }


async def rate_check(redis_url: str, rounds: int, in_flight: int) -> dict[str, float]:
    """µs of CPU per shared rate-budget check of a vote (a user's and an address's bucket,
    `backend.core.limits.SharedBuckets`), `in_flight` at a time as votes arrive: by
    redis-py's registered script (how it was) and over the pipelined connection (now)."""
    import redis.asyncio as aioredis

    from backend.core.limits import _TAKE_SCRIPT, Action, Rate, SharedBuckets

    rate = Rate(1_000_000, 1.0)
    shared = SharedBuckets(redis_url, namespace=f"bench-{os.getpid()}")
    client = aioredis.Redis.from_url(redis_url, socket_timeout=0.25, socket_connect_timeout=0.25)
    script = client.register_script(_TAKE_SCRIPT)
    n = 0

    def buckets() -> list[tuple[str, Rate]]:
        nonlocal n
        n += 1
        return [
            (shared.key(Action.VOTE, "user", n), rate),
            (shared.key(Action.VOTE, "address", "10.0.0.1"), rate),
        ]

    old_failures = 0

    async def old() -> None:
        nonlocal old_failures
        items = buckets()
        args: list[float] = []
        for _, r in items:
            args += [float(r.burst), r.per_second]
        try:  # as SharedBuckets had it: its timeouts, a failure only counted (a fallback)
            await asyncio.wait_for(script(keys=[k for k, _ in items], args=args), 0.5)
        except Exception:
            old_failures += 1

    async def new() -> None:
        await shared.take(buckets())

    results: dict[str, float] = {}
    for label, check in (("redis_py_script", old), ("pipelined", new)):
        await asyncio.gather(*(check() for _ in range(in_flight)))  # connections, script
        times = []
        for _ in range(rounds):
            t0 = time.process_time()
            for _ in range(2000 // in_flight):
                await asyncio.gather(*(check() for _ in range(in_flight)))
            times.append((time.process_time() - t0) / (2000 // in_flight * in_flight))
        results[f"{label}_us"] = round(best(times) * 1e6, 1)
    results["redis_py_script_failures"] = old_failures  # timeouts (connecting, reading)
    results["pipelined_failures"] = shared.failures
    await shared.close()
    await client.aclose()
    return results


async def run(args: argparse.Namespace) -> dict[str, Any]:
    task = await owner_receive(args.batch, args.repeat, use_future=False)
    future = await owner_receive(args.batch, args.repeat, use_future=True)
    full = await hub_batch(args.batch, args.repeat, bare=False, groups=args.groups)
    bare = await hub_batch(args.batch, args.repeat, bare=True, groups=args.groups)
    relay = await relay_message(args.redis, args.repeat, args.batch)
    rate = await rate_check(args.redis, args.repeat, args.in_flight)
    return {
        "bench": "handover_costs",
        "at": time.strftime("%Y-%m-%d %H:%M:%S"),
        "args": vars(args),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "owner_per_handed_over_vote_us": {
            "task_per_vote": round(task, 1),
            "future": round(future, 1),
        },
        "hub_per_vote_cast_event_us": {
            "full_event": {"publish": round(full[0], 2), "receive_per_worker": round(full[1], 2)},
            "sequence_only": {
                "publish": round(bare[0], 2),
                "receive_per_worker": round(bare[1], 2),
            },
        },
        "relay_per_message_us": relay,
        "rate_check_per_vote_us": rate,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--batch", type=int, default=16, help="votes per message / batch")
    parser.add_argument("--groups", type=int, default=3, help="live groups of the meeting feed")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--in-flight", type=int, default=20, help="rate checks at a time")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/13")
    args = parser.parse_args()
    report = asyncio.run(run(args))
    print(json.dumps(report, ensure_ascii=False, indent=2))
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"handover_costs-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2))
    print(f"saved {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
