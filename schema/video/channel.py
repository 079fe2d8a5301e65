"""The data channel of a 云视频 peer: chat, hand raises and votes sent over WebRTC go
through the same services and units of work as the API's postComment, raiseHand and
castVote (validated, rate-limited, written into the meeting's record), and the media
server's own departures (failure, timeout, shutdown) into the room's record.

Messages are JSON objects with an `id` the reply repeats:
`{"id": 1, "type": "chat", "body": "…"}` (a comment, `kind` COMMENT or QUESTION),
`{"id": 2, "type": "hand", "topic": "…"}`,
`{"id": 3, "type": "vote", "pollId": "<Poll global id>", "choices": [0],
"idempotencyKey": "…"}`. The reply is `{"id", "ok": true, …}` or
`{"id", "ok": false, "errors": [{"field", "code", "message"}]}`.

The peer acts as the principal that joined (resolved when it joined), through a context
made for each message (`Context.for_operation`: its own reads, closed after it).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, cast

from backend.core.db import Database
from backend.core.errors import DomainError, PermissionDenied
from backend.core.limits import Action
from backend.meetings import comments, speaking
from backend.meetings.models import CommentKind
from backend.video import rooms
from backend.video.errors import VideoErrorCode as _Invalid
from realtime.video.server import PeerInfo
from schema.context import Context, Info
from schema.limits import refuse_if_rate_limited
from schema.meetings.mutations.polls import _cast_vote
from schema.mutations import mutate
from schema.relay import to_global_id

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class _ContextInfo:
    """What `schema.mutations.mutate` reads of a resolver's Info: its context."""

    context: Context


def _refusal(errors: list[DomainError]) -> dict[str, Any]:
    return {
        "ok": False,
        "errors": [{"field": e.field, "code": e.code.name, "message": e.message} for e in errors],
    }


class DataChannelBridge:
    """Per peer, the meeting and the context it acts in; the handlers the media server
    calls (`VideoServer.on_message`, `VideoServer.on_closed`)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._peers: dict[tuple[int, int], tuple[PeerInfo, int, Context]] = {}

    def remember(self, peer: PeerInfo, meeting_id: int, ctx: Context) -> None:
        self._peers[(peer.tenant_id, peer.user_id)] = (peer, meeting_id, ctx)

    def forget(self, peer: PeerInfo) -> None:
        known = self._peers.get((peer.tenant_id, peer.user_id))
        if known is not None and known[0] == peer:
            del self._peers[(peer.tenant_id, peer.user_id)]

    async def on_message(self, peer: PeerInfo, message: dict[str, Any]) -> dict[str, Any]:
        known = self._peers.get((peer.tenant_id, peer.user_id))
        if known is None or known[0] != peer:
            return _refusal([DomainError(_Invalid.INVALID, "连接已失效，请重新进入")])
        _, meeting_id, joined = known
        ctx = joined.for_operation()
        try:
            return await self._handle(ctx, meeting_id, message)
        except PermissionDenied as exc:
            return {
                "ok": False,
                "errors": [{"field": None, "code": "FORBIDDEN", "message": str(exc)}],
            }
        finally:
            await ctx.close()

    async def _handle(self, ctx: Context, meeting_id: int, m: dict[str, Any]) -> dict[str, Any]:
        kind = m.get("type")
        info = cast(Info, _ContextInfo(ctx))
        if kind == "chat":
            body = m.get("body")
            if not isinstance(body, str):
                return _refusal([DomainError(_Invalid.INVALID, "请输入留言内容", field="body")])
            comment_kind = (
                CommentKind.QUESTION if m.get("kind") == "QUESTION" else CommentKind.COMMENT
            )
            principal = await ctx.principal()
            refused = await refuse_if_rate_limited(
                ctx, Action.COMMENT, user=(principal.tenant_id, principal.user_id)
            )
            if refused is not None:
                return _refusal([refused])
            comment, errors = await mutate(
                info,
                lambda s, p: comments.post_comment(
                    s, p, meeting_id=meeting_id, body=body, kind=comment_kind, parent_id=None
                ),
            )
            if comment is None:
                return _refusal(errors)
            return {"ok": True, "commentId": to_global_id("MeetingComment", comment.id)}
        if kind == "hand":
            topic = m.get("topic")
            request, errors = await mutate(
                info,
                lambda s, p: speaking.raise_hand(
                    s, p, meeting_id=meeting_id, topic=topic if isinstance(topic, str) else None
                ),
            )
            if request is None:
                return _refusal(errors)
            return {"ok": True, "requestId": to_global_id("SpeakingRequest", request.id)}
        if kind == "vote":
            poll_id, choices, key = m.get("pollId"), m.get("choices"), m.get("idempotencyKey")
            if (
                not isinstance(poll_id, str)
                or not isinstance(choices, list)
                or not all(isinstance(c, int) and not isinstance(c, bool) for c in choices)
                or not isinstance(key, str)
            ):
                return _refusal([DomainError(_Invalid.INVALID, "投票内容无效", field="choices")])
            payload = await _cast_vote(ctx, poll_id, choices, key)  # type: ignore[arg-type]
            if not payload.accepted:
                return {
                    "ok": False,
                    "errors": [
                        {"field": e.field, "code": e.code.name, "message": e.message}
                        for e in payload.errors
                    ],
                }
            return {"ok": True, "duplicate": payload.duplicate}
        return _refusal([DomainError(_Invalid.INVALID, "不支持该消息类型", field="type")])

    async def on_closed(self, peer: PeerInfo, reason: str) -> None:
        """The media server ended a peer by itself: its departure, in the room's record."""
        self.forget(peer)
        await self.db.run(
            lambda s: rooms.leave(
                s,
                None,
                room_id=peer.room_id,
                user_id=peer.user_id,
                reason=reason,
                attendance_id=peer.attendance_id,
            ),
            tenant_id=peer.tenant_id,
        )
