"""Answering a 民意调查 and counting its results, through the services (no HTTP).

Seeds one county with a decision and a four-question survey (single, multiple, scale,
text), then answers it `--answers` times anonymously (each in its own transaction, as
the mutation does; `--concurrency` at once), and times `surveys.results` (the counts every
results read computes) a few times. Prints answers/s, the answer latency p50/p99 and the
results read time; saves them to bench/results/survey-results-<n>-<time>.json.

    .venv/bin/python bench/survey_results.py [--answers 5000] [--concurrency 8]

With TEST_DATABASE_URL set, the database is made on that server; else on an embedded
pgserver in a temporary directory.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from realtime_common import RESULTS, FreshDatabase, log, seed_county


async def run(answers: int, concurrency: int) -> dict[str, object]:
    from backend.core.db import Database
    from backend.core.security import Principal, Role
    from backend.decisions import access as _access  # noqa: F401  (first: drafts alone is a cycle)
    from backend.decisions import drafts, surveys
    from backend.decisions.models import QuestionKind
    from backend.decisions.stream import today
    from backend.people.service import load_grants

    async with FreshDatabase() as fresh:
        county = await seed_county(fresh.url)
        db = Database(owner_url=fresh.url, pool_size=concurrency + 2)
        try:
            async with db.transaction(tenant_id=county.tenant_id) as session:
                _, name, grants = await load_grants(session, county.admin_id)
                admin = Principal(
                    tenant_id=county.tenant_id, user_id=county.admin_id, grants=grants
                )
                assert any(g.role is Role.TENANT_ADMIN for g in grants), name
                decision = await drafts.create_decision(
                    session,
                    admin,
                    title="停车管理办法",
                    lead_unit_id=county.root_id,
                    co_unit_ids=[],
                )
                survey = await surveys.create_survey(
                    session,
                    admin,
                    decision_id=decision.id,
                    title="停车民意调查",
                    intro=None,
                    allow_anonymous=True,
                    questions=[
                        surveys.QuestionDraft(
                            QuestionKind.SINGLE_CHOICE, "是否赞成", ("赞成", "反对", "无所谓")
                        ),
                        surveys.QuestionDraft(
                            QuestionKind.MULTIPLE_CHOICE,
                            "关心哪些",
                            ("收费", "泊位", "夜间", "无障碍"),
                            max_choices=2,
                        ),
                        surveys.QuestionDraft(QuestionKind.SCALE, "满意程度"),
                        surveys.QuestionDraft(QuestionKind.TEXT, "其他意见"),
                    ],
                )
                await surveys.publish_survey(
                    session,
                    admin,
                    survey_id=survey.id,
                    opens_on=today(),
                    closes_on=today() + timedelta(days=10),
                )
                qs = await surveys.questions_of(session, survey.id)
            anonymous = Principal(tenant_id=county.tenant_id)
            latencies: list[float] = []
            queue: asyncio.Queue[int] = asyncio.Queue()
            for i in range(answers):
                queue.put_nowait(i)

            async def worker() -> None:
                while not queue.empty():
                    i = queue.get_nowait()
                    sheet = [
                        surveys.AnswerDraft(qs[0].id, choices=(i % 3,)),
                        surveys.AnswerDraft(qs[1].id, choices=((i % 4, (i + 1) % 4))),
                        surveys.AnswerDraft(qs[2].id, scale=1 + i % 5),
                        surveys.AnswerDraft(qs[3].id, text=f"意见{i}" if i % 4 == 0 else None),
                    ]
                    began = time.perf_counter()
                    async with db.transaction(tenant_id=county.tenant_id) as session:
                        await surveys.answer_survey(
                            session,
                            anonymous,
                            survey_id=survey.id,
                            idempotency_key=f"bench-{i}",
                            answers=sheet,
                        )
                    latencies.append(time.perf_counter() - began)

            began = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(concurrency)))
            answering = time.perf_counter() - began
            reads: list[float] = []
            for _ in range(5):
                began = time.perf_counter()
                async with db.transaction(tenant_id=county.tenant_id) as session:
                    found = await surveys.results(
                        session, await surveys.get_survey(session, survey.id)
                    )
                reads.append(time.perf_counter() - began)
            assert found.respondents == answers, found.respondents
            latencies.sort()
            return {
                "answers": answers,
                "concurrency": concurrency,
                "answers_per_second": round(answers / answering, 1),
                "answer_p50_ms": round(statistics.median(latencies) * 1000, 1),
                "answer_p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 1),
                "results_read_ms_best": round(min(reads) * 1000, 1),
                "results_read_ms_median": round(statistics.median(reads) * 1000, 1),
                "load_average": os.getloadavg(),
            }
        finally:
            await db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    figures = asyncio.run(run(args.answers, args.concurrency))
    log(json.dumps(figures, ensure_ascii=False))
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    out = RESULTS / f"survey-results-{args.answers}-{stamp}.json"
    out.write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n")
    log(f"saved {out}")


if __name__ == "__main__":
    main()
