"""Mutations: 书面征询 and 对口协商 (`backend.representatives.consultations`)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from strawberry import relay

from backend.representatives import consultations
from schema.context import Info
from schema.mutations import mutate
from schema.representatives.mutations.common import decode, decode_unit, payload_errors
from schema.representatives.types import (
    ConsultationRecipient,
    CounterpartSession,
    RepresentativeError,
    WrittenConsultation,
)


@strawberry.input(description="A written consultation (书面征询) to send.")
class SendWrittenConsultationInput:
    sender_unit_id: relay.GlobalID = strawberry.field(description="The unit consulting.")
    title: str = strawberry.field(description="Title.")
    draft: str = strawberry.field(description="The draft consulted on.")
    unit_ids: list[relay.GlobalID] | None = strawberry.field(
        default=None, description="Units consulted."
    )
    committees: list[str] | None = strawberry.field(
        default=None, description="人大/政协 专委会 consulted, by name."
    )
    representative_ids: list[relay.GlobalID] | None = strawberry.field(
        default=None, description="Representatives consulted."
    )
    due_on: date | None = strawberry.field(
        default=None,
        description="Reply by; null: the county rule `consultation.written_reply` (no earlier).",
    )


@strawberry.input(description="A participant of a 对口协商 session.")
class CounterpartParticipantInput:
    name: str | None = strawberry.field(
        default=None, description="Name (optional for a representative)."
    )
    role: str | None = strawberry.field(default=None, description="Capacity, e.g. 局长.")
    representative_id: relay.GlobalID | None = strawberry.field(
        default=None, description="The representative, when one of the county's."
    )


@strawberry.input(description="A 对口协商 session to record.")
class RecordCounterpartSessionInput:
    department_id: relay.GlobalID = strawberry.field(description="The department.")
    committee: str = strawberry.field(description="Its counterpart committee.")
    title: str = strawberry.field(description="Subject.")
    held_on: date = strawberry.field(description="Day held (today or earlier).")
    topics: list[str] = strawberry.field(description="Topics discussed.")
    participants: list[CounterpartParticipantInput] = strawberry.field(description="Who took part.")
    minutes: str | None = strawberry.field(default=None, description="Minutes (纪要).")


@strawberry.type(description="Result of sending or replying to a written consultation.")
class WrittenConsultationPayload:
    consultation: WrittenConsultation | None = strawberry.field(description="The consultation.")
    errors: list[RepresentativeError] = strawberry.field(description="Why it was refused.")


@strawberry.type(description="Result of a reply to a written consultation.")
class ConsultationReplyPayload:
    recipient: ConsultationRecipient | None = strawberry.field(description="The recipient.")
    errors: list[RepresentativeError] = strawberry.field(description="Why it was refused.")


@strawberry.type(description="Result of recording a 对口协商 session.")
class CounterpartSessionPayload:
    session: CounterpartSession | None = strawberry.field(description="The session.")
    errors: list[RepresentativeError] = strawberry.field(description="Why it was refused.")


@strawberry.type
class ConsultationMutations:
    @strawberry.mutation(
        description="Send a draft for written opinions (书面征询) to units, committees or "
        "representatives (the sending unit's staff or county office)."
    )
    async def send_written_consultation(
        self,
        info: Info,
        input: Annotated[SendWrittenConsultationInput, strawberry.argument(description="What.")],
    ) -> WrittenConsultationPayload:
        result, errors = await mutate(
            info,
            lambda s, p: consultations.send_written_consultation(
                s,
                p,
                sender_unit_id=decode_unit(input.sender_unit_id, "senderUnitId"),
                title=input.title,
                draft=input.draft,
                unit_ids=[decode_unit(u, "unitIds") for u in input.unit_ids or []],
                committees=input.committees or [],
                representative_ids=[
                    decode(r, "Representative", "representativeIds")
                    for r in input.representative_ids or []
                ],
                due_on=input.due_on,
            ),
        )
        return WrittenConsultationPayload(
            consultation=WrittenConsultation.from_model(*result) if result else None,
            errors=payload_errors(errors),
        )

    @strawberry.mutation(
        description="Record a recipient's written reply (the unit's staff, the representative "
        "consulted, or the county office for a committee)."
    )
    async def reply_written_consultation(
        self,
        info: Info,
        recipient_id: Annotated[
            strawberry.ID, strawberry.argument(description="ConsultationRecipient id.")
        ],
        body: Annotated[str, strawberry.argument(description="The reply.")],
    ) -> ConsultationReplyPayload:
        row, errors = await mutate(
            info,
            lambda s, p: consultations.reply_written_consultation(
                s,
                p,
                recipient_id=decode(recipient_id, "ConsultationRecipient", "recipientId"),
                body=body,
            ),
        )
        return ConsultationReplyPayload(
            recipient=ConsultationRecipient.from_model(row) if row else None,
            errors=payload_errors(errors),
        )

    @strawberry.mutation(
        description="Record a 对口协商 session (the department's staff or county office)."
    )
    async def record_counterpart_session(
        self,
        info: Info,
        input: Annotated[RecordCounterpartSessionInput, strawberry.argument(description="What.")],
    ) -> CounterpartSessionPayload:
        row, errors = await mutate(
            info,
            lambda s, p: consultations.record_counterpart_session(
                s,
                p,
                department_unit_id=decode_unit(input.department_id, "departmentId"),
                committee=input.committee,
                title=input.title,
                held_on=input.held_on,
                topics=input.topics,
                participants=[
                    consultations.ParticipantIn(
                        name=x.name,
                        role=x.role,
                        representative_id=decode(
                            x.representative_id, "Representative", "participants"
                        )
                        if x.representative_id
                        else None,
                    )
                    for x in input.participants
                ],
                minutes=input.minutes,
            ),
        )
        return CounterpartSessionPayload(
            session=CounterpartSession.from_model(row) if row else None,
            errors=payload_errors(errors),
        )
