"""Every table, imported in one place so Alembic and the RLS test see the whole schema."""

from backend.audit.models import AuditEntry
from backend.calendar.models import CalendarDay, CalendarState, CalendarYear, LocalClosure
from backend.cases.models import (
    Case,
    CaseAssignment,
    CaseAttachment,
    CaseReply,
    CaseSuggester,
    CaseTerm,
    TopicRule,
)
from backend.core.base import Base
from backend.mediators.models import (
    Mediator,
    MediatorAssignment,
    MediatorAward,
    MediatorEvaluation,
    MediatorTraining,
)
from backend.meetings.models import (
    AgendaItem,
    Comment,
    Material,
    Meeting,
    Participant,
    Poll,
    ScoringBallot,
    ScoringReceipt,
    ScoringSheet,
    SpeakingRequest,
    Vote,
    VotingCode,
)
from backend.oversight.models import (
    CaseEvaluation,
    CorrectionEntry,
    Observer,
    ReviewPoint,
    ReviewPointStaff,
    ReviewRequest,
)
from backend.people.models import (
    LoginThrottle,
    Membership,
    PlatformOperator,
    RefreshToken,
    User,
)
from realtime.models import Event, StreamHead
from tenants.models import OrgUnit, Tenant, Venue

metadata = Base.metadata

__all__ = [
    "AgendaItem",
    "AuditEntry",
    "CalendarDay",
    "CalendarState",
    "CalendarYear",
    "Case",
    "CaseAssignment",
    "CaseAttachment",
    "CaseEvaluation",
    "CaseReply",
    "CaseSuggester",
    "CaseTerm",
    "Comment",
    "CorrectionEntry",
    "Event",
    "LocalClosure",
    "LoginThrottle",
    "Material",
    "Mediator",
    "MediatorAssignment",
    "MediatorAward",
    "MediatorEvaluation",
    "MediatorTraining",
    "Meeting",
    "Membership",
    "Observer",
    "OrgUnit",
    "Participant",
    "PlatformOperator",
    "Poll",
    "RefreshToken",
    "ReviewPoint",
    "ReviewPointStaff",
    "ReviewRequest",
    "ScoringBallot",
    "ScoringReceipt",
    "ScoringSheet",
    "SpeakingRequest",
    "StreamHead",
    "Tenant",
    "TopicRule",
    "User",
    "Venue",
    "Vote",
    "VotingCode",
    "metadata",
]
