"""Mutations: The agenda and its speech timers (`backend.meetings.agenda`)."""

from __future__ import annotations

import enum
from typing import Annotated

import strawberry
from strawberry import relay

from backend.meetings import agenda
from schema.context import Info
from schema.meetings.mutations.common import decode, payload_errors
from schema.meetings.types import AgendaItem, MeetingError
from schema.mutations import mutate


@strawberry.enum(description="What to do with a speech timer.")
class TimerAction(enum.Enum):
    START = "start"
    PAUSE = "pause"
    RESUME = "resume"
    STOP = "stop"


@strawberry.type(description="Result of an agenda or timer change.")
class AgendaItemPayload:
    agenda_item: AgendaItem | None = strawberry.field(description="The item after the change.")
    errors: list[MeetingError] = strawberry.field(description="Why nothing changed.")


@strawberry.type
class AgendaMutations:
    @strawberry.mutation(
        description="Add an agenda item; duration defaults to the county's 述职 rule (600 s)."
    )
    async def add_agenda_item(
        self,
        info: Info,
        meeting_id: Annotated[relay.GlobalID, strawberry.argument(description="The meeting.")],
        title: Annotated[str, strawberry.argument(description="Title.")],
        speaker_name: Annotated[
            str | None, strawberry.argument(description="Speaker as printed.")
        ] = None,
        speaker_user_id: Annotated[
            relay.GlobalID | None, strawberry.argument(description="Speaker's account.")
        ] = None,
        speaker_unit_id: Annotated[
            relay.GlobalID | None, strawberry.argument(description="Reporting unit.")
        ] = None,
        duration_seconds: Annotated[
            int | None,
            strawberry.argument(
                description="Allotted time in seconds (at least 5; 述职 default 600). A "
                'speech of 60 s or less gets no "one minute left" warning (it would '
                "come at or before the start), only time up."
            ),
        ] = None,
    ) -> AgendaItemPayload:
        item, errors = await mutate(
            info,
            lambda s, p: agenda.add_agenda_item(
                s,
                p,
                meeting_id=decode(meeting_id, "Meeting", "meetingId"),
                title=title,
                speaker_user_id=decode(speaker_user_id, "User", "speakerUserId")
                if speaker_user_id
                else None,
                speaker_name=speaker_name,
                speaker_unit_id=decode(speaker_unit_id, "OrgUnit", "speakerUnitId")
                if speaker_unit_id
                else None,
                duration_seconds=duration_seconds,
            ),
        )
        return AgendaItemPayload(
            agenda_item=AgendaItem.from_model(item) if item else None, errors=payload_errors(errors)
        )

    @strawberry.mutation(
        description="Start, pause, resume or stop a speech timer. Everyone "
        "gets the change, then 1-minute-left and time-up warnings on time."
    )
    async def control_timer(
        self,
        info: Info,
        agenda_item_id: Annotated[
            relay.GlobalID, strawberry.argument(description="The agenda item.")
        ],
        action: Annotated[TimerAction, strawberry.argument(description="What to do.")],
    ) -> AgendaItemPayload:
        item, errors = await mutate(
            info,
            lambda s, p: agenda.timer_action(
                s,
                p,
                agenda_item_id=decode(agenda_item_id, "AgendaItem", "agendaItemId"),
                action=action.value,
                clock=info.context.services.clock,
            ),
        )
        if item is not None:
            info.context.services.timers.wake()
        return AgendaItemPayload(
            agenda_item=AgendaItem.from_model(item) if item else None, errors=payload_errors(errors)
        )
