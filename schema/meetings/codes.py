"""GraphQL of one-time voting codes (一次性投票码): issue, redeem, revoke, count."""

from __future__ import annotations

import base64
from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from backend.core.limits import Action
from backend.meetings import codes as voting_codes
from backend.meetings.code_sheet import render_code_sheet
from backend.meetings.errors import MeetingErrorCode as Code
from schema.limits import refuse_if_rate_limited
from schema.meetings.types import MeetingError, MeetingErrorCode, ParticipantRole, gid
from schema.mutations import mutate, user_errors
from schema.people.types import AuthTokens
from schema.relay import decode_id, decode_id_argument


def _errors(errors):  # type: ignore[no-untyped-def]
    return user_errors(errors, MeetingError, MeetingErrorCode)


def _meeting(meeting_id: relay.GlobalID) -> int:
    return decode_id(meeting_id, "Meeting", field="meetingId", code=Code.NOT_FOUND)


def _key(info: Info) -> bytes:
    return voting_codes.code_key(info.context.services.settings.jwt_secret.get_secret_value())


@strawberry.input(description="A number of codes for one participant role.")
class VotingCodeBatch:
    role: ParticipantRole = strawberry.field(
        description="Role of the participants the codes bring in: REPRESENTATIVE 群众代表, "
        "DEPUTY 人大代表/政协委员, EXPERT 专家 or ATTENDEE 参会群众 (never HOST or SPEAKER)."
    )
    count: int = strawberry.field(description="How many codes (in all, at most 5,000 per issue).")


@strawberry.input(description="Issue one-time voting codes for a meeting.")
class IssueVotingCodesInput:
    meeting_id: relay.GlobalID = strawberry.field(description="The meeting (not yet closed).")
    batches: list[VotingCodeBatch] = strawberry.field(description="How many codes per role.")


@strawberry.type(description="One issued code, as it is to be printed.")
class IssuedVotingCode:
    code: str = strawberry.field(description="The code, XXXX-XXXX-XXXX (Crockford base32).")
    role: ParticipantRole = strawberry.field(description="The role it brings its holder in as.")


@strawberry.type(
    description="Result of issueVotingCodes. The codes are shown here once and never again "
    "(only keyed hashes are stored), in random order and without the accounts' names."
)
class IssueVotingCodesPayload:
    codes: list[IssuedVotingCode] = strawberry.field(description="The codes, shuffled.")
    errors: list[MeetingError] = strawberry.field(description="Why nothing was issued.")
    issued: strawberry.Private[voting_codes.IssuedCodes | None] = None

    @strawberry.field(
        description="The printable sheet of slips (投票码发放单, Word .docx, base64), made "
        "only when asked for; null when nothing was issued."
    )
    def sheet_docx(self) -> str | None:
        if self.issued is None:
            return None
        return base64.b64encode(render_code_sheet(self.issued)).decode()


@strawberry.type(description="Result of redeemVotingCode.")
class RedeemVotingCodePayload:
    tokens: AuthTokens | None = strawberry.field(
        description="A session of the code's participant account, which may act only in "
        "this meeting (refresh tokens last at most a day)."
    )
    meeting_id: strawberry.ID | None = strawberry.field(description="The code's meeting.")
    role: ParticipantRole | None = strawberry.field(description="The role in the meeting.")
    errors: list[MeetingError] = strawberry.field(
        description="Why not: INVALID_CODE (unknown, used or revoked: one message for all), "
        "MEETING_NOT_LIVE, RECORD_SEALED, RATE_LIMITED."
    )


@strawberry.input(description="Revoke voting codes of a meeting.")
class RevokeVotingCodesInput:
    meeting_id: relay.GlobalID = strawberry.field(description="The meeting.")
    codes: list[str] = strawberry.field(
        default_factory=list, description="Codes to revoke (e.g. a lost slip), as printed."
    )
    all_unredeemed: bool = strawberry.field(
        default=False, description="Also revoke every code not redeemed yet."
    )


@strawberry.type(description="Result of revokeVotingCodes.")
class RevokeVotingCodesPayload:
    revoked: int = strawberry.field(
        description="Codes revoked now; the accounts of those already redeemed are "
        "deactivated (their sessions end; a ballot cast stays counted)."
    )
    errors: list[MeetingError] = strawberry.field(description="Why nothing was revoked.")


@strawberry.type(description="How a meeting's voting codes stand (no code, no name).")
class VotingCodeCounts:
    issued: int = strawberry.field(description="Codes issued.")
    redeemed: int = strawberry.field(description="Codes used to sign in.")
    revoked: int = strawberry.field(description="Codes revoked.")


@strawberry.type
class VotingCodeQueries:
    @strawberry.field(description="How a meeting's voting codes stand (its hosts).")
    async def voting_code_counts(
        self,
        info: Info,
        meeting_id: Annotated[relay.GlobalID, strawberry.argument(description="The meeting.")],
    ) -> VotingCodeCounts:
        db_id = decode_id_argument(meeting_id, "Meeting", field="meetingId")
        principal = await info.context.principal()
        counts = await info.context.read(
            lambda s: voting_codes.code_counts(s, principal, meeting_id=db_id)
        )
        return VotingCodeCounts(
            issued=counts.issued, redeemed=counts.redeemed, revoked=counts.revoked
        )


@strawberry.type
class VotingCodeMutations:
    @strawberry.mutation(
        description="Issue one-time voting codes (一次性投票码) for a meeting (its hosts): "
        "each code is a participant account invited in its role, with no phone and no "
        "password. The codes are in the payload once, and as a printable sheet."
    )
    async def issue_voting_codes(
        self,
        info: Info,
        input: Annotated[IssueVotingCodesInput, strawberry.argument(description="What to issue.")],
    ) -> IssueVotingCodesPayload:
        key = _key(info)

        async def run(s, p):  # type: ignore[no-untyped-def]
            return await voting_codes.issue_codes(
                s,
                p,
                meeting_id=decode_id(
                    input.meeting_id, "Meeting", field="meetingId", code=Code.NOT_FOUND
                ),
                batches=[(b.role, b.count) for b in input.batches],
                key=key,
            )

        issued, errors = await mutate(info, run)
        return IssueVotingCodesPayload(
            codes=[IssuedVotingCode(code=c.code, role=c.role) for c in issued.codes]
            if issued
            else [],
            errors=_errors(errors),
            issued=issued,
        )

    @strawberry.mutation(
        description="Sign in with a voting code in the county of the request (X-Tenant), "
        "anonymously: the code is spent, its participant checked in (mode CODE), and a "
        "session for that meeting returned. Rate-limited per county and per address."
    )
    async def redeem_voting_code(
        self,
        info: Info,
        code: Annotated[str, strawberry.argument(description="The code as printed.")],
    ) -> RedeemVotingCodePayload:
        settings = info.context.services.settings
        county = (await info.context.principal()).tenant_id
        refused = await refuse_if_rate_limited(info.context, Action.REDEEM, user=("redeem", county))
        if refused is not None:
            return RedeemVotingCodePayload(
                tokens=None, meeting_id=None, role=None, errors=_errors([refused])
            )
        key = _key(info)

        async def run(s, p):  # type: ignore[no-untyped-def]
            return await voting_codes.redeem_code(
                s,
                p,
                code=code,
                key=key,
                secret=settings.jwt_secret.get_secret_value(),
                access_ttl=settings.jwt_access_ttl_seconds,
                refresh_ttl=settings.jwt_refresh_ttl_seconds,
            )

        redeemed, errors = await mutate(info, run)
        if redeemed is None:
            return RedeemVotingCodePayload(
                tokens=None, meeting_id=None, role=None, errors=_errors(errors)
            )
        tokens = redeemed.tokens
        return RedeemVotingCodePayload(
            tokens=AuthTokens(
                access_token=tokens.access_token,
                access_token_expires_at=tokens.access_expires_at,
                refresh_token=tokens.refresh_token,
            ),
            meeting_id=gid("Meeting", redeemed.meeting_id),
            role=redeemed.role,
            errors=[],
        )

    @strawberry.mutation(
        description="Revoke voting codes of a meeting (its hosts): given codes, or every "
        "code not redeemed yet."
    )
    async def revoke_voting_codes(
        self,
        info: Info,
        input: Annotated[
            RevokeVotingCodesInput, strawberry.argument(description="What to revoke.")
        ],
    ) -> RevokeVotingCodesPayload:
        key = _key(info)

        async def run(s, p):  # type: ignore[no-untyped-def]
            return await voting_codes.revoke_codes(
                s,
                p,
                meeting_id=decode_id(
                    input.meeting_id, "Meeting", field="meetingId", code=Code.NOT_FOUND
                ),
                codes=input.codes,
                all_unredeemed=input.all_unredeemed,
                key=key,
            )

        revoked, errors = await mutate(info, run)
        return RevokeVotingCodesPayload(revoked=revoked or 0, errors=_errors(errors))
