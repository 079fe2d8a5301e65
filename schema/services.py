"""The long-lived objects the app owns for its lifetime (created in its lifespan).

Here, in the schema layer, because the GraphQL context (`schema.context.Context.services`)
holds them; the app wiring (`backend.server`), above, builds them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from backend.core.clock import SYSTEM_CLOCK, Clock
from backend.core.db import Database
from backend.core.limits import RateLimits
from backend.core.settings import Settings
from backend.people.oidc import OidcClient
from backend.people.sms import LogGateway, SmsGateway
from tenants.directory import TenantDirectory

if TYPE_CHECKING:
    from backend.meetings.access import MeetingDirectory
    from backend.meetings.scoring import BallotMixer
    from backend.meetings.timers import TimerScheduler
    from backend.opinion_map.compute import MapComputer
    from backend.people.passwords import Passwords
    from backend.people.principals import PrincipalResolver
    from backend.record.seal import Sealer
    from backend.record.verify import VerificationCache
    from realtime.hub import Hub
    from realtime.video.server import VideoServer
    from realtime.writer import StreamWriter
    from realtime.ws.admission import SocketCounts
    from schema.video.channel import DataChannelBridge


@dataclass(slots=True)
class AppServices:
    """What a request, a socket or a command reaches beyond its own transaction: built once
    by the app's lifespan (`backend.server.app.create_app`), stopped when it ends."""

    settings: Settings
    db: Database
    tenants: TenantDirectory
    #: Who a token or a county name is (cached accounts and grants, kept fresh by NOTIFY).
    principals: PrincipalResolver
    #: Pub/sub of committed events to this process's feeds (realtime.hub).
    hub: Hub
    #: Group commit of appended events, one batch per stream at a time (realtime.writer).
    writer: StreamWriter
    #: Pending 测评票 of this process, committed in shuffled batches of at least k.
    ballots: BallotMixer
    #: Poll/sheet → meeting, cached (that link never changes).
    meetings: MeetingDirectory
    #: Signs and timestamps seals of records (unsigned for a county without a key).
    sealer: Sealer
    #: Speech timers' warnings and ends, from their server-side deadlines.
    timers: TimerScheduler
    #: Open websockets per client address and per account (the socket limits).
    ws_sockets: SocketCounts
    #: Recent record verifications (`verifyStream` for viewers who are not hosts).
    verifications: VerificationCache
    #: argon2 off the event loop (a thread pool sized by the settings; closed at shutdown).
    passwords: Passwords
    #: The time meeting timers read and wait on (backend/core/clock.py); tests inject a ManualClock.
    clock: Clock = SYSTEM_CLOCK
    #: The 云视频 media server (realtime.video) and its data channels' bridge to the
    #: services (schema.video.channel); None where the app runs without media.
    video: VideoServer | None = None
    video_channel: DataChannelBridge | None = None
    #: Coalesced recomputation of opinion maps off the event loop (backend.opinion_map);
    #: None where no map is recomputed live (the map is then computed when it closes).
    opinion_maps: MapComputer | None = None
    #: Rate limits of votes, comments, sign-in and registration (shared through Redis when
    #: the app gives them `shared`, else this process's budgets).
    limits: RateLimits = field(init=False)
    #: Sends SMS sign-in codes (SMS_GATEWAY; the LogGateway, with its outbox, by default).
    sms: SmsGateway = field(default_factory=LogGateway)
    #: Calls the counties' OpenID Connect providers (discovery and keys cached per issuer).
    oidc: OidcClient = field(default_factory=OidcClient)

    def __post_init__(self) -> None:
        self.limits = RateLimits.from_settings(self.settings)
