"""The platform's official calendar (one table per year, in revisions) and each county's
local closures."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.base import Base, TenantOwned, Timestamped, enum_column, id_column
from backend.core.workdays import DayKind

__all__ = ["CalendarDay", "CalendarState", "CalendarYear", "DayKind", "LocalClosure"]


class CalendarYear(Base):
    """One revision of a year's official table (platform-wide, not county-owned).

    An operator enters a revision from the State Council's notice
    (《国务院办公厅关于2027年部分节假日安排的通知》) and publishes it; the newest published
    revision of a year is the one every county counts on, and a later revision stays a draft
    (the published one still counts) until it is published in its turn. Rows seeded from
    the `chinese_calendar` package have no operator."""

    __tablename__ = "calendar_years"
    __table_args__ = (
        UniqueConstraint("year", "revision"),
        CheckConstraint("year BETWEEN 1949 AND 2199", name="year_range"),
    )

    id: Mapped[int] = id_column()
    year: Mapped[int] = mapped_column(Integer)
    revision: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(300))
    entered_by_operator_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("platform_operators.id", ondelete="RESTRICT")
    )
    entered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    published_by_operator_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("platform_operators.id", ondelete="RESTRICT")
    )
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def published(self) -> bool:
        return self.published_at is not None


class CalendarDay(Base):
    """A day of a revision's table: a holiday (法定节假日/休息日) or a 调休 working day."""

    __tablename__ = "calendar_days"
    __table_args__ = (UniqueConstraint("calendar_year_id", "day"),)

    id: Mapped[int] = id_column()
    calendar_year_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("calendar_years.id", ondelete="CASCADE")
    )
    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[DayKind] = mapped_column(enum_column(DayKind))
    name: Mapped[str] = mapped_column(String(40))


class CalendarState(Base):
    """The one row whose ``version`` changes (to a fresh value of a sequence, never reused,
    even after a rollback) whenever anything a `WorkCalendar` shows changes: a publication
    or a county's closure. Every process checks it before using its cached snapshots."""

    __tablename__ = "calendar_state"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)


class LocalClosure(TenantOwned, Timestamped, Base):
    """A day the county's offices are closed (e.g. 防汛停工日), entered by a county admin:
    no working day in that county, whatever the official table says."""

    __tablename__ = "local_closures"
    __table_args__ = (UniqueConstraint("tenant_id", "day"),)

    id: Mapped[int] = id_column()
    day: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(200))
    entered_by_user_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="RESTRICT")
    )
