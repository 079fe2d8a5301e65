"""Live consultation meetings (民意恳谈会, 述职报告会, 专题协商会, 座谈会, 听证会, 形势通报会,
对口协商, 网络问政 sessions, 云视频 meetings) and everything recorded during them."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.base import Base, TenantOwned, Timestamped, enum_column, id_column
from backend.core.security import Verification as Verification


class MeetingKind(enum.Enum):
    CONSULTATION_TALK = "CONSULTATION_TALK"  # 民意恳谈会
    WORK_REPORT = "WORK_REPORT"  # 述职报告会
    THEMATIC_CONSULTATION = "THEMATIC_CONSULTATION"  # 专题协商会
    FORUM = "FORUM"  # 座谈会
    HEARING = "HEARING"  # 听证会
    SITUATION_BRIEFING = "SITUATION_BRIEFING"  # 形势通报会
    COUNTERPART_CONSULTATION = "COUNTERPART_CONSULTATION"  # 对口协商
    ONLINE_INQUIRY = "ONLINE_INQUIRY"  # 网络问政 session
    VIDEO_MEETING = "VIDEO_MEETING"  # 云视频会议


class MeetingMode(enum.Enum):
    IN_PERSON = "IN_PERSON"
    ONLINE = "ONLINE"
    HYBRID = "HYBRID"


class MeetingState(enum.Enum):
    DRAFT = "DRAFT"
    ANNOUNCED = "ANNOUNCED"
    LIVE = "LIVE"
    CLOSED = "CLOSED"
    RECORD_PUBLISHED = "RECORD_PUBLISHED"


class Meeting(TenantOwned, Timestamped, Base):
    __tablename__ = "meetings"

    id: Mapped[int] = id_column()
    kind: Mapped[MeetingKind] = mapped_column(enum_column(MeetingKind))
    mode: Mapped[MeetingMode] = mapped_column(enum_column(MeetingMode))
    state: Mapped[MeetingState] = mapped_column(enum_column(MeetingState))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    venue_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("venues.id"))
    host_unit_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("org_units.id"))
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    capacity: Mapped[int | None] = mapped_column(Integer)
    created_by: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id"))
    minutes: Mapped[str | None] = mapped_column(Text)
    sealed_hash: Mapped[str | None] = mapped_column(String(64))
    sealed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # 实名制: the verification level a person needs to register, check in and vote.
    required_verification: Mapped[Verification] = mapped_column(
        enum_column(Verification), server_default=text("'UNVERIFIED'")
    )


class ParticipantRole(enum.Enum):
    HOST = "HOST"  # 主持/会务
    SPEAKER = "SPEAKER"  # 述职/发言人
    DEPUTY = "DEPUTY"  # 人大代表/政协委员
    EXPERT = "EXPERT"
    REPRESENTATIVE = "REPRESENTATIVE"  # 群众/市民代表, 听证代表
    ATTENDEE = "ATTENDEE"


class Participant(TenantOwned, Timestamped, Base):
    """An invited or registered person; `checked_in_at` records attendance."""

    __tablename__ = "meeting_participants"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id"),)

    id: Mapped[int] = id_column()
    meeting_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("meetings.id"), index=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id"), index=True)
    role: Mapped[ParticipantRole] = mapped_column(enum_column(ParticipantRole))
    invited: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    checked_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    check_in_mode: Mapped[str | None] = mapped_column(String(12))  # IN_PERSON / ONLINE


class Material(TenantOwned, Timestamped, Base):
    """A document for participants (决策方案, 起草说明, 述职报告…)."""

    __tablename__ = "meeting_materials"

    id: Mapped[int] = id_column()
    meeting_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("meetings.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(500))
    distributed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class TimerStatus(enum.Enum):
    IDLE = "IDLE"
    RUNNING = "RUNNING"
    PAUSED = "PAUSED"
    STOPPED = "STOPPED"


class AgendaItem(TenantOwned, Timestamped, Base):
    """An agenda item with its speaker and a server-side speech timer.

    While RUNNING, `deadline` is when time is up; warnings are sent by whichever worker
    claims them first (`warned_*` flags, updated with the event in one transaction)."""

    __tablename__ = "agenda_items"

    id: Mapped[int] = id_column()
    meeting_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("meetings.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    speaker_user_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("users.id"))
    speaker_name: Mapped[str | None] = mapped_column(String(100))
    speaker_unit_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("org_units.id"))
    duration_seconds: Mapped[int] = mapped_column(Integer)
    timer_status: Mapped[TimerStatus] = mapped_column(enum_column(TimerStatus))
    deadline: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    remaining_seconds: Mapped[float | None] = mapped_column()
    warned_one_minute: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    warned_time_up: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))


class PollKind(enum.Enum):
    SINGLE = "SINGLE"
    MULTIPLE = "MULTIPLE"


class Eligibility(enum.Enum):
    ATTENDEES = "ATTENDEES"  # checked in
    REGISTERED = "REGISTERED"  # invited or registered
    REPRESENTATIVES = "REPRESENTATIVES"  # 代表/委员/群众代表 participants


class PollState(enum.Enum):
    DRAFT = "DRAFT"
    OPEN = "OPEN"
    CLOSED = "CLOSED"


class Poll(TenantOwned, Timestamped, Base):
    __tablename__ = "polls"

    id: Mapped[int] = id_column()
    meeting_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("meetings.id"), index=True)
    question: Mapped[str] = mapped_column(String(300))
    kind: Mapped[PollKind] = mapped_column(enum_column(PollKind))
    options: Mapped[list[str]] = mapped_column(JSONB)
    max_choices: Mapped[int] = mapped_column(Integer)
    eligibility: Mapped[Eligibility] = mapped_column(enum_column(Eligibility))
    state: Mapped[PollState] = mapped_column(enum_column(PollState))
    counts: Mapped[list[int]] = mapped_column(JSONB)  # live tally, updated once per batch
    total_votes: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    opened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # A stricter level than the meeting's for this poll; None: the meeting's.
    required_verification: Mapped[Verification | None] = mapped_column(enum_column(Verification))


class Vote(TenantOwned, Base):
    """One vote per person per poll (unique), deduplicated by the client's idempotency key."""

    __tablename__ = "votes"
    __table_args__ = (UniqueConstraint("poll_id", "user_id"),)

    id: Mapped[int] = id_column()
    poll_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("polls.id"))
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id"))
    choices: Mapped[list[int]] = mapped_column(ARRAY(Integer))
    idempotency_key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=text("now()")
    )


class ScoringScale(enum.Enum):
    SATISFACTION = "SATISFACTION"  # 满意 / 基本满意 / 不满意
    SCORE_100 = "SCORE_100"  # 0–100


class ScoringState(enum.Enum):
    OPEN = "OPEN"
    CLOSED = "CLOSED"


class ScoringSheet(TenantOwned, Timestamped, Base):
    """An anonymous evaluation (测评票) of the units or officials who reported.

    `min_ballots` is k: ballots are written only in mixing batches of at least k, and
    results are withheld when fewer than k people scored (backend.meetings.scoring)."""

    __tablename__ = "scoring_sheets"
    __table_args__ = (CheckConstraint("min_ballots BETWEEN 3 AND 1000", name="min_ballots_range"),)

    id: Mapped[int] = id_column()
    meeting_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("meetings.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    scale: Mapped[ScoringScale] = mapped_column(enum_column(ScoringScale))
    targets: Mapped[list[str]] = mapped_column(JSONB)  # names of units/officials evaluated
    eligibility: Mapped[Eligibility] = mapped_column(enum_column(Eligibility))
    state: Mapped[ScoringState] = mapped_column(enum_column(ScoringState))
    results: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    min_ballots: Mapped[int] = mapped_column(Integer, server_default=text("5"))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ScoringReceipt(TenantOwned, Base):
    """That a person's 测评票 is counted, kept apart from the ballot itself. Written with
    the ballots of its mixing batch: `counted_at` is the batch's time, the same for all."""

    __tablename__ = "scoring_receipts"
    __table_args__ = (UniqueConstraint("sheet_id", "user_id"),)

    id: Mapped[int] = id_column()
    sheet_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("scoring_sheets.id"))
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id"))
    counted_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=text("now()")
    )


class ScoringBallot(TenantOwned, Base):
    """A secret ballot: a random id, no person, no time. Written only in a shuffled batch
    of at least k ballots together with the batch's receipts (sorted by user)."""

    __tablename__ = "scoring_ballots"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    sheet_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("scoring_sheets.id"), index=True)
    answers: Mapped[list[Any]] = mapped_column(JSONB)  # one value per target


class CommentKind(enum.Enum):
    COMMENT = "COMMENT"
    QUESTION = "QUESTION"


class Comment(TenantOwned, Timestamped, Base):
    """A live comment or question. Hiding keeps the text for the record."""

    __tablename__ = "meeting_comments"

    id: Mapped[int] = id_column()
    meeting_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("meetings.id"), index=True)
    author_user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id"))
    parent_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("meeting_comments.id"))
    kind: Mapped[CommentKind] = mapped_column(enum_column(CommentKind))
    body: Mapped[str] = mapped_column(Text)
    hidden_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    hidden_reason: Mapped[str | None] = mapped_column(String(200))
    hidden_by: Mapped[int | None] = mapped_column(BigInteger)
    # 审核通过: a host reviewed it and kept it public (migration 0028)
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    approved_by: Mapped[int | None] = mapped_column(BigInteger)
    answered_live_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    handed_over_unit_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("org_units.id"))
    handed_over_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The case (件) the hand-over created, when the cases domain took it (set through the
    # hand-over hooks of backend.meetings.comments; meetings never import cases).
    handed_over_case_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("cases.id", use_alter=True)
    )


class SpeakingState(enum.Enum):
    WAITING = "WAITING"
    SPEAKING = "SPEAKING"
    DONE = "DONE"
    WITHDRAWN = "WITHDRAWN"


class SpeakingRequest(TenantOwned, Timestamped, Base):
    """A raised hand in the speaking queue the host manages."""

    __tablename__ = "speaking_requests"

    id: Mapped[int] = id_column()
    meeting_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("meetings.id"), index=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id"))
    state: Mapped[SpeakingState] = mapped_column(enum_column(SpeakingState))
    topic: Mapped[str | None] = mapped_column(String(200))


class VotingCode(TenantOwned, Timestamped, Base):
    """A one-time voting code (一次性投票码) of a meeting, for a participant account made
    when it was issued (no phone, no password; it acts only in that meeting). Only a keyed
    hash of the code is stored (`code_hash`, HMAC-SHA-256 under a key derived from
    JWT_SECRET; backend.meetings.codes): the code itself is shown once, to the host who
    issued it."""

    __tablename__ = "voting_codes"
    __table_args__ = (UniqueConstraint("tenant_id", "code_hash"),)

    id: Mapped[int] = id_column()
    meeting_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("meetings.id"), index=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id"), unique=True)
    role: Mapped[ParticipantRole] = mapped_column(enum_column(ParticipantRole))
    code_hash: Mapped[str] = mapped_column(String(64))
    redeemed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
