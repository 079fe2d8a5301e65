"""`verifyStream` checks what `yishi record verify` checks (issue 11, findings 3 and 4): the
chain, the seal's SM2 signature and RFC 3161 timestamp, and every section of the record
against the digests sealed in the chain — tampered rows are named. Viewers who are not
hosts are served a cached verification of the same stream head, so an anonymous request
is not a full recompute."""

# ruff: noqa: F811  (the fixtures `sealing` and `tsa` of test_record_seal are parameters)

from __future__ import annotations

import json

import pytest

from backend.record.verify import RecordCheck, VerificationCache
from realtime.log import Verification
from tests.meetings_api import CLOSE, ok, stream_of
from tests.test_meetings_record import run_a_meeting
from tests.test_record_seal import rechain, sealed_meeting, sealing, superuser, tsa  # noqa: F401

FULL = """query($s: String!) { verifyStream(stream: $s) {
  stream events valid headHash firstBrokenSeq reason sealed signed timestamp timestampTrusted
  contentDiffers problems checkedAt } }"""


async def verify(gql, stream, **who):
    return (await gql.data(FULL, {"s": stream}, **who))["verifyStream"]


async def test_a_signed_timestamped_record_verifies_every_check(
    server,
    gql,
    sealing,
    tmp_path,
):
    # given
    county, _people, meeting, _ids, sealed_hash = await sealed_meeting(
        server, gql, sealing, tmp_path
    )

    # when
    verified = await verify(gql, stream_of(meeting), token=county.admin.token)

    # then
    assert verified["valid"] is True and verified["problems"] == []
    assert (verified["sealed"], verified["signed"]) == (True, True)
    assert verified["headHash"] == sealed_hash and verified["contentDiffers"] == []
    assert verified["timestamp"] is not None
    assert verified["timestampTrusted"] is False  # RECORD_TSA_CERTS is not set here


@pytest.mark.parametrize(
    ("sql", "section"),
    [
        ("UPDATE meetings SET minutes = '被改写的纪要' WHERE id = $1", "minutes"),
        (
            "UPDATE scoring_sheets SET results = jsonb_set(results, '{ballots}', '999') "
            "WHERE meeting_id = $1",
            "scoring",
        ),
        ("UPDATE polls SET counts = '[99, 0]', total_votes = 99 WHERE meeting_id = $1", "polls"),
    ],
)
async def test_a_row_edited_after_sealing_fails_naming_its_section(
    server,
    gql,
    sealing,
    tmp_path,
    database_url,
    sql,
    section,
):
    # given a sealed, signed record that verifies
    county, _people, meeting, _ids, _hash = await sealed_meeting(server, gql, sealing, tmp_path)
    stream = stream_of(meeting)
    assert (await verify(gql, stream, token=county.admin.token))["valid"] is True

    # when a superuser edits a row outside the chain
    conn = await superuser(database_url)
    try:
        await conn.execute(sql, int(stream.split(":")[1]))
    finally:
        await conn.close()

    # then the host's verification fails and names the section; the chain itself holds
    broken = await verify(gql, stream, token=county.admin.token)
    assert broken["valid"] is False
    assert broken["contentDiffers"] == [section]
    assert broken["problems"] == [f"记录内容与封存时不一致：{section}"]
    assert (broken["firstBrokenSeq"], broken["reason"], broken["signed"]) == (None, None, True)


async def test_a_rechained_record_fails_on_its_signature(
    server,
    gql,
    sealing,
    tmp_path,
    database_url,
):
    # given
    county, _people, meeting, _ids, _hash = await sealed_meeting(server, gql, sealing, tmp_path)
    stream = stream_of(meeting)
    conn = await superuser(database_url)
    try:
        row = await conn.fetchrow(
            "SELECT seq, payload FROM events WHERE tenant_id = $1 AND stream = $2 "
            "AND type = 'comment.posted' ORDER BY seq LIMIT 1",
            county.id,
            stream,
        )
        payload = json.loads(row["payload"])
        payload["body"] = "被改写的留言"
        # when every hash after it, the head and the seal statement are recomputed
        new_head = await rechain(conn, county.id, stream, row["seq"], payload)
    finally:
        await conn.close()

    # then the chain recomputes, but the signature gives it away, and so does the hash
    # printed in the document
    broken = await verify(gql, stream, token=county.admin.token)
    assert broken["valid"] is False and broken["headHash"] == new_head
    assert broken["signed"] is False
    assert broken["problems"] == ["封存：封存签名无效（记录被改动后重新封存？）"]
    printed = (
        await gql.data(
            "query($s: String!, $e: String) { verifyStream(stream: $s, expect: $e) "
            "{ valid problems } }",
            {"s": stream, "e": _hash},
            tenant=county.slug,
        )
    )["verifyStream"]
    assert printed["valid"] is False
    assert printed["problems"][-1] == "记录链哈希与给定的哈希不一致"


async def test_an_unsigned_seal_fails_when_the_county_has_a_key(
    server,
    gql,
    sealing,
    tmp_path,
    database_url,
):
    # given
    county, _people, meeting, _ids, _hash = await sealed_meeting(server, gql, sealing, tmp_path)
    stream = stream_of(meeting)

    # when the signature is stripped from the seal
    conn = await superuser(database_url)
    try:
        await conn.execute(
            "UPDATE event_streams SET seal = seal - 'signature' WHERE tenant_id = $1 "
            "AND stream = $2",
            county.id,
            stream,
        )
    finally:
        await conn.close()

    # then
    broken = await verify(gql, stream, token=county.admin.token)
    assert broken["valid"] is False and broken["signed"] is False
    assert broken["problems"] == ["封存：封存未经县级签名"]


async def test_anonymous_verification_is_cached_by_head_and_hosts_recompute(
    server, gql, database_url
):
    # given a sealed record (no county key: an unsigned seal, accepted and reported)
    county, _people, meeting, _ids = await run_a_meeting(server, gql)
    await ok(gql, CLOSE, {"m": meeting}, county.admin.token)
    stream = stream_of(meeting)
    first = await verify(gql, stream, tenant=county.slug)
    cache = server.services.verifications
    computed = cache.computed

    # when the public asks 20 more times
    answers = [await verify(gql, stream, tenant=county.slug) for _ in range(20)]

    # then nothing is recomputed: the same verification, same time
    assert first["valid"] is True and first["signed"] is False and first["sealed"] is True
    assert cache.computed == computed
    assert all(a == first for a in answers)

    # when a superuser edits the minutes, the host's verification sees it at once ...
    conn = await superuser(database_url)
    try:
        await conn.execute(
            "UPDATE meetings SET minutes = '被改写的纪要' WHERE id = $1", int(stream.split(":")[1])
        )
    finally:
        await conn.close()
    host = await verify(gql, stream, token=county.admin.token)
    assert host["valid"] is False and host["contentDiffers"] == ["minutes"]
    assert cache.computed == computed + 1

    # ... and refreshes what the public is served
    public = await verify(gql, stream, tenant=county.slug)
    assert public["valid"] is False and public["problems"] == ["记录内容与封存时不一致：minutes"]
    assert (public["firstBrokenSeq"], public["reason"]) == (None, None)


async def test_the_cache_expires_and_shares_one_computation():
    # given
    now = [0.0]
    cache = VerificationCache(ttl_seconds=60, clock=lambda: now[0])
    key = (1, "meeting:1", 3, "abc")
    calls = []

    async def compute():
        calls.append(1)
        return RecordCheck(Verification("meeting:1", 3, True, "abc"))

    # when
    import asyncio

    together = await asyncio.gather(*(cache.verify(key, compute) for _ in range(10)))
    now[0] = 59.0
    await cache.verify(key, compute)
    now[0] = 61.0
    await cache.verify(key, compute)

    # then
    assert len({id(c) for c in together}) == 1
    assert len(calls) == 2
