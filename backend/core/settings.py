"""Configuration from the environment (and an optional `.env` file), validated at start."""

from __future__ import annotations

import functools
import ipaddress
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_JWT_SECRET = "yishi-development-secret-do-not-use-in-production-0000"
DEV_ID_KEY = "yishi-development-id-key-do-not-use-in-production-0000"


class Settings(BaseSettings):
    """Every knob of the service. Environment variables use the field name in upper case."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", env_prefix="")

    environment: Literal["development", "production", "test"] = "development"
    database_url: str | None = Field(
        default=None,
        description="Owner connection (migrations). "
        "Unset: start an embedded PostgreSQL (pgserver).",
    )
    app_database_url: str | None = Field(
        default=None,
        description="Connection the service uses for requests; a role that owns no table. "
        "Unset: DATABASE_URL with `SET ROLE yishi_app`.",
    )
    data_dir: Path = Path(".yishi/pgdata")
    broadcast_url: str = "memory://"
    broadcast_namespace: str | None = Field(
        default=None,
        description="Prefix of pub/sub channels; default yishi:<database name>, so "
        "deployments sharing a Redis never hear each other.",
    )
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    workers: int = Field(default=1, ge=1, le=64)
    jwt_secret: SecretStr = SecretStr(DEV_JWT_SECRET)
    # Keys the permutation that turns row ids into global ids (schema/relay.py). Changing
    # it changes every global id, so set it once per deployment and keep it.
    id_key: SecretStr = SecretStr(DEV_ID_KEY)
    jwt_access_ttl_seconds: int = Field(default=900, ge=30, le=86400)
    jwt_refresh_ttl_seconds: int = Field(default=30 * 86400, ge=300)
    # Sign-in lockout: this many wrong passwords for one phone number within the window
    # lock that number for the window (people.service.login).
    login_max_failures: int = Field(default=5, ge=1, le=100)
    login_lock_seconds: int = Field(default=900, ge=10, le=86400)
    # argon2 hashing and checking run in this many threads per worker, below the event
    # loop's CPU priority by `password_hash_nice` (backend.people.passwords): a burst of
    # sign-ins waits for the pool instead of stalling live meetings.
    password_hash_threads: int = Field(default=2, ge=1, le=64)
    password_hash_nice: int = Field(default=10, ge=0, le=19)
    log_json: bool | None = None
    log_level: str = "INFO"
    max_query_depth: int = Field(default=12, ge=2, le=50)
    max_aliases: int = Field(default=30, ge=1, le=1000)
    max_tokens: int = Field(default=4000, ge=100)
    # Estimated cost of one operation (schema.limits.query_cost_rule: fields resolved,
    # connections' `first` multiplying what is under their edges), refused above this.
    max_query_cost: int = Field(default=20_000, ge=100)
    db_pool_size: int = Field(default=10, ge=1, le=200)
    # The audit log is kept this many days, then `yishi audit purge` may remove older entries
    # (at least 183: six months, 网络安全法第二十一条; the database refuses younger deletions).
    audit_retention_days: int = Field(default=365, ge=183, le=36500)
    # Young-generation threshold of the cyclic garbage collector (0: Python's default, 700).
    # See backend.core.observability.tune_gc.
    gc_threshold: int = Field(default=20_000, ge=0)
    # Coalesced live frames (tallies) a host sends per second at most, shared by its workers:
    # with 5,000 watchers, one tally a second (realtime.feeds.StreamFeed.offer_live).
    live_frame_budget: float = Field(default=5000.0, gt=0)
    # Check every event's payload against its declared shape as it is appended or published
    # (realtime.event_types; a mismatch fails the change). Unset: on except in production.
    check_events: bool | None = None
    # Sealed records (backend.record.seal): each county's SM2 signing key is the file
    # <record_keys_dir>/<county slug>.sm2.pem (`yishi record keygen`), never in the database;
    # an RFC 3161 time-stamping authority timestamps each seal. Unset: seals are unsigned /
    # untimestamped, and the service never calls out.
    record_keys_dir: Path | None = None
    # 云视频 rooms (realtime.video, docs/video.md): where recordings are written, the
    # addresses the media server offers as ICE host candidates (no STUN, no TURN: county
    # intranets; list the server's intranet address in production), how long a peer whose
    # connection dropped is kept before it is closed, and the fewest seconds between two
    # keyframe requests forwarded to a publisher. The UDP receive buffer of each ICE
    # socket (the kernel caps it at net.core.rmem_max) and the networks remote candidates
    # may come from (empty: any; realtime/video/ice.py).
    video_storage_dir: Path = Path(".yishi/video")
    video_ice_addresses: list[str] = ["127.0.0.1"]
    video_socket_buffer_bytes: int = Field(default=4 * 1024 * 1024, ge=65536, le=1 << 28)
    video_ice_remote_networks: list[str] = []
    video_disconnect_timeout_seconds: float = Field(default=10.0, gt=0, le=300)
    video_keyframe_interval_seconds: float = Field(default=0.5, ge=0, le=10)
    record_tsa_url: str | None = None
    record_tsa_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    # verifyStream (backend.record.verify): the TSA root certificates (PEM file) a seal's
    # timestamp must chain to, and how long a verification is reused for viewers who are
    # not hosts (keyed by the stream's head; hosts always recompute).
    record_tsa_certs: Path | None = None
    record_verify_cache_seconds: float = Field(default=60.0, ge=0, le=3600)
    # Websocket limits (realtime.ws; docs/realtime.md "Limits"). 0 means no limit.
    ws_max_size: int = Field(
        default=64 * 1024,
        ge=1024,
        description="Largest websocket message accepted, in bytes; a larger one closes the "
        "socket with 1009 before it is parsed.",
    )
    ws_max_operations: int = Field(
        default=100, ge=1, description="Operations (subscriptions) one socket may run at once."
    )
    ws_max_sockets_per_user: int = Field(
        default=100, ge=0, description="Open sockets per signed-in account and worker (0: any)."
    )
    ws_max_sockets_per_address: int = Field(
        default=1000, ge=0, description="Open sockets per client address and worker (0: any)."
    )
    ws_message_rate: float = Field(
        default=50.0, gt=0, description="Messages per second a socket may send, on average."
    )
    ws_message_burst: int = Field(
        default=200, ge=1, description="Messages a socket may send at once above the rate."
    )
    # Request sizes (backend.core.limits.RequestLimits): a larger body is refused with 413, a
    # larger header value with 431, before anything parses them.
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    # Multipart bodies (file uploads, the GraphQL multipart request spec) have their own
    # limit: 5 attachments of the largest county's `case.attachment_max_size` plus 1 MiB,
    # never above this (backend.cases.attachments.UploadBodyLimit).
    max_upload_body_bytes: int = Field(default=64 * 1024 * 1024, ge=1024 * 1024)
    max_header_bytes: int = Field(default=8 * 1024, ge=256)
    # A JSON body with more values than this (counted as its `,` `[` `{` bytes) gets 413
    # before it is parsed: parsing half a million values blocked the loop ~75 ms.
    max_json_values: int = Field(default=20_000, ge=1000)
    # GraphQL input sizes (schema.limits): query text, and items of any list argument or
    # variable (smaller domain caps apply per argument, e.g. castVote.choices: 20).
    max_query_chars: int = Field(default=100_000, ge=1000)
    max_list_items: int = Field(default=1000, ge=1)
    # Rate limits, "actions/seconds" (burst, refilled evenly), "0" for none: per user (or
    # per account for sign-in) and per client address, shared by every worker through
    # Redis when BROADCAST_URL is redis:// (else, and while Redis is away, per worker
    # process: backend.core.limits.RateLimits, SharedBuckets). Per-address budgets are
    # generous: a meeting hall or a village office may put hundreds of people behind one
    # address.
    rate_vote_user: str = "20/1s"
    rate_vote_address: str = "10000/1s"
    rate_comment_user: str = "10/10s"
    rate_comment_address: str = "600/60s"
    rate_login_user: str = "10/60s"
    rate_login_address: str = "600/60s"
    rate_register_user: str = "5/60s"
    rate_register_address: str = "120/60s"
    # Voting-code redemptions per county and per address (a hall of 500 behind one NAT).
    rate_redeem_user: str = "2000/60s"
    rate_redeem_address: str = "600/60s"
    # Cases raised (backend.cases.intake): per person, and per address for anonymous intake
    # (a village office's collector enters a queue of cases at once: one batch item each).
    rate_case_intake_user: str = "30/60s"
    rate_case_intake_address: str = "120/60s"
    # 民意调查 answers (backend.decisions.surveys): per person, and per address (anonymous
    # answers where a questionnaire allows them: a village office may answer for many).
    rate_survey_answer_user: str = "10/60s"
    rate_survey_answer_address: str = "600/60s"
    # SMS sign-in codes (backend.people.sms): per phone number (resends) and per address.
    rate_sms_code_user: str = "1/60s"
    rate_sms_code_address: str = "120/60s"
    # The public writes of the participation domains (Action.INQUIRY_QUESTION…): per
    # person, and per address (a village office or a hall of residents behind one NAT).
    rate_inquiry_question_user: str = "20/60s"
    rate_inquiry_question_address: str = "600/60s"
    rate_livelihood_proposal_user: str = "30/60s"
    rate_livelihood_proposal_address: str = "120/60s"
    rate_livelihood_vote_user: str = "30/60s"
    rate_livelihood_vote_address: str = "2000/60s"
    rate_hearing_application_user: str = "10/60s"
    rate_hearing_application_address: str = "120/60s"
    rate_decision_comment_user: str = "20/60s"
    rate_decision_comment_address: str = "600/60s"
    # SDP offers to a 云视频 room (joinVideoRoom, renegotiateVideo): parsing the largest
    # (a room of 50, ~300 KB) takes aiortc ~40 ms on the loop.
    rate_video_signal_user: str = "20/60s"
    rate_video_signal_address: str = "600/60s"
    rate_information_request_user: str = "10/60s"
    rate_information_request_address: str = "120/60s"
    # The SMS gateway, "package.module:Class" (constructed with no arguments, reading its
    # own configuration from the environment); unset: LogGateway, which writes messages
    # to the log (development, tests: never in production).
    sms_gateway: str | None = None
    sms_code_ttl_seconds: int = Field(default=300, ge=30, le=3600)
    sms_code_max_attempts: int = Field(default=5, ge=1, le=20)
    # A first SMS sign-in with a number the county does not know creates a citizen (群众)
    # account for it (docs/identity.md); False: only existing accounts may sign in so.
    sms_sign_up: bool = True
    # OpenID Connect sign-in (backend.people.oidc): how long a started sign-in may take,
    # and the timeout of each call to the county's provider.
    oidc_login_ttl_seconds: int = Field(default=600, ge=60, le=3600)
    oidc_http_timeout_seconds: float = Field(default=5.0, gt=0, le=60)
    # How often each process sweeps for case deadlines to remind of (0: never).
    case_reminder_seconds: float = Field(default=600.0, ge=0)
    rate_max_keys: int = Field(default=100_000, ge=100)
    app_role: str = "yishi_app"
    platform_role: str = "yishi_platform"

    @field_validator("database_url", "app_database_url")
    @classmethod
    def _postgres_only(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(
            ("postgresql://", "postgresql+asyncpg://", "postgres://")
        ):
            raise ValueError("must be a postgresql:// URL")
        return value

    @field_validator("video_ice_remote_networks")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for network in value:
            try:
                ipaddress.ip_network(network, strict=False)
            except ValueError as exc:
                raise ValueError(f"{network!r} is not an IP network (e.g. 10.0.0.0/8)") from exc
        return value

    @field_validator("record_tsa_url")
    @classmethod
    def _tsa_scheme(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value or None

    @field_validator(
        "rate_vote_user",
        "rate_vote_address",
        "rate_comment_user",
        "rate_comment_address",
        "rate_login_user",
        "rate_login_address",
        "rate_register_user",
        "rate_register_address",
        "rate_redeem_user",
        "rate_redeem_address",
        "rate_case_intake_user",
        "rate_case_intake_address",
        "rate_sms_code_user",
        "rate_sms_code_address",
        "rate_survey_answer_user",
        "rate_survey_answer_address",
        "rate_inquiry_question_user",
        "rate_inquiry_question_address",
        "rate_livelihood_proposal_user",
        "rate_livelihood_proposal_address",
        "rate_livelihood_vote_user",
        "rate_livelihood_vote_address",
        "rate_hearing_application_user",
        "rate_hearing_application_address",
        "rate_decision_comment_user",
        "rate_decision_comment_address",
        "rate_video_signal_user",
        "rate_video_signal_address",
        "rate_information_request_user",
        "rate_information_request_address",
    )
    @classmethod
    def _rate(cls, value: str) -> str:
        from backend.core.limits import Rate

        Rate.parse(value)  # raises ValueError with the expected form
        return value

    @field_validator("broadcast_url")
    @classmethod
    def _broadcast_scheme(cls, value: str) -> str:
        if not value.startswith(("memory://", "redis://", "rediss://")):
            raise ValueError("must be memory:// or redis://host:port")
        return value

    @model_validator(mode="after")
    def _production_needs_real_secret(self) -> Settings:
        secret = self.jwt_secret.get_secret_value()
        if self.environment == "production":
            if secret == DEV_JWT_SECRET or len(secret) < 32:
                raise ValueError("JWT_SECRET must be set to 32+ random characters in production")
            key = self.id_key.get_secret_value()
            if key == DEV_ID_KEY or len(key) < 32:
                raise ValueError("ID_KEY must be set to 32+ random characters in production")
            if self.database_url is None:
                raise ValueError("DATABASE_URL is required in production")
        return self

    @property
    def checks_events(self) -> bool:
        return (
            self.check_events
            if self.check_events is not None
            else (self.environment != "production")
        )

    @property
    def json_logs(self) -> bool:
        return self.log_json if self.log_json is not None else self.environment == "production"


@functools.cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
