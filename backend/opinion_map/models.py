"""Tables of the opinion map: the map of a meeting or of a decision's comment period
(征求意见期), its statements, the votes on them.

Votes carry no user id: the voter is a pseudonym (an HMAC of county, map and person
under a key derived from JWT_SECRET, not stored in the database), so the table alone
links no choice to a person, while one person still has one vote per statement.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.base import Base, TenantOwned, Timestamped, enum_column, id_column


class StatementState(enum.Enum):
    PENDING = "PENDING"  # submitted by a participant, awaiting moderation (待审核)
    SHOWN = "SHOWN"  # shown to participants and open to votes
    HIDDEN = "HIDDEN"  # refused or withdrawn by a host (屏蔽)


class StatementSource(enum.Enum):
    HOST = "HOST"  # entered by a host
    COMMENT = "COMMENT"  # taken from a comment of the meeting or an opinion of the decision
    PARTICIPANT = "PARTICIPANT"  # submitted by a participant, moderated like a comment


class VoteChoice(enum.Enum):
    AGREE = "AGREE"
    DISAGREE = "DISAGREE"
    PASS = "PASS"


CHOICE_VALUE = {VoteChoice.AGREE: 1, VoteChoice.DISAGREE: -1, VoteChoice.PASS: 0}


#: A map has exactly one host: a meeting, or a decision's comment period (with its decision).
HOST_CHECK = (
    "(meeting_id IS NULL) <> (comment_period_id IS NULL)"
    " AND (comment_period_id IS NULL) = (decision_id IS NULL)"
)


class OpinionMap(TenantOwned, Timestamped, Base):
    """The opinion map (意见地图) of one host: a meeting, or a decision's comment period
    (征求意见期); one per host; `closed_at` turns it off."""

    __tablename__ = "opinion_maps"
    __table_args__ = (CheckConstraint(HOST_CHECK, name="host"),)

    id: Mapped[int] = id_column()
    meeting_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("meetings.id"), unique=True, index=True
    )
    decision_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("decisions.id"), index=True
    )
    comment_period_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("decision_comment_periods.id"), unique=True, index=True
    )
    topic: Mapped[str] = mapped_column(String(200))
    opened_by: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id"))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: How many times its shown statements changed (shown, hidden): part of the version
    #: of the computed map (backend.opinion_map.compute), with the votes written.
    version: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))


class OpinionStatement(TenantOwned, Timestamped, Base):
    """A short statement (观点) of a map, voted on by participants once shown."""

    __tablename__ = "opinion_statements"

    id: Mapped[int] = id_column()
    map_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("opinion_maps.id"), index=True)
    body: Mapped[str] = mapped_column(String(280))
    state: Mapped[StatementState] = mapped_column(enum_column(StatementState))
    source: Mapped[StatementSource] = mapped_column(enum_column(StatementSource))
    comment_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("meeting_comments.id"))
    #: The decision's opinion (意见) it was taken from, on a comment period's map.
    opinion_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("decision_opinions.id"))
    submitted_by: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id"))
    hidden_reason: Mapped[str | None] = mapped_column(String(200))


class OpinionVote(TenantOwned, Base):
    """One person's vote on one statement (agree +1, disagree −1, pass 0), by pseudonym.

    No timestamp and no user id; `changes` counts how often the person changed their mind
    (the last choice counts); `seq` is taken from a sequence on every write (first vote
    or change), which tells a write from an idempotent repeat."""

    __tablename__ = "opinion_votes"
    __table_args__ = (
        UniqueConstraint("map_id", "statement_id", "voter"),
        CheckConstraint("choice IN (-1, 0, 1)", name="choice"),
        # Reading the votes since a version (backend.opinion_map.compute, migration 0031).
        Index("ix_opinion_votes_map_id_seq", "map_id", "seq"),
    )

    id: Mapped[int] = id_column()
    map_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("opinion_maps.id"))
    statement_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("opinion_statements.id"), index=True
    )
    voter: Mapped[str] = mapped_column(String(64))
    choice: Mapped[int] = mapped_column(SmallInteger)  # CHECK (choice IN (-1, 0, 1))
    changes: Mapped[int] = mapped_column(SmallInteger, server_default=text("0"))
    seq: Mapped[int] = mapped_column(BigInteger)  # nextval('opinion_vote_seq') per write
