"""The consultation record is provable against whoever holds the database (issue 11,
findings 3-6): the chain's encoding is pinned (golden vectors), a sealed stream must end
with its seal, every section of the record is bound to the chain, the county signs the
seal (SM2 over SM3, checked against OpenSSL) and a TSA timestamps it (RFC 3161, a local
`openssl ts` here), and an export verifies with only its JSON and the county's public key.
People's names live beside the chain, so anonymising someone breaks no record."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import http.server
import io
import json
import os
import random
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import pytest
import rfc8785
from docx import Document

from backend.core.db import async_url
from backend.record import sm2
from backend.record.seal import Sealer, generate_key, statement_bytes
from realtime.log import GENESIS, _orjson_is_jcs, canonical_event, chain_hash, jcs
from tests.conftest import asyncpg_dsn
from tests.meetings_api import CLOSE, RECORD, VERIFY, ok, stream_of
from tests.test_meetings_record import MINUTES, all_events, run_a_meeting

YISHI = Path(sys.executable).with_name("yishi")

# -- the encoding, pinned ---------------------------------------------------------------

GOLDEN = {
    "tenant_id": 7,
    "stream": "meeting:42",
    "seq": 3,
    "type": "participant.checkedIn",
    "payload": {
        "userId": 501,
        "name": "张三",
        "mode": "IN_PERSON",
        "role": "DEPUTY",
        "rate": 0.5,
        "emoji": "议事😀",
        "ctl": "a\nb\u0001",
    },
    "actor_user_id": 9,
    "created_at": datetime(2026, 12, 1, 9, 0, 0, 123456, tzinfo=UTC),
    "prev_hash": GENESIS,
}
GOLDEN_V1 = (
    '{"actor":9,"at":"2026-12-01T09:00:00.123456+00:00","payload":{"ctl":"a\\nb\\u0001",'
    '"emoji":"议事😀","mode":"IN_PERSON","name":"张三","rate":0.5,"role":"DEPUTY","userId":501},'
    '"prev":"' + "0" * 64 + '","seq":3,"stream":"meeting:42","tenant":7,'
    '"type":"participant.checkedIn"}'
)
GOLDEN_V2 = (
    '{"actor":9,"at":"2026-12-01T09:00:00.123456+00:00","payload":{"ctl":"a\\nb\\u0001",'
    '"emoji":"议事😀","mode":"IN_PERSON","rate":0.5,"role":"DEPUTY","userId":501},'
    '"prev":"' + "0" * 64 + '","seq":3,"stream":"meeting:42","tenant":7,'
    '"type":"participant.checkedIn","version":2}'
)


def test_version_1_encoding_and_hash_are_pinned():
    assert canonical_event(**GOLDEN, version=1).decode() == GOLDEN_V1
    assert chain_hash(**GOLDEN, version=1) == (
        "b8a1cbf9c81204fd76382db7a8e959744a951ca2359d4586d7a3a2802b518d1b"
    )


def test_version_2_is_rfc8785_without_person_labels_and_pinned():
    assert canonical_event(**GOLDEN, version=2).decode() == GOLDEN_V2
    digest = "10dc12cbaeaa8c83c9aefe422ccc8eeb7004f4ebfea1c12c4bb44046a686f33d"
    assert hashlib.sha256(GOLDEN_V2.encode()).hexdigest() == digest
    assert chain_hash(**GOLDEN, version=2) == digest
    # The name is a label beside the chain: renaming the person changes nothing hashed.
    renamed = {**GOLDEN, "payload": {**GOLDEN["payload"], "name": "已注销用户"}}
    assert chain_hash(**renamed, version=2) == digest
    assert chain_hash(**renamed, version=1) != chain_hash(**GOLDEN, version=1)


def test_the_fast_encoder_is_byte_for_byte_rfc8785():
    # given 3,000 payloads of the shapes events carry: nested objects and arrays, Chinese,
    # emoji and control characters in keys and strings, integers at JCS's limits, floats
    rng = random.Random(11)
    alphabet = [
        "a",
        "Z",
        "议",
        "事",
        "😀",
        "\ue000",
        "\uffff",
        "\n",
        "\u0001",
        '"',
        "\\",
        "/",
        "\u2028",
        "\x7f",
    ]

    def text() -> str:
        return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6)))

    def value(depth: int):
        kind = rng.randint(0, 7 if depth < 3 else 4)
        if kind == 0:
            return rng.choice([None, True, False])
        if kind == 1:
            return rng.choice([0, -1, 2**53 - 1, -(2**53 - 1), rng.randint(-(10**9), 10**9)])
        if kind == 2:
            return rng.choice([0.5, 1.0, 1e21, 1e-7, 0.1 + 0.2, -0.0])
        if kind in (3, 4):
            return text()
        if kind == 5:
            return [value(depth + 1) for _ in range(rng.randint(0, 4))]
        return {text(): value(depth + 1) for _ in range(rng.randint(0, 5))}

    payloads = [{text(): value(0) for _ in range(rng.randint(1, 6))} for _ in range(3000)]

    # then the encoder used for the chain agrees with the reference implementation on all
    for p in payloads:
        assert jcs(p) == rfc8785.dumps(p), p
    # and most of them went the fast way (orjson), the rest fell back to rfc8785
    fast = sum(1 for p in payloads if _orjson_is_jcs(p))
    assert 300 < fast < 2700


# -- SM2 against OpenSSL ----------------------------------------------------------------

DISTID = "distid:1234567812345678"


def _openssl(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["openssl", *args], cwd=cwd, capture_output=True, text=True, timeout=60, check=False
    )


def test_sm2_signatures_interoperate_with_openssl(tmp_path: Path):
    # given our key in PEM files, and a key OpenSSL made
    ours = sm2.PrivateKey.generate()
    (tmp_path / "ours.pem").write_text(ours.pem())
    (tmp_path / "ours.pub").write_text(ours.public.pem())
    (tmp_path / "msg").write_bytes(statement_bytes({"format": "yishi.seal/1", "seq": 1}))
    (tmp_path / "ours.sig").write_bytes(ours.sign((tmp_path / "msg").read_bytes()))
    assert (
        _openssl("genpkey", "-algorithm", "SM2", "-out", "theirs.pem", cwd=tmp_path).returncode == 0
    )
    assert (
        _openssl(
            "pkey", "-in", "theirs.pem", "-pubout", "-out", "theirs.pub", cwd=tmp_path
        ).returncode
        == 0
    )
    signed = _openssl(
        "pkeyutl", "-sign", "-inkey", "theirs.pem", "-rawin", "-digest", "sm3",
        "-pkeyopt", DISTID, "-in", "msg", "-out", "theirs.sig", cwd=tmp_path,
    )  # fmt: skip
    assert signed.returncode == 0, signed.stderr

    # when OpenSSL checks ours and we check theirs
    checked = _openssl(
        "pkeyutl", "-verify", "-pubin", "-inkey", "ours.pub", "-rawin", "-digest", "sm3",
        "-pkeyopt", DISTID, "-in", "msg", "-sigfile", "ours.sig", cwd=tmp_path,
    )  # fmt: skip
    theirs = sm2.PublicKey.from_pem((tmp_path / "theirs.pub").read_text())

    # then both hold, and a changed message holds for neither
    assert checked.stdout.strip() == "Signature Verified Successfully", checked.stderr
    assert theirs.verify((tmp_path / "msg").read_bytes(), (tmp_path / "theirs.sig").read_bytes())
    assert not theirs.verify(b"other", (tmp_path / "theirs.sig").read_bytes())
    assert not ours.public.verify(b"other", (tmp_path / "ours.sig").read_bytes())
    assert sm2.PrivateKey.from_pem(ours.pem()) == ours
    assert _openssl("pkey", "-in", "ours.pem", "-noout", cwd=tmp_path).returncode == 0


# -- a local time-stamping authority (openssl ts behind HTTP on 127.0.0.1) ----------------

TSA_CONFIG = """
[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
dir = {dir}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.pem
certs = $dir/ca.pem
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


@pytest.fixture(scope="module")
def tsa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """(URL, root certificate file) of a TSA answering on 127.0.0.1 with `openssl ts`."""
    d = tmp_path_factory.mktemp("tsa")
    (d / "ext.cnf").write_text(
        "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n"
        "extendedKeyUsage=critical,timeStamping\n"
    )
    for args in (
        ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
         "-keyout", "ca.key", "-out", "ca.pem", "-subj", "/CN=Yishi Test TSA Root", "-days", "30",
         "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign"],
        ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
         "-keyout", "tsa.key", "-out", "tsa.csr", "-subj", "/CN=Yishi Test TSA"],
        ["x509", "-req", "-in", "tsa.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-set_serial", "2",
         "-out", "tsa.pem", "-days", "30", "-extfile", "ext.cnf"],
    ):  # fmt: skip
        done = _openssl(*args, cwd=d)
        assert done.returncode == 0, done.stderr
    (d / "serial").write_text("01\n")
    (d / "tsa.cnf").write_text(TSA_CONFIG.format(dir=d))
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            query = self.rfile.read(int(self.headers["Content-Length"]))
            with lock:
                (d / "q.tsq").write_bytes(query)
                done = _openssl(
                    "ts", "-reply", "-config", "tsa.cnf", "-queryfile", "q.tsq", "-out", "r.tsr",
                    cwd=d,
                )  # fmt: skip
                reply = (d / "r.tsr").read_bytes() if done.returncode == 0 else b""
            self.send_response(200 if reply else 500)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/tsa", d / "ca.pem"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def sealing(server, tsa, tmp_path: Path) -> Iterator[Path]:
    """The service as configured with a key directory and the local TSA; yields the dir."""
    url, _root = tsa
    keys = tmp_path / "keys"
    before = server.services.sealer
    server.services.sealer = Sealer(keys, url, 10.0)
    try:
        yield keys
    finally:
        server.services.sealer = before


def yishi(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(YISHI), *args],
        env={**os.environ, "NO_COLOR": "1", **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def superuser(database_url: str) -> asyncpg.Connection:
    """A superuser connection with triggers off: what someone holding the database can do."""
    conn = await asyncpg.connect(asyncpg_dsn(async_url(database_url)))
    await conn.execute("SET session_replication_role = replica")
    return conn


async def sealed_meeting(server, gql, keys: Path, tmp_path: Path):
    """A meeting run and closed by a county that has a signing key; its public key file."""
    county, people, meeting, ids = await run_a_meeting(server, gql)
    public = generate_key(keys, county.slug)
    (tmp_path / "county.pem").write_text(public.pem())
    closed = await ok(gql, CLOSE, {"m": meeting}, county.admin.token)
    return county, people, meeting, ids, closed["meeting"]["sealedHash"]


async def export_to(gql, county, meeting, path: Path) -> dict:
    record = (await gql.data(RECORD, {"m": meeting}, token=county.admin.token))["meetingRecord"]
    text = json.dumps(record, ensure_ascii=False)
    await asyncio.to_thread(path.write_text, text, encoding="utf-8")
    return record


async def rechain(conn: asyncpg.Connection, tenant_id: int, stream: str, seq: int, payload):
    """Rewrite event `seq` and recompute every hash after it, the head and the meeting's
    sealed hash — everything but the county's signature."""
    rows = await conn.fetch(
        "SELECT * FROM events WHERE tenant_id = $1 AND stream = $2 ORDER BY seq", tenant_id, stream
    )
    prev = rows[seq - 2]["hash"] if seq > 1 else GENESIS
    for r in rows[seq - 1 :]:
        body = payload if r["seq"] == seq else json.loads(r["payload"])
        digest = chain_hash(
            tenant_id=tenant_id, stream=stream, seq=r["seq"], type=r["type"], payload=body,
            actor_user_id=r["actor_user_id"], created_at=r["created_at"], prev_hash=prev, version=2,
        )  # fmt: skip
        await conn.execute(
            "UPDATE events SET payload = $1::jsonb, prev_hash = $2, hash = $3 WHERE id = $4",
            json.dumps(body), prev, digest, r["id"],
        )  # fmt: skip
        prev = digest
    await conn.execute(
        "UPDATE event_streams SET last_hash = $1::text, "
        "seal = jsonb_set(seal, '{statement,head_hash}', to_jsonb($1::text)) "
        "WHERE tenant_id = $2 AND stream = $3",
        prev, tenant_id, stream,
    )  # fmt: skip
    meeting_id = int(stream.split(":")[1])
    await conn.execute("UPDATE meetings SET sealed_hash = $1 WHERE id = $2", prev, meeting_id)
    return prev


# -- the seal: signed, timestamped, printed, verified ------------------------------------


async def test_a_sealed_record_is_signed_timestamped_and_verifies_from_its_export_alone(
    server, gql, sealing, tsa, tmp_path
):
    # given a county with a key and a TSA, a meeting closed and exported
    _url, root = tsa
    county, _people, meeting, _ids, sealed_hash = await sealed_meeting(
        server, gql, sealing, tmp_path
    )
    record = await export_to(gql, county, meeting, tmp_path / "record.json")

    # then the seal names the algorithm, is signed by the county's key and timestamped
    statement = record["seal"]["statement"]
    public = sm2.PublicKey.from_pem((tmp_path / "county.pem").read_text())
    assert statement["algorithm"] == "SM2-with-SM3"
    assert statement["key_id"] == public.key_id
    assert (statement["head_hash"], statement["seq"]) == (sealed_hash, record["chain"]["events"])
    assert statement["hash_version"] == record["chain"]["hash_version"] == 2
    assert public.verify(statement_bytes(statement), base64.b64decode(record["seal"]["signature"]))
    assert record["seal"]["timestamp"]["time"] is not None
    assert record["chain"]["content_matches"] is True
    assert record["chain"]["seal_problems"] == []

    # when the export is verified with only the JSON, the public key and the TSA's root
    done = yishi(
        "record", "verify-export", str(tmp_path / "record.json"),
        "--public-key", str(tmp_path / "county.pem"), "--tsa-cert", str(root),
        "--expect", sealed_hash,
    )  # fmt: skip

    # then every check holds
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[0] == f"链 chain: OK {record['chain']['events']} events, head {sealed_hash}"
    assert lines[1] == "内容 content: OK every section matches the sealed digests"
    assert lines[2] == f"签名 signature: OK SM2-with-SM3, key {public.key_id}"
    assert lines[3].startswith("时间戳 timestamp: ") and lines[3].endswith("(trusted TSA)")
    assert lines[-1] == "OK"

    # and the document prints the signature, the key's fingerprint and the timestamp
    response = await gql.http.get(
        f"/meetings/{meeting}/record.docx",
        headers={"X-Tenant": county.slug, "Authorization": f"Bearer {county.admin.token}"},
    )
    import io

    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert f"记录链哈希：{sealed_hash}" in text
    assert f"县级签名公钥指纹（SM3）：{public.key_id}" in text
    assert f"封存签名：{record['seal']['signature']}" in text
    assert "可信时间戳（RFC 3161）：" in text
    assert "校验结果：通过" in text


async def test_a_rechained_record_fails_against_the_county_signature(
    server, gql, sealing, tsa, tmp_path, database_url
):
    # given a sealed, signed record
    _url, root = tsa
    county, _people, meeting, _ids, sealed_hash = await sealed_meeting(
        server, gql, sealing, tmp_path
    )
    stream = stream_of(meeting)
    events = await all_events(gql, meeting, county.admin.token)
    posted = next(e for e in events if e["type"] == "comment.posted")

    # when someone holding the database rewrites a comment and recomputes every hash after
    # it (the head, the meeting's sealed hash and the seal statement too), without the key
    conn = await superuser(database_url)
    try:
        stored = json.loads(
            await conn.fetchval(
                "SELECT payload FROM events WHERE tenant_id = $1 AND stream = $2 AND seq = $3",
                county.id, stream, posted["seq"],
            )
        )  # fmt: skip
        stored["body"] = "被改写的留言"
        new_head = await rechain(conn, county.id, stream, posted["seq"], stored)
    finally:
        await conn.close()

    # then the chain itself recomputes (the hashes have no key), but the API's verification
    # fails on the county's signature ...
    verified = (await gql.data(VERIFY, {"s": stream}, token=county.admin.token))["verifyStream"]
    assert (verified["valid"], verified["headHash"]) == (False, new_head)
    assert (verified["firstBrokenSeq"], verified["reason"]) == (None, None)
    # ... and so does the export against the county's public key, and the printed hash
    await export_to(gql, county, meeting, tmp_path / "record.json")
    done = yishi(
        "record", "verify-export", str(tmp_path / "record.json"),
        "--public-key", str(tmp_path / "county.pem"), "--tsa-cert", str(root),
    )  # fmt: skip
    assert done.returncode == 1
    assert "封存 seal: 封存签名无效（记录被改动后重新封存？）" in done.stdout
    assert done.stdout.strip().splitlines()[-1] == "FAILED"
    expected = yishi(
        "record", "verify-export", str(tmp_path / "record.json"),
        "--public-key", str(tmp_path / "county.pem"), "--expect", sealed_hash,
    )  # fmt: skip
    assert expected.returncode == 1
    assert "链 chain: BROKEN at seq None: 记录链哈希与给定的哈希不一致" in expected.stdout
    db = yishi(
        "record", "verify", "--tenant", county.slug, "--stream", stream,
        "--public-key", str(tmp_path / "county.pem"),
        env={"DATABASE_URL": database_url},
    )  # fmt: skip
    assert db.returncode == 1
    assert "封存签名无效" in db.stdout


async def test_a_record_resealed_with_another_key_fails(
    server, gql, sealing, tmp_path, database_url
):
    # given a sealed record, re-chained and re-signed with a key the attacker made
    county, _people, meeting, _ids, _sealed = await sealed_meeting(server, gql, sealing, tmp_path)
    stream = stream_of(meeting)
    conn = await superuser(database_url)
    try:
        first = json.loads(
            await conn.fetchval(
                "SELECT payload FROM events WHERE tenant_id = $1 AND stream = $2 AND seq = 1",
                county.id, stream,
            )
        )  # fmt: skip
        first["title"] = "改过的会议"
        await rechain(conn, county.id, stream, 1, first)
        seal = json.loads(
            await conn.fetchval(
                "SELECT seal FROM event_streams WHERE tenant_id = $1 AND stream = $2",
                county.id, stream,
            )
        )  # fmt: skip
        forger = sm2.PrivateKey.generate()
        seal["statement"]["key_id"] = forger.public.key_id
        seal["signature"] = base64.b64encode(
            forger.sign(statement_bytes(seal["statement"]))
        ).decode()
        seal["public_key"] = forger.public.pem()
        await conn.execute(
            "UPDATE event_streams SET seal = $1::jsonb WHERE tenant_id = $2 AND stream = $3",
            json.dumps(seal), county.id, stream,
        )  # fmt: skip
    finally:
        await conn.close()

    # when the export is checked against the county's published key
    await export_to(gql, county, meeting, tmp_path / "record.json")
    done = yishi(
        "record", "verify-export", str(tmp_path / "record.json"),
        "--public-key", str(tmp_path / "county.pem"),
    )  # fmt: skip

    # then it fails, naming the key
    assert done.returncode == 1
    assert "封存 seal: 封存签名的密钥不是给定的县级公钥" in done.stdout


async def test_deleting_the_seal_event_and_moving_the_head_back_is_caught(
    server, gql, sealing, tmp_path, database_url
):
    # given a sealed record
    county, _people, meeting, _ids, sealed_hash = await sealed_meeting(
        server, gql, sealing, tmp_path
    )
    stream = stream_of(meeting)

    # when the last event is deleted and the head moved back to the one before
    conn = await superuser(database_url)
    try:
        last = await conn.fetchrow(
            "SELECT seq, prev_hash FROM events WHERE tenant_id = $1 AND stream = $2 "
            "ORDER BY seq DESC LIMIT 1",
            county.id, stream,
        )  # fmt: skip
        await conn.execute(
            "DELETE FROM events WHERE tenant_id = $1 AND stream = $2 AND seq = $3",
            county.id, stream, last["seq"],
        )  # fmt: skip
        await conn.execute(
            "UPDATE event_streams SET last_seq = $1, last_hash = $2 "
            "WHERE tenant_id = $3 AND stream = $4",
            last["seq"] - 1, last["prev_hash"], county.id, stream,
        )  # fmt: skip
    finally:
        await conn.close()

    # then the API and the command say so
    broken = (await gql.data(VERIFY, {"s": stream}, token=county.admin.token))["verifyStream"]
    assert (broken["valid"], broken["firstBrokenSeq"]) == (False, last["seq"])
    assert broken["reason"] == "记录已封存，但事件链不以封存事件结束（末尾事件被删除？）"
    cli = yishi(
        "record", "verify", "--tenant", county.slug, "--stream", stream,
        env={"DATABASE_URL": database_url},
    )  # fmt: skip
    assert cli.returncode == 1
    assert f"BROKEN {stream} at seq {last['seq']}" in cli.stdout

    # and even with the seal mark cleared, the hash printed in the document refutes it
    conn = await superuser(database_url)
    sealed_at = await conn.fetchval(
        "SELECT sealed_at FROM event_streams WHERE tenant_id = $1 AND stream = $2",
        county.id, stream,
    )  # fmt: skip
    try:
        await conn.execute(
            "UPDATE event_streams SET sealed_at = NULL WHERE tenant_id = $1 AND stream = $2",
            county.id, stream,
        )  # fmt: skip
        expected = yishi(
            "record", "verify", "--tenant", county.slug, "--stream", stream,
            "--expect", sealed_hash, env={"DATABASE_URL": database_url},
        )  # fmt: skip
    finally:
        # sealed again: an unsealed stream would take appends from later tests' sweeps
        await conn.execute(
            "UPDATE event_streams SET sealed_at = $3 WHERE tenant_id = $1 AND stream = $2",
            county.id, stream, sealed_at,
        )  # fmt: skip
        await conn.close()
    assert expected.returncode == 1
    assert "记录链哈希与给定的哈希不一致" in expected.stdout


# -- rows outside the chain (finding 3) ---------------------------------------------------


async def test_editing_the_minutes_or_results_after_sealing_is_caught(
    server, gql, sealing, tmp_path, database_url, owner_db
):
    # given a sealed record that verifies
    county, _people, meeting, _ids, _sealed = await sealed_meeting(server, gql, sealing, tmp_path)
    stream = stream_of(meeting)
    before = await export_to(gql, county, meeting, tmp_path / "before.json")
    assert before["chain"]["content_matches"] is True

    # when the minutes and a poll's counts are edited in their rows (outside the chain)
    meeting_id = int(before["meeting"]["id"])
    await owner_db.execute(
        "UPDATE meetings SET minutes = '会议一致通过。' WHERE id = $1", meeting_id
    )
    await owner_db.execute("UPDATE polls SET counts = '[3, 0]' WHERE meeting_id = $1", meeting_id)

    # then the export, the document and both verifications name the sections
    after = await export_to(gql, county, meeting, tmp_path / "after.json")
    assert after["minutes"]["text"] == "会议一致通过。"
    assert after["chain"]["valid"] is True  # the chain itself was not touched
    assert after["chain"]["content_matches"] is False
    assert after["chain"]["content_differs"] == ["minutes", "polls"]
    done = yishi(
        "record", "verify-export", str(tmp_path / "after.json"),
        "--public-key", str(tmp_path / "county.pem"),
    )  # fmt: skip
    assert done.returncode == 1
    assert "内容 content: DIFFERS from the seal: minutes, polls" in done.stdout
    db = yishi(
        "record", "verify", "--tenant", county.slug, "--stream", stream,
        "--public-key", str(tmp_path / "county.pem"), env={"DATABASE_URL": database_url},
    )  # fmt: skip
    assert db.returncode == 1
    assert "内容 content: DIFFERS from the seal: minutes, polls" in db.stdout
    response = await gql.http.get(
        f"/meetings/{meeting}/record.docx",
        headers={"X-Tenant": county.slug, "Authorization": f"Bearer {county.admin.token}"},
    )
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "记录内容与封存时不一致：会议纪要、表决结果" in text
    assert "校验结果：未通过" in text
    # the earlier export still verifies: it is what was sealed
    assert before["minutes"]["text"] == MINUTES
    intact = yishi(
        "record", "verify-export", str(tmp_path / "before.json"),
        "--public-key", str(tmp_path / "county.pem"),
    )  # fmt: skip
    assert intact.returncode == 0, intact.stdout


# -- PIPL (finding 6) ---------------------------------------------------------------------


async def test_anonymising_a_person_keeps_every_record_verifiable(
    server, gql, sealing, tmp_path, owner_db
):
    # given a sealed record in which a person checked in and commented
    county, people, meeting, _ids, _sealed = await sealed_meeting(server, gql, sealing, tmp_path)
    stream = stream_of(meeting)
    person = people[0]
    stored = await owner_db.fetch(
        "SELECT payload FROM events WHERE tenant_id = $1 AND stream = $2 "
        "AND type IN ('participant.checkedIn', 'comment.posted')",
        county.id, stream,
    )  # fmt: skip
    # the chain holds ids, not names
    assert stored and all(
        "name" not in json.loads(r["payload"]) and "authorName" not in json.loads(r["payload"])
        for r in stored
    )
    before = await export_to(gql, county, meeting, tmp_path / "before.json")
    assert any(c["author_name"] == "代表0" for c in before["comments"])

    # when the person is anonymised
    await owner_db.execute(
        "UPDATE users SET display_name = '已注销用户' WHERE tenant_id = $1 AND display_name = '代表0'",
        county.id,
    )

    # then the record shows the new name everywhere and still verifies
    after = await export_to(gql, county, meeting, tmp_path / "after.json")
    text = json.dumps(after, ensure_ascii=False)
    assert "代表0" not in text and "已注销用户" in text
    assert after["chain"]["valid"] is True and after["chain"]["content_matches"] is True
    done = yishi(
        "record", "verify-export", str(tmp_path / "after.json"),
        "--public-key", str(tmp_path / "county.pem"),
    )  # fmt: skip
    assert done.returncode == 0, done.stdout
    events = await all_events(gql, meeting, county.admin.token)
    checked_in = [e for e in events if e["type"] == "participant.checkedIn"]
    assert "已注销用户" in {e["payload"]["name"] for e in checked_in}
    assert person.phone not in text


def test_keygen_and_public_key_commands(tmp_path):
    made = yishi(
        "record", "keygen", "--tenant", "demo", "--keys-dir", str(tmp_path),
        "--public-out", str(tmp_path / "demo.pub.pem"),
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    key_file = tmp_path / "demo.sm2.pem"
    assert key_file.stat().st_mode & 0o777 == 0o600
    shown = yishi("record", "public-key", "--tenant", "demo", "--keys-dir", str(tmp_path))
    assert shown.stdout == (tmp_path / "demo.pub.pem").read_text()
    again = yishi("record", "keygen", "--tenant", "demo", "--keys-dir", str(tmp_path))
    assert again.returncode == 1 and "密钥已存在" in again.stderr


async def test_a_tsa_that_is_down_does_not_stop_the_close_and_record_seal_completes_it(
    server, gql, tsa, tmp_path, database_url
):
    # given a county with a key whose TSA refuses connections at closing time
    url, root = tsa
    keys = tmp_path / "keys"
    before = server.services.sealer
    server.services.sealer = Sealer(keys, "http://127.0.0.1:9/tsa", 2.0)
    try:
        county, _people, meeting, _ids, sealed_hash = await sealed_meeting(
            server, gql, keys, tmp_path
        )
    finally:
        server.services.sealer = before
    record = await export_to(gql, county, meeting, tmp_path / "record.json")
    assert record["meeting"]["state"] == "CLOSED"
    assert record["seal"]["signature"] and record["seal"]["timestamp"] is None
    assert record["seal"]["timestamp_error"].startswith("时间戳服务不可用")
    untimed = yishi(
        "record", "verify-export", str(tmp_path / "record.json"),
        "--public-key", str(tmp_path / "county.pem"), "--tsa-cert", str(root),
    )  # fmt: skip
    assert untimed.returncode == 1 and "封存 seal: 封存没有时间戳" in untimed.stdout

    # when the operator completes the seal once the TSA is back
    env = {"DATABASE_URL": database_url, "RECORD_KEYS_DIR": str(keys), "RECORD_TSA_URL": url}
    done = yishi("record", "seal", "--tenant", county.slug, "--stream", stream_of(meeting), env=env)

    # then the seal has its timestamp and the export verifies against the TSA's root
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"{stream_of(meeting)}: signed, timestamp 20")
    record = await export_to(gql, county, meeting, tmp_path / "record.json")
    assert "timestamp_error" not in record["seal"]
    verified = yishi(
        "record", "verify-export", str(tmp_path / "record.json"),
        "--public-key", str(tmp_path / "county.pem"), "--tsa-cert", str(root),
        "--expect", sealed_hash,
    )  # fmt: skip
    assert verified.returncode == 0, verified.stdout


async def test_a_broken_key_file_seals_unsigned_and_says_why(server, gql, tmp_path):
    # given a county whose key file is not a key
    county, _people, meeting, _ids = await run_a_meeting(server, gql)
    keys = tmp_path / "keys"
    keys.mkdir()
    (keys / f"{county.slug}.sm2.pem").write_text("not a key")
    before = server.services.sealer
    server.services.sealer = Sealer(keys, None, 1.0)
    try:
        # when the meeting is closed
        closed = await ok(gql, CLOSE, {"m": meeting}, county.admin.token)
    finally:
        server.services.sealer = before

    # then it is sealed, unsigned, and the record and the document say why
    assert closed["meeting"]["state"] == "CLOSED"
    record = (await gql.data(RECORD, {"m": meeting}, token=county.admin.token))["meetingRecord"]
    assert record["seal"]["signature"] is None
    assert record["seal"]["signature_error"] == "签名密钥无法读取：不是 EC PRIVATE KEY 格式的 PEM"
    response = await gql.http.get(
        f"/meetings/{meeting}/record.docx",
        headers={"X-Tenant": county.slug, "Authorization": f"Bearer {county.admin.token}"},
    )
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "封存签名：无（签名密钥无法读取：不是 EC PRIVATE KEY 格式的 PEM）" in text


async def test_an_event_inserted_beyond_the_head_is_reported(server, gql, database_url):
    # given a live meeting's stream (its speech timer running)
    county, _people, meeting, _ids = await run_a_meeting(server, gql)
    stream = stream_of(meeting)
    conn = await superuser(database_url)
    head = await conn.fetchrow(
        "SELECT last_seq, last_hash FROM event_streams WHERE tenant_id = $1 AND stream = $2",
        county.id, stream,
    )  # fmt: skip
    try:
        # when someone inserts a well-chained event after it without moving the head
        at = datetime.now(UTC)
        seq = head["last_seq"] + 1
        payload = {"state": "CLOSED"}
        digest = chain_hash(
            tenant_id=county.id, stream=stream, seq=seq, type="meeting.stateChanged",
            payload=payload, actor_user_id=None, created_at=at, prev_hash=head["last_hash"],
            version=2,
        )  # fmt: skip
        await conn.execute(
            "INSERT INTO events (tenant_id, stream, seq, type, payload, actor_user_id, "
            "created_at, prev_hash, hash) VALUES ($1, $2, $3, 'meeting.stateChanged', $4::jsonb, "
            "NULL, $5, $6, $7)",
            county.id, stream, seq, json.dumps(payload), at, head["last_hash"], digest,
        )  # fmt: skip

        # then verification names it
        broken = (await gql.data(VERIFY, {"s": stream}, token=county.admin.token))["verifyStream"]
        assert (broken["valid"], broken["firstBrokenSeq"]) == (False, seq)
        assert broken["reason"] == "流头之后还有事件（事件被插入？）"
    finally:
        # take the inserted event out again: the meeting's timer still runs, and its time-up
        # (when a later test advances the shared clock) would be appended at the inserted
        # seq, a duplicate the timer scheduler logs for every later test
        await conn.execute(
            "DELETE FROM events WHERE tenant_id = $1 AND stream = $2 AND seq > $3",
            county.id, stream, head["last_seq"],
        )  # fmt: skip
        last = await conn.fetchval(
            "SELECT max(seq) FROM events WHERE tenant_id = $1 AND stream = $2", county.id, stream
        )
        await conn.close()
    # and the stream's head is its last event again
    assert last == head["last_seq"]
