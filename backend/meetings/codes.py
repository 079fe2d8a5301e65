"""One-time voting codes (一次性投票码): bringing a meeting's participants in by the hundred.

Signing 500 scorers up one by one took 107 s (an argon2 hash per account). Instead a host
issues N codes for a meeting (per participant role: 群众代表, 人大代表/政协委员, …), prints
them once, and hands them out in the room; a resident types the county and the code and
gets a session that acts in that meeting only.

- Issuing makes, per code, a participant account of the meeting (invited in that role):
  no phone number, no password, a neutral name ("群众代表 017号"). Only the code's keyed
  hash is stored: HMAC-SHA-256 under a key derived from JWT_SECRET, over the county and the
  code. Codes are 12 symbols of Crockford's base32 (60 random bits from `secrets`), so a
  fast keyed hash is enough (argon2 is for guessable passwords): a stolen table of hashes
  is useless without the key, and guessing one of 500 live codes at the redeem rate limit
  takes longer than the universe has.
- The host gets the codes exactly once, in the payload of `issueVotingCodes` (and as a
  printable .docx of slips), in random order and without the account names: the order of
  slips says nothing about which account a slip is, so who voted (a receipt, the turnout's
  "not counted yet" list) never says which slip was whose.
- Redeeming (anonymous, county + code, rate-limited per address and per county) marks the
  code used in the same transaction that checks the participant in (mode `CODE`) and issues
  the session's tokens: a code works once. A revoked code is refused; revoking a code
  already redeemed deactivates its account, which ends its sessions everywhere
  (people.principals).
- A code account may act only in its meeting: services that let any signed-in member act
  in a meeting (register, comment) refuse it elsewhere (`require_meeting_scope`); it holds
  no county role.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.audit import service as audit
from backend.core.errors import DomainError, PermissionDenied
from backend.core.security import Principal
from backend.meetings import access
from backend.meetings.errors import MeetingErrorCode as Code
from backend.meetings.events import MeetingEvent, ParticipantCheckedIn, ParticipantsInvited
from backend.meetings.models import MeetingState, Participant, ParticipantRole, VotingCode
from backend.meetings.stream import append_event
from backend.people import service as people
from backend.people.models import User

# Crockford's base32: no I, L, O, U (read as 1, 1, 0 and V when typed back).
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_SYMBOLS = 12  # 60 bits
GROUP = 4  # printed as XXXX-XXXX-XXXX
MAX_CODES_PER_ISSUE = 5000
# A code's session: long enough for a meeting day, not a standing account.
CODE_REFRESH_TTL_SECONDS = 24 * 3600
CODE_ROLES = (
    ParticipantRole.REPRESENTATIVE,
    ParticipantRole.DEPUTY,
    ParticipantRole.EXPERT,
    ParticipantRole.ATTENDEE,
)
ROLE_NAMES = {
    ParticipantRole.REPRESENTATIVE: "群众代表",
    ParticipantRole.DEPUTY: "人大代表/政协委员",
    ParticipantRole.EXPERT: "专家",
    ParticipantRole.ATTENDEE: "参会群众",
}
_TYPED = str.maketrans({"I": "1", "L": "1", "O": "0", "U": "V"})
_INVALID = "投票码无效、已使用或已撤销"


def code_key(secret: str) -> bytes:
    """The HMAC key of voting codes, derived from JWT_SECRET (changing the secret voids
    every code not yet redeemed, as it ends every session)."""
    return hmac.new(secret.encode(), b"yishi/voting-codes/v1", hashlib.sha256).digest()


def new_code() -> str:
    """A fresh code, grouped for print: `7K3M-Q9XD-2HWT`."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_SYMBOLS))
    return "-".join(raw[i : i + GROUP] for i in range(0, CODE_SYMBOLS, GROUP))


def normalise_code(typed: str) -> str | None:
    """The code's symbols as typed by a person (case, spaces, dashes, I/L/O/U forgiven),
    or None when it cannot be a code."""
    text = "".join(ch for ch in (typed or "").upper() if ch not in " -_\t").translate(_TYPED)
    if len(text) != CODE_SYMBOLS or any(ch not in ALPHABET for ch in text):
        return None
    return text


def code_digest(key: bytes, tenant_id: int, code: str) -> str:
    """HMAC-SHA-256 (hex) of a normalised code in its county."""
    return hmac.new(key, f"{tenant_id}:{code}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class IssuedCode:
    code: str  # as printed, XXXX-XXXX-XXXX
    role: ParticipantRole


@dataclass(frozen=True, slots=True)
class IssuedCodes:
    meeting_id: int
    meeting_title: str
    county_name: str
    county_slug: str
    codes: list[IssuedCode]  # shuffled: the order says nothing about the accounts


async def require_meeting_scope(
    session: AsyncSession, principal: Principal, meeting_id: int
) -> None:
    """Refuse a voting-code account acting in a meeting other than its own."""
    if principal.user_id is None:
        return
    own = await session.scalar(
        select(VotingCode.meeting_id).where(VotingCode.user_id == principal.user_id)
    )
    if own is not None and own != meeting_id:
        raise PermissionDenied("投票码账号仅限在发码的会议中使用")


async def issue_codes(
    session: AsyncSession,
    principal: Principal,
    *,
    meeting_id: int,
    batches: Sequence[tuple[ParticipantRole, int]],
    key: bytes,
) -> IssuedCodes:
    """Issue codes for a meeting (its hosts, before it closes): per batch `count` accounts
    invited in `role`, each with a code. One `participant.invited` event for all of them;
    one audit entry. The codes are returned here and nowhere else, ever."""
    meeting = await access.get_meeting(session, meeting_id)
    await access.require_host(session, principal, meeting)
    access.require_state(
        meeting, MeetingState.DRAFT, MeetingState.ANNOUNCED, MeetingState.LIVE, action="发放投票码"
    )
    if not batches:
        raise DomainError(Code.INVALID, "请至少指定一组投票码", field="batches")
    total = 0
    for index, (role, count) in enumerate(batches):
        if role not in CODE_ROLES:
            raise DomainError(
                Code.INVALID,
                "投票码只能用于群众代表、人大代表/政协委员、专家或参会群众",
                field=f"batches.{index}.role",
            )
        if count < 1:
            raise DomainError(Code.INVALID, "数量至少为1", field=f"batches.{index}.count")
        total += count
    if total > MAX_CODES_PER_ISSUE:
        raise DomainError(
            Code.INVALID, f"一次最多发放{MAX_CODES_PER_ISSUE}个投票码", field="batches"
        )
    tenant_id = meeting.tenant_id
    # Numbers go on per role across issues: "群众代表 017号" stays unique in the meeting.
    numbered = dict(
        (
            await session.execute(
                select(VotingCode.role, func.count())
                .where(VotingCode.meeting_id == meeting.id)
                .group_by(VotingCode.role)
            )
        ).all()
    )
    rows: list[tuple[ParticipantRole, str]] = []
    for role, count in batches:
        start = numbered.get(role, 0)
        numbered[role] = start + count
        rows += [(role, f"{ROLE_NAMES[role]} {start + n:03d}号") for n in range(1, count + 1)]
    user_ids = list(
        await session.scalars(
            insert(User).returning(User.id, sort_by_parameter_order=True),
            [{"tenant_id": tenant_id, "display_name": name, "phone": None} for _, name in rows],
        )
    )
    codes = [new_code() for _ in rows]
    await session.execute(
        insert(Participant),
        [
            {
                "tenant_id": tenant_id,
                "meeting_id": meeting.id,
                "user_id": user_id,
                "role": role,
                "invited": True,
            }
            for user_id, (role, _) in zip(user_ids, rows, strict=True)
        ],
    )
    await session.execute(
        insert(VotingCode),
        [
            {
                "tenant_id": tenant_id,
                "meeting_id": meeting.id,
                "user_id": user_id,
                "role": role,
                "code_hash": code_digest(key, tenant_id, normalise_code(code) or ""),
            }
            for user_id, (role, _), code in zip(user_ids, rows, codes, strict=True)
        ],
    )
    await append_event(
        session,
        principal,
        meeting,
        MeetingEvent.PARTICIPANT_INVITED,
        ParticipantsInvited(
            participants=[
                {"userId": user_id, "name": name, "role": role.value}
                for user_id, (role, name) in zip(user_ids, rows, strict=True)
            ],
            votingCodes=True,
        ),
    )
    await audit.record(
        session,
        principal,
        action="meeting.votingCodes.issue",
        target_type="Meeting",
        target_id=meeting.id,
        after={"issued": {r.value: n for r, n in _counts(batches).items()}},
    )
    issued = [IssuedCode(code=c, role=role) for c, (role, _) in zip(codes, rows, strict=True)]
    secrets.SystemRandom().shuffle(issued)
    from tenants.models import Tenant

    county = await session.get(Tenant, tenant_id)
    return IssuedCodes(
        meeting_id=meeting.id,
        meeting_title=meeting.title,
        county_name=county.name if county else "",
        county_slug=county.slug if county else "",
        codes=issued,
    )


def _counts(batches: Sequence[tuple[ParticipantRole, int]]) -> dict[ParticipantRole, int]:
    out: dict[ParticipantRole, int] = {}
    for role, count in batches:
        out[role] = out.get(role, 0) + count
    return out


@dataclass(frozen=True, slots=True)
class Redeemed:
    tokens: people.Tokens
    meeting_id: int
    role: ParticipantRole


async def redeem_code(
    session: AsyncSession,
    principal: Principal,
    *,
    code: str,
    key: bytes,
    secret: str,
    access_ttl: int,
    refresh_ttl: int,
) -> Redeemed:
    """Exchange a code for a session of its account (anyone, with the county named): the
    code is spent and the participant checked in (mode CODE) in this one transaction, so
    two redemptions of one code cannot both succeed. Every failure reads the same."""
    tenant_id = principal.require_tenant()
    normalised = normalise_code(code)
    if normalised is None:
        raise DomainError(Code.INVALID_CODE, _INVALID, field="code")
    row = await session.scalar(
        select(VotingCode)
        .where(VotingCode.code_hash == code_digest(key, tenant_id, normalised))
        .with_for_update()
    )
    if row is None or row.redeemed_at is not None or row.revoked_at is not None:
        raise DomainError(Code.INVALID_CODE, _INVALID, field="code")
    meeting = await access.get_meeting(session, row.meeting_id)
    if meeting.state not in (MeetingState.ANNOUNCED, MeetingState.LIVE):
        if meeting.sealed_at is not None:
            raise DomainError(Code.RECORD_SEALED, "会议已结束，记录已封存", field="code")
        raise DomainError(
            Code.MEETING_NOT_LIVE, "会议尚未公告或已结束，投票码暂不能使用", field="code"
        )
    user = await people.get_user(session, row.user_id, field="code")
    if not user.is_active:
        raise DomainError(Code.INVALID_CODE, _INVALID, field="code")
    at = datetime.now(UTC)
    row.redeemed_at = at
    participant = await session.scalar(
        select(Participant).where(
            Participant.meeting_id == meeting.id, Participant.user_id == user.id
        )
    )
    if participant is not None and participant.checked_in_at is None:
        participant.checked_in_at, participant.check_in_mode = at, "CODE"
        await session.flush()
        actor = Principal(tenant_id=tenant_id, user_id=user.id, request_id=principal.request_id)
        await append_event(
            session,
            actor,
            meeting,
            MeetingEvent.PARTICIPANT_CHECKED_IN,
            ParticipantCheckedIn(
                userId=user.id,
                name=user.display_name,
                mode="CODE",
                role=participant.role.value,
            ),
        )
    tokens = await people._issue(
        session,
        tenant_id=tenant_id,
        user=user,
        secret=secret,
        access_ttl=access_ttl,
        refresh_ttl=min(refresh_ttl, CODE_REFRESH_TTL_SECONDS),
    )
    return Redeemed(tokens=tokens, meeting_id=meeting.id, role=row.role)


@dataclass(frozen=True, slots=True)
class CodeCounts:
    """How a meeting's codes stand (no code, no account named)."""

    issued: int
    redeemed: int
    revoked: int


async def code_counts(
    session: AsyncSession, principal: Principal, *, meeting_id: int
) -> CodeCounts:
    """For the meeting's hosts."""
    meeting = await access.get_meeting(session, meeting_id)
    await access.require_host(session, principal, meeting)
    issued, redeemed, revoked = (
        await session.execute(
            select(
                func.count(),
                func.count(VotingCode.redeemed_at),
                func.count(VotingCode.revoked_at),
            ).where(VotingCode.meeting_id == meeting.id)
        )
    ).one()
    return CodeCounts(issued=issued, redeemed=redeemed, revoked=revoked)


async def revoke_codes(
    session: AsyncSession,
    principal: Principal,
    *,
    meeting_id: int,
    codes: Sequence[str],
    all_unredeemed: bool,
    key: bytes,
) -> int:
    """Revoke the given codes of the meeting (a lost slip), or every code not yet
    redeemed. A revoked code that was already redeemed deactivates its account: its
    sessions end at once (a ballot it cast stays counted). Returns how many were revoked."""
    meeting = await access.get_meeting(session, meeting_id)
    await access.require_host(session, principal, meeting)
    if not codes and not all_unredeemed:
        raise DomainError(Code.INVALID, "请指定要撤销的投票码", field="codes")
    tenant_id = meeting.tenant_id
    digests: list[str] = []
    for index, typed in enumerate(codes):
        normalised = normalise_code(typed)
        if normalised is None:
            raise DomainError(Code.INVALID_CODE, "投票码格式不正确", field=f"codes.{index}")
        digests.append(code_digest(key, tenant_id, normalised))
    live = (VotingCode.meeting_id == meeting.id) & VotingCode.revoked_at.is_(None)
    selected = []
    if digests:
        found = list(
            (
                await session.execute(
                    select(VotingCode.code_hash).where(
                        VotingCode.meeting_id == meeting.id, VotingCode.code_hash.in_(digests)
                    )
                )
            ).scalars()
        )
        unknown = [i for i, d in enumerate(digests) if d not in set(found)]
        if unknown:
            raise DomainError(
                Code.INVALID_CODE, "不是本次会议的投票码", field=f"codes.{unknown[0]}"
            )
        selected.append(VotingCode.code_hash.in_(digests))
    if all_unredeemed:
        selected.append(VotingCode.redeemed_at.is_(None))
    from sqlalchemy import or_

    revoked = list(
        await session.execute(
            update(VotingCode)
            .where(live, or_(*selected))
            .values(revoked_at=func.now())
            .returning(VotingCode.user_id, VotingCode.redeemed_at)
        )
    )
    used = [user_id for user_id, redeemed_at in revoked if redeemed_at is not None]
    if used:
        # Through the ORM: the principal cache hears of it after the commit (and every
        # worker by the credentials trigger's NOTIFY).
        for user in (await session.scalars(select(User).where(User.id.in_(used)))).all():
            user.is_active = False
        await session.flush()
    await audit.record(
        session,
        principal,
        action="meeting.votingCodes.revoke",
        target_type="Meeting",
        target_id=meeting.id,
        after={"revoked": len(revoked), "redeemedBefore": len(used)},
    )
    return len(revoked)
