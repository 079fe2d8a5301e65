"""Every table, imported in one place so Alembic and the RLS test see the whole schema."""

from backend.agenda.models import (
    CatalogueAdjustment,
    CatalogueItem,
    ConsultationCatalogue,
    LivelihoodEvaluation,
    LivelihoodProgress,
    LivelihoodProject,
    LivelihoodRound,
    LivelihoodVote,
)
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
from backend.disclosure.models import InformationRequest, Publication
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
    "CaseReply",
    "CaseSuggester",
    "CaseTerm",
    "CatalogueAdjustment",
    "CatalogueItem",
    "Comment",
    "ConsultationCatalogue",
    "Event",
    "InformationRequest",
    "LivelihoodEvaluation",
    "LivelihoodProgress",
    "LivelihoodProject",
    "LivelihoodRound",
    "LivelihoodVote",
    "LocalClosure",
    "LoginThrottle",
    "Material",
    "Meeting",
    "Membership",
    "OrgUnit",
    "Participant",
    "PlatformOperator",
    "Poll",
    "Publication",
    "RefreshToken",
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
