"""What handing an operation to a stream's owner costs (realtime.owners over Redis).

    .venv/bin/python bench/owner_relay.py --duration 5 --concurrency 40
    .venv/bin/python bench/owner_relay.py --rate 800 --handler future --tick 0.002


Two processes: the owner (it takes the stream's lease first and answers an echo operation)
and a caller that keeps --concurrency calls in flight for --duration seconds, all handed
over through Redis (sealed messages, batched per channel, as votes are). Prints the calls
per second, their latency and the CPU each side spent per call; saved in bench/results/.
The caller's time per call is what a vote on a non-owner worker pays on top of its own
work; the owner's is what it pays per vote it is handed, on top of writing it.

As votes are handled: with --batch-ms the owner answers like its group-commit writer (what
queued meanwhile is answered together every batch); --handler task runs each handed-over
call as a coroutine (a task per call on the owner), --handler future returns the batch's
future (no task, as `run_vote` does); --tick is the caller's `request_tick` (0, the default:
a message once the loop has run twice over what was ready). --rate offers calls open loop (votes arrive spread
over time from many sockets, not in lock-step with the answers as --concurrency lanes do).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "bench" / "results"
STREAM = (1, "meeting:1")


def dsn() -> str:
    return os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def owners_for(redis_url: str, namespace: str, tick: float | None = None):  # type: ignore[no-untyped-def]
    from realtime.owners import RedisRelay, StreamOwners, relay_key

    extra = {} if tick is None else {"request_tick": tick}
    return StreamOwners(
        dsn(), RedisRelay(redis_url, relay_key("bench-secret")), namespace=namespace, **extra
    )


class Batches:
    """Answers what was queued every `seconds`, as the group-commit writer does."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.queued: list[tuple[asyncio.Future[list[int]], list[int]]] = []
        self.task: asyncio.Task[None] | None = None

    def enqueue(self, payload: list[int]) -> asyncio.Future[list[int]]:
        future = asyncio.get_running_loop().create_future()
        self.queued.append((future, payload))
        if self.task is None:
            self.task = asyncio.create_task(self._run())
        return future

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.seconds)
            batch, self.queued = self.queued, []
            for future, payload in batch:
                future.set_result(payload)


async def owner_main(
    redis_url: str, namespace: str, ready: mp.Event, done: mp.Event, out, args
) -> None:  # type: ignore[no-untyped-def]
    owners = owners_for(redis_url, namespace)
    batches = Batches(args.batch_ms / 1000)

    async def echo(payload: list[int]) -> list[int]:
        if args.batch_ms:
            return await batches.enqueue(payload)
        await asyncio.sleep(0)  # as a vote waits for its batch
        return payload

    def queued(payload: list[int]) -> asyncio.Future[list[int]]:
        return batches.enqueue(payload)

    owners.register("echo", queued if args.handler == "future" else echo)
    await owners.start()
    assert await owners.call(*STREAM, "echo", [0]) == [0]  # takes the lease
    ready.set()
    cpu0 = time.process_time()
    while not done.is_set():
        await asyncio.sleep(0.05)
    out.put(
        {
            "owner_cpu_s": time.process_time() - cpu0,
            "served": owners.served,
            "owner_messages": owners.messages,
        }
    )
    await owners.stop()


async def caller_main(redis_url: str, namespace: str, args: argparse.Namespace, out) -> None:  # type: ignore[no-untyped-def]
    owners = owners_for(redis_url, namespace, args.tick)

    async def never(payload: list[int]) -> list[int]:
        raise AssertionError("the caller must not own the stream")

    owners.register("echo", never)
    await owners.start()
    latencies: list[float] = []
    stop_at = time.perf_counter() + args.duration

    async def one_lane(lane: int) -> None:
        n = 0
        while time.perf_counter() < stop_at:
            t = time.perf_counter()
            assert await owners.call(*STREAM, "echo", [lane, n]) == [lane, n]
            latencies.append(time.perf_counter() - t)
            n += 1

    async def one(n: int) -> None:
        t = time.perf_counter()
        assert await owners.call(*STREAM, "echo", [n]) == [n]
        latencies.append(time.perf_counter() - t)

    async def paced() -> None:
        running: set[asyncio.Task[None]] = set()
        at, n = time.perf_counter(), 0
        while at < stop_at:
            await asyncio.sleep(max(0.0, at - time.perf_counter()))
            at += 1 / args.rate
            n += 1
            task = asyncio.create_task(one(n))
            running.add(task)
            task.add_done_callback(running.discard)
        if running:
            await asyncio.wait(running)

    cpu0, t0 = time.process_time(), time.perf_counter()
    if args.rate:
        await paced()
    else:
        await asyncio.gather(*(one_lane(i) for i in range(args.concurrency)))
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    await owners.stop()
    latencies.sort()
    out.put(
        {
            "calls": len(latencies),
            "calls_per_s": round(len(latencies) / wall, 1),
            "p50_ms": round(statistics.median(latencies) * 1000, 2),
            "p99_ms": round(latencies[int(len(latencies) * 0.99)] * 1000, 2),
            "caller_cpu_s": cpu,
            "caller_messages": owners.messages,
        }
    )


def run_owner(*a) -> None:  # type: ignore[no-untyped-def]
    asyncio.run(owner_main(*a))


def run_caller(*a) -> None:  # type: ignore[no-untyped-def]
    asyncio.run(caller_main(*a))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=40)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/11")
    parser.add_argument("--rate", type=float, default=0.0, help="calls/s offered, open loop")
    parser.add_argument("--batch-ms", type=float, default=0.0, help="owner answers in batches")
    parser.add_argument("--handler", choices=["task", "future"], default="task")
    parser.add_argument("--tick", type=float, default=None, help="caller's request_tick (s)")
    args = parser.parse_args()
    if args.handler == "future" and not args.batch_ms:
        parser.error("--handler future answers in batches: give --batch-ms")
    namespace = f"bench-relay-{uuid.uuid4().hex[:8]}"
    ctx = mp.get_context("spawn")
    ready, done, out = ctx.Event(), ctx.Event(), ctx.Queue()
    owner = ctx.Process(target=run_owner, args=(args.redis, namespace, ready, done, out, args))
    owner.start()
    if not ready.wait(30):
        raise SystemExit("the owner did not start")
    caller = ctx.Process(target=run_caller, args=(args.redis, namespace, args, out))
    caller.start()
    caller_report = out.get(timeout=args.duration + 60)
    done.set()
    owner_report = out.get(timeout=30)
    caller.join(10)
    owner.join(10)
    calls = caller_report["calls"]
    report = {
        "bench": "owner_relay",
        "at": time.strftime("%Y-%m-%d %H:%M:%S"),
        "args": vars(args),
        "load_average": os.getloadavg(),
        **caller_report,
        **owner_report,
        "caller_cpu_us_per_call": round(caller_report["caller_cpu_s"] / calls * 1e6, 1),
        "owner_cpu_us_per_call": round(owner_report["owner_cpu_s"] / calls * 1e6, 1),
    }
    print(
        f"handed over: {report['calls_per_s']} calls/s ({calls} in {args.duration} s, "
        f"{args.concurrency} in flight), p50 {report['p50_ms']} ms, p99 {report['p99_ms']} ms"
    )
    print(
        f"messages: caller {report['caller_messages']}, owner {report['owner_messages']} "
        f"({round(calls / max(1, report['caller_messages']), 1)} requests each)"
    )
    print(
        f"CPU per call: caller {report['caller_cpu_us_per_call']} µs, owner "
        f"{report['owner_cpu_us_per_call']} µs  (load {report['load_average']})"
    )
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"owner_relay-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2))
    print(f"saved {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
