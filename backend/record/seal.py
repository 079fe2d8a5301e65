"""The county's seal on a sealed stream: an SM2 signature and an RFC 3161 timestamp.

When a record is sealed (its stream ends with `record.sealed`), the county signs a seal
statement naming the stream, its last sequence, its head hash and the chain's encoding
version; a time-stamping authority (TSA) then timestamps the signature. Someone who holds
the database and the code can rewrite events and recompute every hash, but cannot make a
signature with the county's private key (kept outside the database, `Settings.
record_keys_dir`) nor a timestamp from the TSA, so verification against the county's
public key and the TSA's certificate fails (`verify_seal`, `verify_export`).

The statement is RFC 8785 (JCS) JSON; the signature is SM2 over SM3 (`backend.record.sm2`),
DER, base64; the timestamp request's message imprint is SHA-256 of the signature bytes.
The record's content (everything it shows besides the events) is bound to the chain by
section digests in the `record.sealed` payload (`content_digests`).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import logging
import re
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import rfc8785
from cryptography import x509
from rfc3161_client import (
    HashAlgorithm,
    TimestampRequestBuilder,
    VerificationError,
    VerifierBuilder,
    decode_timestamp_response,
)
from rfc3161_client.tsp import PKIStatus

from backend.record import sm2
from realtime.log import SEALED_TYPE, ChainCheck, LoggedEvent, Verification

log = logging.getLogger(__name__)

SEAL_FORMAT = "yishi.seal/1"
CONTENT_FORMAT = "yishi.record-content/1"

# -- what the record shows, bound to the chain --------------------------------------------

# Members of the record that are not its content: when it was made, the chain itself
# (verified on its own), the seal, and the meeting's state (CLOSED, later RECORD_PUBLISHED).
_NOT_CONTENT = ("format", "generated_at", "events", "chain", "seal")
# Labels looked up at export time, not content: in an object with the key, these members are
# names of people (PIPL: anonymising someone must not break a record), of units, venues and
# the county (reference data renamed independently of any record).
RECORD_LABELS: dict[str, tuple[str, ...]] = {
    "user_id": ("name",),
    "author_user_id": ("author_name",),
    "speaker_user_id": ("speaker_name",),
    "id": ("name", "address", "timezone"),
}


def _strip(value: Any) -> Any:
    if isinstance(value, dict):
        drop = {m for k, members in RECORD_LABELS.items() if k in value for m in members}
        return {k: _strip(v) for k, v in value.items() if k not in drop}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def record_content(record: Mapping[str, Any]) -> dict[str, Any]:
    """The sections of a record that sealing binds (docs/meetings.md, "What the seal
    covers"): every member except `_NOT_CONTENT`, without `meeting.state` and labels."""
    content = {k: _strip(v) for k, v in record.items() if k not in _NOT_CONTENT}
    if isinstance(content.get("meeting"), dict):
        content["meeting"].pop("state", None)
    return content


def content_digests(record: Mapping[str, Any]) -> dict[str, Any]:
    """{"format", "sections": {section: SHA-256 hex of its JCS encoding}} of the record."""
    sections = {
        name: hashlib.sha256(rfc8785.dumps(value)).hexdigest()
        for name, value in sorted(record_content(record).items())
    }
    return {"format": CONTENT_FORMAT, "sections": sections}


def content_differences(record: Mapping[str, Any], sealed: Any) -> list[str]:
    """Sections whose content differs from the digests sealed in the chain (empty: same)."""
    if not isinstance(sealed, Mapping) or sealed.get("format") != CONTENT_FORMAT:
        return ["（封存事件中没有内容摘要）"]
    now = content_digests(record)["sections"]
    then = sealed.get("sections") or {}
    return sorted(k for k in set(now) | set(then) if now.get(k) != then.get(k))


# -- keys ---------------------------------------------------------------------------------


class SealError(Exception):
    """A key or TSA problem while sealing, with a message for people."""


def key_path(keys_dir: Path, county_slug: str) -> Path:
    """Where a county's private key lives: `<keys_dir>/<slug>.sm2.pem` (mode 0600)."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,62}", county_slug):
        raise SealError(f"县的标识不合法：{county_slug}")
    return keys_dir / f"{county_slug}.sm2.pem"


def generate_key(keys_dir: Path, county_slug: str, *, overwrite: bool = False) -> sm2.PublicKey:
    """Create the county's signing key file (owner-only) and return its public key."""
    path = key_path(keys_dir, county_slug)
    if path.exists() and not overwrite:
        raise SealError(f"密钥已存在：{path}")
    keys_dir.mkdir(parents=True, exist_ok=True)
    key = sm2.PrivateKey.generate()
    tmp = path.with_suffix(".tmp")
    tmp.touch(mode=0o600)
    tmp.chmod(0o600)
    tmp.write_text(key.pem(), encoding="ascii")
    tmp.replace(path)
    return key.public


def load_key(keys_dir: Path, county_slug: str) -> sm2.PrivateKey | None:
    path = key_path(keys_dir, county_slug)
    if not path.exists():
        return None
    return sm2.PrivateKey.from_pem(path.read_text(encoding="ascii"))


# -- timestamps ---------------------------------------------------------------------------


def _post(url: str, body: bytes, timeout: float) -> bytes:
    request = urllib.request.Request(
        url, data=body, headers={"Content-Type": "application/timestamp-query"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return bytes(response.read())


async def request_timestamp(url: str, data: bytes, *, timeout_seconds: float) -> bytes:
    """An RFC 3161 TimeStampResp (DER) from the TSA at `url` over SHA-256(data), checked:
    granted, over this data, answering this request's nonce."""
    request = (
        TimestampRequestBuilder()
        .data(data)
        .hash_algorithm(HashAlgorithm.SHA256)
        .cert_request(cert_request=True)
        .build()
    )
    try:
        raw = await asyncio.to_thread(_post, url, request.as_bytes(), timeout_seconds)
        response = decode_timestamp_response(raw)
    except (OSError, ValueError) as exc:
        raise SealError(f"时间戳服务不可用：{exc}") from exc
    if response.status != PKIStatus.GRANTED:
        raise SealError(f"时间戳服务拒绝：{'; '.join(response.status_string) or response.status}")
    info = response.tst_info
    if info.message_imprint.message != hashlib.sha256(data).digest():
        raise SealError("时间戳不是对本签名的时间戳")
    if request.nonce is not None and info.nonce != request.nonce:
        raise SealError("时间戳的随机数与请求不符")
    return raw


def check_timestamp(
    token_b64: str, data: bytes, roots: Sequence[x509.Certificate]
) -> tuple[datetime | None, str | None]:
    """(time, problem): the timestamp's time if it is a granted token over SHA-256(data);
    with `roots`, also signed by a TSA certificate chaining to one of them."""
    try:
        response = decode_timestamp_response(base64.b64decode(token_b64))
    except ValueError:
        return None, "时间戳无法解析"
    if response.tst_info.message_imprint.message != hashlib.sha256(data).digest():
        return None, "时间戳不是对本签名的时间戳"
    if roots:
        builder = VerifierBuilder()
        for root in roots:
            builder = builder.add_root_certificate(root)
        try:
            builder.build().verify_message(response, data)
        except VerificationError as exc:
            return None, f"时间戳的签名无效：{exc}"
    return response.tst_info.gen_time.astimezone(UTC), None


# -- the seal -----------------------------------------------------------------------------


def statement_bytes(statement: Mapping[str, Any]) -> bytes:
    return bytes(rfc8785.dumps(dict(statement)))


@dataclass(frozen=True, slots=True)
class Sealer:
    """Signs and timestamps seals with the settings' keys and TSA (built in the lifespan).
    With no key file for a county, a seal is recorded unsigned (and verification says so);
    with no TSA URL, the service never calls out."""

    keys_dir: Path | None
    tsa_url: str | None = None
    tsa_timeout: float = 10.0

    async def seal(
        self,
        *,
        tenant_id: int,
        county_slug: str,
        stream: str,
        seq: int,
        head_hash: str,
        hash_version: int,
        sealed_at: datetime,
    ) -> dict[str, Any]:
        statement = {
            "format": SEAL_FORMAT,
            "tenant": tenant_id,
            "county": county_slug,
            "stream": stream,
            "seq": seq,
            "head_hash": head_hash,
            "hash_version": hash_version,
            "sealed_at": sealed_at.astimezone(UTC).isoformat(timespec="microseconds"),
            "algorithm": sm2.ALGORITHM,
            "key_id": None,
        }
        try:
            key = load_key(self.keys_dir, county_slug) if self.keys_dir is not None else None
        except (OSError, ValueError, SealError) as exc:
            # A broken key file must not stop the close: sealed unsigned, saying why, and
            # `yishi record seal` signs it once the key is fixed.
            log.error("cannot load the seal key of %s: %s", county_slug, exc)
            return {
                "statement": statement,
                "signature": None,
                "timestamp": None,
                "signature_error": f"签名密钥无法读取：{exc}",
            }
        if key is None:
            return {"statement": statement, "signature": None, "timestamp": None}
        statement["key_id"] = key.public.key_id
        # Pure-Python SM2 takes ~25 ms: off the event loop.
        signature = await asyncio.to_thread(key.sign, statement_bytes(statement))
        seal: dict[str, Any] = {
            "statement": statement,
            "signature": base64.b64encode(signature).decode(),
            "public_key": key.public.pem(),
            "timestamp": None,
        }
        return await self.timestamp(seal)

    async def timestamp(self, seal: dict[str, Any]) -> dict[str, Any]:
        """The seal with a timestamp over its signature, when a TSA is configured. A TSA
        that fails does not stop the sealing: the seal keeps `timestamp_error` and
        `yishi record seal` asks again later."""
        if not self.tsa_url or not seal.get("signature") or seal.get("timestamp"):
            return seal
        signature = base64.b64decode(seal["signature"])
        try:
            token = await request_timestamp(
                self.tsa_url, signature, timeout_seconds=self.tsa_timeout
            )
        except SealError as exc:
            log.warning("no timestamp for %s: %s", seal["statement"].get("stream"), exc)
            return {**seal, "timestamp": None, "timestamp_error": str(exc)}
        token_b64 = base64.b64encode(token).decode()
        gen_time, _ = check_timestamp(token_b64, signature, ())
        out = {k: v for k, v in seal.items() if k != "timestamp_error"}
        out["timestamp"] = {
            "tsa": self.tsa_url,
            "token": token_b64,
            "time": gen_time.isoformat() if gen_time else None,
            "imprint": "sha256:" + hashlib.sha256(signature).hexdigest(),
        }
        return out


@dataclass(slots=True)
class SealCheck:
    """What verifying a seal found; `problems` empty means it holds."""

    signed: bool = False
    timestamped: bool = False
    timestamp: datetime | None = None
    key_id: str | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_seal(
    seal: Mapping[str, Any] | None,
    *,
    tenant_id: int,
    stream: str,
    seq: int,
    head_hash: str,
    hash_version: int,
    public_key: sm2.PublicKey | None,
    tsa_roots: Sequence[x509.Certificate] = (),
    require_signature: bool = False,
    require_timestamp: bool = False,
) -> SealCheck:
    """Check a seal against the chain it seals and the county's public key: the statement
    names this stream, last seq, head hash and encoding; the SM2 signature over it verifies
    with `public_key`; the timestamp covers the signature (and, with `tsa_roots`, is signed
    by a trusted TSA)."""
    check = SealCheck()
    if not seal:
        check.problems.append("记录没有封存签章")
        return check
    statement = seal.get("statement") or {}
    expected = {
        "format": SEAL_FORMAT,
        "tenant": tenant_id,
        "stream": stream,
        "seq": seq,
        "head_hash": head_hash,
        "hash_version": hash_version,
    }
    for name, value in expected.items():
        if statement.get(name) != value:
            check.problems.append(f"封存声明的 {name} 与事件链不符")
    check.key_id = statement.get("key_id")
    signature_b64 = seal.get("signature")
    if not signature_b64:
        if require_signature or public_key is not None:
            check.problems.append("封存未经县级签名")
        return check
    signature = base64.b64decode(signature_b64)
    if statement.get("algorithm") != sm2.ALGORITHM:
        check.problems.append(f"不支持的签名算法 {statement.get('algorithm')}")
    elif public_key is None:
        if require_signature:
            check.problems.append("未提供县级公钥，无法校验签名")
    elif statement.get("key_id") != public_key.key_id:
        check.problems.append("封存签名的密钥不是给定的县级公钥")
    elif not public_key.verify(statement_bytes(statement), signature):
        check.problems.append("封存签名无效（记录被改动后重新封存？）")
    else:
        check.signed = True
    timestamp = seal.get("timestamp")
    if not timestamp:
        if require_timestamp:
            check.problems.append("封存没有时间戳")
        return check
    when, problem = check_timestamp(timestamp.get("token") or "", signature, tsa_roots)
    if problem:
        check.problems.append(problem)
    else:
        check.timestamped, check.timestamp = bool(tsa_roots), when
    return check


# -- verifying an export alone ------------------------------------------------------------


@dataclass(slots=True)
class ExportCheck:
    chain: Verification
    seal: SealCheck
    content: list[str]  # sections that differ from the sealed digests
    problems: list[str]

    @property
    def ok(self) -> bool:
        return self.chain.valid and self.seal.ok and not self.content and not self.problems


def _event(e: Mapping[str, Any], tenant_id: int, stream: str) -> LoggedEvent:
    return LoggedEvent(
        tenant_id=tenant_id,
        stream=stream,
        seq=e["seq"],
        type=e["type"],
        payload=e["payload"],
        actor_user_id=e.get("actor_user_id"),
        created_at=datetime.fromisoformat(e["at"]),
        prev_hash=e["prev_hash"],
        hash=e["hash"],
    )


def verify_export(
    record: Mapping[str, Any],
    *,
    public_key: sm2.PublicKey | None,
    tsa_roots: Sequence[x509.Certificate] = (),
    expect: str | None = None,
    require_signature: bool = True,
) -> ExportCheck:
    """Verify an exported record (the JSON of `build_record`) with nothing but itself, the
    county's public key and the TSA's certificate: recompute the chain from its events,
    check it ends with the seal event, that every section matches the digests sealed in the
    chain, and that the seal's signature and timestamp hold for the chain's head.
    `require_signature` False (and no key) accepts an unsigned seal, reported unsigned."""
    chain_info = record.get("chain") or {}
    tenant_id = int(record["county"]["id"])
    stream = str(chain_info.get("stream"))
    version = int(chain_info.get("hash_version") or 1)
    check = ChainCheck(stream, version)
    events = record.get("events") or []
    for e in events:
        if not check.feed(_event(e, tenant_id, stream)):
            break
    problems: list[str] = []
    sealed_event = events[-1] if events and events[-1].get("type") == SEALED_TYPE else None
    chain = check.finish(head_seq=None, head_hash=None, sealed=True, expect=expect)
    if sealed_event is None:
        problems.append("记录未封存")
    content = (
        content_differences(record, sealed_event["payload"].get("content"))
        if chain.valid and sealed_event is not None
        else []
    )
    seal = verify_seal(
        record.get("seal"),
        tenant_id=tenant_id,
        stream=stream,
        seq=chain.events,
        head_hash=chain.head_hash,
        hash_version=version,
        public_key=public_key,
        tsa_roots=tsa_roots,
        require_signature=require_signature,
        require_timestamp=bool(tsa_roots),
    )
    return ExportCheck(chain, seal, content, problems)
