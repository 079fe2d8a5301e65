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
from backend.hearings.models import (
    Hearing,
    HearingApplication,
    HearingView,
    HearingWitness,
    TranscriptConfirmation,
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
from backend.people.models import (
    LoginThrottle,
    Membership,
    PlatformOperator,
    RefreshToken,
    User,
)
from backend.video.models import VideoAttendance, VideoGrant, VideoRecording, VideoRoom
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
    "Comment",
    "Event",
    "Hearing",
    "HearingApplication",
    "HearingView",
    "HearingWitness",
    "LocalClosure",
    "LoginThrottle",
    "Material",
    "Meeting",
    "Membership",
    "OrgUnit",
    "Participant",
    "PlatformOperator",
    "Poll",
    "RefreshToken",
    "ScoringBallot",
    "ScoringReceipt",
    "ScoringSheet",
    "SpeakingRequest",
    "StreamHead",
    "Tenant",
    "TopicRule",
    "TranscriptConfirmation",
    "User",
    "Venue",
    "VideoAttendance",
    "VideoGrant",
    "VideoRecording",
    "VideoRoom",
    "Vote",
    "VotingCode",
    "metadata",
]
