"""Mutations of 云视频 rooms: opening a room, signalling (join, renegotiate, leave), the
floor and recording. Each decides and records through `backend.video` in one unit of
work and asks the media server (`realtime.video`, `AppServices.video`) inside it, so an
offer the server cannot answer rolls the admission back: nothing is written, and the room
and the others in it are unaffected."""

from __future__ import annotations

from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from backend.core.errors import DomainError
from backend.core.limits import Action
from backend.core.security import Principal
from backend.video import recording, rooms
from backend.video.access import room_and_meeting
from backend.video.errors import VideoErrorCode as Code
from realtime.video.server import (
    MAX_MEDIA_SECTIONS,
    MAX_SDP_BYTES,
    Answer,
    InvalidOffer,
    PeerInfo,
    VideoServer,
    inspect_offer,
)
from schema.context import Info
from schema.mutations import mutate, user_errors
from schema.relay import decode_id
from schema.video.types import (
    VideoError,
    VideoErrorCode,
    VideoRecording,
    VideoRoom,
    VideoSlot,
    gid,
    load_room,
)

_SDP_REFUSED = "SDP 报文无效，无法建立音视频连接"
_OFFER_DESCRIPTION = (
    "%s, ICE candidates gathered: one receiving video and audio section per other "
    f"participant; at most {MAX_SDP_BYTES // 1024} KiB and {MAX_MEDIA_SECTIONS} media "
    "sections (a browser's offer for a room of 50 is ~300 KB, so send signalling over "
    "HTTP: a websocket message is capped at WS_MAX_SIZE, 64 KiB by default)."
)


def _errors(errors: list[DomainError]) -> list[VideoError]:
    return user_errors(errors, VideoError, VideoErrorCode)


def _decode(value: relay.GlobalID | str, type_name: str, field: str) -> int:
    return decode_id(value, type_name, field=field, code=Code.NOT_FOUND)


def _server(info: Info) -> VideoServer:
    server = info.context.services.video
    if server is None:
        raise DomainError(Code.MEDIA_UNAVAILABLE, "本服务未启用云视频", field=None)
    return server


def _offer(sdp: str) -> bool:
    """Whether the offer sends media; INVALID_SDP if it cannot be parsed."""
    try:
        return inspect_offer(sdp).sends_media
    except InvalidOffer as exc:
        raise DomainError(Code.INVALID_SDP, _SDP_REFUSED, field="sdpOffer") from exc


@strawberry.type(description="Result of opening a room or leaving it.")
class VideoRoomPayload:
    room: VideoRoom | None = strawberry.field(description="The room as it is now.")
    errors: list[VideoError] = strawberry.field(description="Why it was refused.")


@strawberry.type(description="The media server's answer to an SDP offer.")
class VideoSignalPayload:
    room: VideoRoom | None = strawberry.field(description="The room as it is now.")
    sdp_answer: str | None = strawberry.field(
        description="The server's SDP answer, its ICE candidates included (no trickle)."
    )
    slots: list[VideoSlot] = strawberry.field(
        description="Whose track each receiving m-line of the answer carries."
    )
    publishing: bool = strawberry.field(description="Whether what you send is forwarded.")
    errors: list[VideoError] = strawberry.field(description="Why it was refused.")


@strawberry.type(description="Result of giving or taking back the floor.")
class VideoFloorPayload:
    user_id: strawberry.ID | None = strawberry.field(description="Who.")
    granted: bool = strawberry.field(description="Whether they have the floor now.")
    errors: list[VideoError] = strawberry.field(description="Why it was refused.")


@strawberry.type(description="Result of starting or stopping a recording.")
class VideoRecordingPayload:
    recording: VideoRecording | None = strawberry.field(description="The recording.")
    errors: list[VideoError] = strawberry.field(description="Why it was refused.")


def _signal(
    result: tuple[VideoRoom, Answer, bool] | None, errors: list[DomainError]
) -> VideoSignalPayload:
    if result is None:
        return VideoSignalPayload(
            room=None, sdp_answer=None, slots=[], publishing=False, errors=_errors(errors)
        )
    room, answer, publishing = result
    return VideoSignalPayload(
        room=room,
        sdp_answer=answer.sdp,
        slots=[
            VideoSlot(mid=s.mid, user_id=gid("User", s.user_id), kind=s.kind) for s in answer.slots
        ],
        publishing=publishing,
        errors=[],
    )


@strawberry.type
class VideoMutations:
    @strawberry.mutation(description="Host: open the meeting's 云视频 room.")
    async def open_video_room(
        self,
        info: Info,
        meeting_id: Annotated[relay.GlobalID, strawberry.argument(description="The meeting.")],
        participant_limit: Annotated[
            int, strawberry.argument(description="At most this many people at once (2–50).")
        ] = 16,
    ) -> VideoRoomPayload:
        async def run(s: AsyncSession, p: Principal) -> VideoRoom:
            room = await rooms.open_room(
                s,
                p,
                meeting_id=_decode(meeting_id, "Meeting", "meetingId"),
                participant_limit=participant_limit,
            )
            return await load_room(s, room)

        room, errors = await mutate(info, run)
        return VideoRoomPayload(room=room, errors=_errors(errors))

    @strawberry.mutation(
        description="Join a room with an SDP offer; returns the server's answer. An offer "
        "that sends audio or video publishes (allowed to hosts, speakers, representatives, "
        "invited citizens and whoever has the floor); one that only receives watches."
    )
    async def join_video_room(
        self,
        info: Info,
        room_id: Annotated[relay.GlobalID, strawberry.argument(description="The room.")],
        sdp_offer: Annotated[
            str, strawberry.argument(description=_OFFER_DESCRIPTION % "Your SDP offer")
        ],
    ) -> VideoSignalPayload:
        ctx = info.context

        async def run(s: AsyncSession, p: Principal) -> tuple[VideoRoom, Answer, bool]:
            rid = _decode(room_id, "VideoRoom", "roomId")
            server = _server(info)
            publish = _offer(sdp_offer)
            admission = await rooms.admit(s, p, room_id=rid, publish=publish)
            try:
                answer = await server.join(
                    tenant_id=admission.room.tenant_id,
                    room_id=rid,
                    user_id=admission.user_id,
                    attendance_id=admission.attendance_id,
                    publish=publish,
                    sdp=sdp_offer,
                )
            except InvalidOffer as exc:
                raise DomainError(Code.INVALID_SDP, _SDP_REFUSED, field="sdpOffer") from exc
            bridge = ctx.services.video_channel
            if bridge is not None:
                bridge.remember(
                    PeerInfo(
                        admission.room.tenant_id, rid, admission.user_id, admission.attendance_id
                    ),
                    admission.meeting.id,
                    ctx.for_operation(),
                )
            return await load_room(s, admission.room), answer, publish

        return _signal(*await mutate(info, run, limit=Action.VIDEO_SIGNAL))

    @strawberry.mutation(
        description="A new offer from your connection in the room: to receive the tracks "
        "of people who started publishing since (add receiving m-lines), or to start or "
        "stop sending."
    )
    async def renegotiate_video(
        self,
        info: Info,
        room_id: Annotated[relay.GlobalID, strawberry.argument(description="The room.")],
        sdp_offer: Annotated[
            str, strawberry.argument(description=_OFFER_DESCRIPTION % "Your new SDP offer")
        ],
    ) -> VideoSignalPayload:
        async def run(s: AsyncSession, p: Principal) -> tuple[VideoRoom, Answer, bool]:
            rid = _decode(room_id, "VideoRoom", "roomId")
            server = _server(info)
            publish = _offer(sdp_offer)
            await rooms.check_publishing(s, p, room_id=rid, publish=publish)
            room, _meeting = await room_and_meeting(s, rid)
            try:
                answer = await server.renegotiate(
                    tenant_id=room.tenant_id,
                    room_id=rid,
                    user_id=p.require_user(),
                    publish=publish,
                    sdp=sdp_offer,
                )
            except LookupError as exc:
                raise DomainError(
                    Code.NOT_IN_ROOM, "您的音视频连接已断开，请重新进入", field="roomId"
                ) from exc
            except InvalidOffer as exc:
                raise DomainError(Code.INVALID_SDP, _SDP_REFUSED, field="sdpOffer") from exc
            return await load_room(s, room), answer, publish

        return _signal(*await mutate(info, run, limit=Action.VIDEO_SIGNAL))

    @strawberry.mutation(description="Leave the room (your connection is closed).")
    async def leave_video_room(
        self,
        info: Info,
        room_id: Annotated[relay.GlobalID, strawberry.argument(description="The room.")],
    ) -> VideoRoomPayload:
        async def run(s: AsyncSession, p: Principal) -> VideoRoom:
            rid = _decode(room_id, "VideoRoom", "roomId")
            room = await rooms.leave_room(s, p, room_id=rid)
            server = info.context.services.video
            if server is not None:
                peer = server.peer_of(room.tenant_id, p.require_user())
                await server.leave(room.tenant_id, rid, p.require_user())
                bridge = info.context.services.video_channel
                if peer is not None and bridge is not None:
                    bridge.forget(peer.info)
            return await load_room(s, room)

        room, errors = await mutate(info, run)
        return VideoRoomPayload(room=room, errors=_errors(errors))

    @strawberry.mutation(
        description="Host: give someone the floor (发言权) to publish, by person or by "
        "their raised hand in the speaking queue."
    )
    async def grant_video_floor(
        self,
        info: Info,
        room_id: Annotated[relay.GlobalID, strawberry.argument(description="The room.")],
        user_id: Annotated[
            relay.GlobalID | None, strawberry.argument(description="The person.")
        ] = None,
        speaking_request_id: Annotated[
            relay.GlobalID | None,
            strawberry.argument(description="Or their raised hand (SpeakingRequest)."),
        ] = None,
    ) -> VideoFloorPayload:
        async def run(s: AsyncSession, p: Principal) -> int:
            rid = _decode(room_id, "VideoRoom", "roomId")
            grant = await rooms.grant_floor(
                s,
                p,
                room_id=rid,
                user_id=_decode(user_id, "User", "userId") if user_id else None,
                speaking_request_id=_decode(
                    speaking_request_id, "SpeakingRequest", "speakingRequestId"
                )
                if speaking_request_id
                else None,
            )
            server = info.context.services.video
            if server is not None:
                server.set_floor(grant.tenant_id, rid, grant.user_id, True)
            return grant.user_id

        uid, errors = await mutate(info, run)
        return VideoFloorPayload(
            user_id=gid("User", uid) if uid is not None else None,
            granted=uid is not None,
            errors=_errors(errors),
        )

    @strawberry.mutation(
        description="Host: take the floor back; what they send is no longer forwarded."
    )
    async def revoke_video_floor(
        self,
        info: Info,
        room_id: Annotated[relay.GlobalID, strawberry.argument(description="The room.")],
        user_id: Annotated[relay.GlobalID, strawberry.argument(description="The person.")],
    ) -> VideoFloorPayload:
        async def run(s: AsyncSession, p: Principal) -> int:
            rid = _decode(room_id, "VideoRoom", "roomId")
            grant = await rooms.revoke_floor(
                s, p, room_id=rid, user_id=_decode(user_id, "User", "userId")
            )
            server = info.context.services.video
            if server is not None:
                server.set_floor(grant.tenant_id, rid, grant.user_id, False)
            return grant.user_id

        uid, errors = await mutate(info, run)
        return VideoFloorPayload(
            user_id=gid("User", uid) if uid is not None else None,
            granted=False,
            errors=_errors(errors),
        )

    @strawberry.mutation(
        description="Host: record the room (录像) to a file in the storage folder, without "
        "re-encoding; the start is an event in the meeting's record."
    )
    async def start_video_recording(
        self,
        info: Info,
        room_id: Annotated[relay.GlobalID, strawberry.argument(description="The room.")],
    ) -> VideoRecordingPayload:
        async def run(s: AsyncSession, p: Principal) -> VideoRecording:
            rid = _decode(room_id, "VideoRoom", "roomId")
            server = _server(info)
            rec = await recording.start_recording(s, p, room_id=rid)
            try:
                server.start_recording(rec.tenant_id, rid, rec.file_name)
            except RuntimeError as exc:
                raise DomainError(
                    Code.ALREADY_RECORDING, "该会议室正在录像", field="roomId"
                ) from exc
            return VideoRecording.from_model(rec)

        rec, errors = await mutate(info, run)
        return VideoRecordingPayload(recording=rec, errors=_errors(errors))

    @strawberry.mutation(
        description="Host: stop the room's recording; the stop is an event in the meeting's "
        "record with the file's SHA-256 and size."
    )
    async def stop_video_recording(
        self,
        info: Info,
        room_id: Annotated[relay.GlobalID, strawberry.argument(description="The room.")],
    ) -> VideoRecordingPayload:
        async def run(s: AsyncSession, p: Principal) -> VideoRecording:
            rid = _decode(room_id, "VideoRoom", "roomId")
            server = _server(info)
            rec = await recording.stop_recording(s, p, room_id=rid)
            try:
                sha256, size = await server.stop_recording(rec.tenant_id, rid)
            except LookupError as exc:
                raise DomainError(
                    Code.NOT_RECORDING, "本服务进程没有该会议室的录像", field="roomId"
                ) from exc
            rec = await recording.recording_stopped(
                s, p, recording_id=rec.id, sha256=sha256, size=size
            )
            return VideoRecording.from_model(rec)

        rec, errors = await mutate(info, run)
        return VideoRecordingPayload(recording=rec, errors=_errors(errors))
