"""The media server of 云视频 rooms: one aiortc peer per person in a room, in a registry
keyed by county and user, forwarding every publication to every other peer.

Signalling comes through the GraphQL API (`schema.video`): `join` and `renegotiate` take
the client's SDP offer and return the answer, with ICE candidates gathered before
answering (host candidates on the configured addresses, `realtime.video.ice`). The offer
says what the client sends (its `sendonly`/`sendrecv` audio and video: published if the
caller may publish) and how many tracks it can receive (its `recvonly`/`sendrecv`
m-lines: slots, filled with the room's publications in the order people started
publishing; `Answer.slots` says whose track each mid carries). When someone starts
publishing, the others learn it from the room's stream and renegotiate with more slots.

A peer is closed on leave, on failure (ICE/DTLS failed), when the client closes its side
(DTLS close: `closed`), when it is not connected `disconnect_timeout` seconds after its
answer (`timeout`; a client that vanishes later fails its ICE consent checks: `failed`),
when its owner joins again (`replaced`) and at shutdown (`close`); each close but leave
and replacement calls `on_closed`, which the app uses to write the
departure into the room's record. Every task the server starts is tracked, and `close`
awaits them: none outlives the server (`tests/test_video_rooms.py`, the leak test).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiortc import RTCBundlePolicy, RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.rtcdatachannel import RTCDataChannel
from aiortc.sdp import SessionDescription

from realtime.video import ice, passthrough
from realtime.video.packets import PacketForward
from realtime.video.recorder import RoomRecorder
from realtime.video.relay import ForwardTrack, Publication, ReencodeTrack, attach_sender

log = logging.getLogger(__name__)

#: The largest offer answered. A browser's offer grows with the room: it carries one video
#: and one audio section per other participant it receives, ~5.9 KB a pair in Chromium 156
#: (measured: 12,044 bytes with one pair, 94,898 with 15 — a room of 16 — and 296,144 with
#: 49, a room of `backend.video.rooms.MAX_PARTICIPANT_LIMIT`). tests/test_video_rooms.py
#: pins that an offer for the largest room is answered.
MAX_SDP_BYTES = 512 * 1024
#: The most media sections (m= lines) an offer may have: two per other participant of the
#: largest room, one's own camera and microphone, the data channel, and some slack.
MAX_MEDIA_SECTIONS = 160
#: Who is where: (county, user) → their peer.
PeerKey = tuple[int, int]


class InvalidOffer(ValueError):
    """An SDP offer that cannot be parsed or answered (the reason, in English)."""


@dataclass(frozen=True, slots=True)
class OfferSummary:
    """What an offer asks for: whether it sends audio or video, how many it receives."""

    sends_media: bool
    receive_slots: int


@dataclass(frozen=True, slots=True)
class Slot:
    mid: str
    user_id: int
    kind: str


@dataclass(frozen=True, slots=True)
class Answer:
    sdp: str
    slots: list[Slot]


@dataclass(frozen=True, slots=True)
class PeerInfo:
    """Who a peer is, as the app's callbacks see it."""

    tenant_id: int
    room_id: int
    user_id: int
    attendance_id: int


#: Called when the server ends a peer by itself: (who, "failed" | "closed" | "timeout" |
#: "shutdown").
OnClosed = Callable[[PeerInfo, str], Awaitable[None]]
#: A data-channel message (parsed JSON object) → the reply object sent back on it.
OnMessage = Callable[[PeerInfo, dict[str, Any]], Awaitable[dict[str, Any]]]


def inspect_offer(sdp: str) -> OfferSummary:
    """Parse an offer, or raise InvalidOffer (what a client sent is not trusted)."""
    if not isinstance(sdp, str) or not sdp.strip():
        raise InvalidOffer("empty")
    if len(sdp.encode()) > MAX_SDP_BYTES:
        raise InvalidOffer("too large")
    if not sdp.lstrip().startswith("v=0"):
        raise InvalidOffer("not an SDP session description")
    if sdp.count("\nm=") > MAX_MEDIA_SECTIONS:
        raise InvalidOffer("too many media sections")
    try:
        parsed = SessionDescription.parse(sdp)
    except Exception as exc:  # aiortc's parser raises what it meets (ValueError, KeyError…)
        raise InvalidOffer(f"unparsable: {exc!r}"[:200]) from exc
    media = [m for m in parsed.media if m.kind in ("audio", "video")]
    if not media and not any(m.kind == "application" for m in parsed.media):
        raise InvalidOffer("no media")
    for m in parsed.media:
        if m.ice is None or not m.ice.usernameFragment or m.dtls is None or not m.dtls.fingerprints:
            raise InvalidOffer("no ICE credentials or DTLS fingerprint")
    return OfferSummary(
        sends_media=any(m.direction in ("sendonly", "sendrecv") for m in media),
        receive_slots=sum(1 for m in media if m.direction in ("recvonly", "sendrecv")),
    )


@dataclass(eq=False)
class Peer:
    info: PeerInfo
    pc: RTCPeerConnection
    publishing: bool
    room: Room
    publications: list[Publication] = field(default_factory=list)
    #: mid → what that receiving slot forwards (re-encoded where its codec differs).
    forwards: dict[str, ForwardTrack | ReencodeTrack | PacketForward] = field(default_factory=dict)
    channels: list[RTCDataChannel] = field(default_factory=list)
    disconnect_timer: asyncio.TimerHandle | None = None
    closing: bool = False


@dataclass(eq=False)
class Room:
    tenant_id: int
    room_id: int
    peers: dict[int, Peer] = field(default_factory=dict)
    recorder: RoomRecorder | None = None

    def publications(self) -> list[Publication]:
        """Live publications, in the order they started (stable slot order)."""
        return sorted(
            (p for peer in self.peers.values() for p in peer.publications if not p.done),
            key=lambda p: (p.started_order, p.kind),
        )


class VideoServer:
    """The process's rooms and peers (owned by the app's lifespan; `close` at shutdown)."""

    def __init__(
        self,
        *,
        ice_addresses: list[str],
        storage_dir: Path,
        disconnect_timeout: float = 10.0,
        keyframe_interval: float = 0.5,
        socket_buffer: int = ice.DEFAULT_SOCKET_BUFFER,
        remote_networks: Sequence[str] = (),
        on_closed: OnClosed | None = None,
        on_message: OnMessage | None = None,
        packet_path: bool = True,
    ) -> None:
        passthrough.install()
        #: Forward RTP packets (realtime/video/packets.py); False: frames, re-packetised by
        #: each receiver's aiortc sender (the path before, kept for comparison)
        self.packet_path = packet_path
        ice.use_host_addresses(ice_addresses)
        ice.use_socket_buffer(socket_buffer)
        ice.demux_media_first()
        #: Remote candidates only from these networks (empty: any); a list to change in tests.
        self.remote_networks = ice.networks(remote_networks)
        self.storage_dir = storage_dir
        self.disconnect_timeout = disconnect_timeout
        self.keyframe_interval = keyframe_interval
        self.on_closed = on_closed
        self.on_message = on_message
        self.peers: dict[PeerKey, Peer] = {}
        self.rooms: dict[tuple[int, int], Room] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._order = 0
        self._closed = False

    # -- signalling ------------------------------------------------------------------------

    async def join(
        self,
        *,
        tenant_id: int,
        room_id: int,
        user_id: int,
        attendance_id: int,
        publish: bool,
        sdp: str,
    ) -> Answer:
        """A new peer for the caller in the room (their previous peer, anywhere, ends),
        answering `sdp`; raises InvalidOffer with nothing changed if it cannot."""
        if self._closed:
            raise RuntimeError("the video server is shut down")
        inspect_offer(sdp)
        room = self.rooms.get((tenant_id, room_id)) or Room(tenant_id, room_id)
        info = PeerInfo(tenant_id, room_id, user_id, attendance_id)
        pc = RTCPeerConnection(
            RTCConfiguration(iceServers=[], bundlePolicy=RTCBundlePolicy.MAX_BUNDLE)
        )
        peer = Peer(info=info, pc=pc, publishing=publish, room=room)
        self._wire(peer)
        try:
            answer = await self._answer(peer, sdp)
        except Exception as exc:
            await self._stop_peer(peer)
            if isinstance(exc, InvalidOffer):
                raise
            raise InvalidOffer(f"cannot answer: {exc!r}"[:200]) from exc
        previous = self.peers.get((tenant_id, user_id))
        if previous is not None:
            # in the same room the caller recorded the replacement; from another room the
            # departure is recorded through on_closed
            await self._close(previous, "replaced", notify=previous.info.room_id != room_id)
        self._arm_timeout(peer)
        self.rooms[(tenant_id, room_id)] = room
        room.peers[user_id] = peer
        self.peers[(tenant_id, user_id)] = peer
        return answer

    async def renegotiate(
        self, *, tenant_id: int, room_id: int, user_id: int, publish: bool, sdp: str
    ) -> Answer:
        """A new offer from a peer in the room (more slots, starting or stopping to send)."""
        peer = self._peer(tenant_id, room_id, user_id)
        inspect_offer(sdp)
        peer.publishing = publish
        try:
            return await self._answer(peer, sdp)
        except InvalidOffer:
            raise
        except Exception as exc:
            raise InvalidOffer(f"cannot answer: {exc!r}"[:200]) from exc

    async def _answer(self, peer: Peer, sdp: str) -> Answer:
        pc = peer.pc
        allow = self.remote_networks
        try:
            await pc.setRemoteDescription(
                RTCSessionDescription(sdp=ice.filter_offer(sdp, allow), type="offer")
            )
        except Exception as exc:
            raise InvalidOffer(f"rejected: {exc!r}"[:200]) from exc
        for transport in _ice_transports(pc):
            # aiortc's RTCIceTransport._connection (PINNED_AIORTC): its aioice Connection
            ice.restrict_remote(transport._connection, allow)
        self._fill_slots(peer)
        await pc.setLocalDescription(await pc.createAnswer())  # gathers candidates first
        slots = [
            Slot(mid=mid, user_id=track.publication.user_id, kind=track.kind)
            for mid, track in peer.forwards.items()
            if track.readyState == "live"
        ]
        return Answer(sdp=pc.localDescription.sdp, slots=slots)

    def _fill_slots(self, peer: Peer) -> None:
        """Give each receiving m-line of the peer a publication of its kind it does not
        get yet (its own excepted); a slot whose publication ended is given again."""
        me = peer.info.user_id
        taken = {
            id(t.publication)
            for t in peer.forwards.values()
            if t.readyState == "live" and not t.publication.done
        }
        # not one's own, nor those of one's connection being replaced
        waiting = [p for p in peer.room.publications() if p.user_id != me and id(p) not in taken]
        for transceiver in peer.pc.getTransceivers():
            mid = transceiver.mid
            if mid is None or transceiver._offerDirection not in ("sendonly", "sendrecv"):
                continue  # the client does not receive on this m-line
            current = peer.forwards.get(mid)
            if (
                current is not None
                and current.readyState == "live"
                and not current.publication.done
            ):
                continue
            pick = next((p for p in waiting if p.kind == transceiver.kind), None)
            if pick is None:
                continue
            waiting.remove(pick)
            sends = transceiver._codecs[0].mimeType.lower() if transceiver._codecs else None
            takes = {c.mimeType.lower() for c in transceiver._codecs}
            mime = (pick.mime_type or pick.packet_mime or "").lower() or None
            track: ForwardTrack | ReencodeTrack | PacketForward
            if self.packet_path and (mime is None or mime in takes):
                track = PacketForward(pick, transceiver)  # RTP packets, header rewritten
            elif mime is not None and sends is not None and sends != mime:
                track = pick.reencoded()  # this receiver cannot take the publisher's codec
                transceiver.sender.replaceTrack(track)
            else:
                track = ForwardTrack(pick)  # the frame path (packet_path=False)
                attach_sender(transceiver.sender, track)
            peer.forwards[mid] = track
            transceiver.direction = (
                "sendrecv" if transceiver._offerDirection == "sendrecv" else "sendonly"
            )

    # -- the peer's events -----------------------------------------------------------------

    def _wire(self, peer: Peer) -> None:
        pc = peer.pc

        @pc.on("track")
        def on_track(track: Any) -> None:
            receiver = next(t.receiver for t in pc.getTransceivers() if t.receiver.track is track)
            passthrough.mark_passthrough(track, receiver)  # the server never decodes it
            self._order += 1
            publication = Publication(
                user_id=peer.info.user_id,
                kind=track.kind,
                source=track,
                receiver=receiver,
                keyframe_interval=self.keyframe_interval,
            )
            passthrough.tap_packets(receiver, publication.on_packet)  # the packet path
            publication.started_order = self._order
            publication.enabled = peer.publishing
            peer.publications.append(publication)
            recorder = peer.room.recorder
            if recorder is not None:
                recorder.add(publication)

        @pc.on("datachannel")
        def on_datachannel(channel: RTCDataChannel) -> None:
            peer.channels.append(channel)

            @channel.on("message")
            def on_message(message: Any) -> None:
                self._spawn(self._handle_message(peer, channel, message))

        @pc.on("connectionstatechange")
        def on_state() -> None:
            state = pc.connectionState
            if state == "failed":
                self._spawn(self._close(peer, "failed"))
            elif state == "closed" and not peer.closing:  # the client closed its side
                self._spawn(self._close(peer, "closed"))
            elif state == "disconnected":  # not emitted by aiortc 1.16; a browser's word
                self._arm_timeout(peer)

    def _arm_timeout(self, peer: Peer) -> None:
        """Close the peer unless it is connected `disconnect_timeout` seconds from now: a
        client that got its answer and never connected (aiortc has no "disconnected"
        state; a client that vanishes later fails its ICE consent checks instead)."""

        def check() -> None:
            peer.disconnect_timer = None
            if peer.pc.connectionState != "connected":
                self._spawn(self._close(peer, "timeout"))

        if peer.disconnect_timer is not None:
            peer.disconnect_timer.cancel()
        peer.disconnect_timer = asyncio.get_running_loop().call_later(
            self.disconnect_timeout, check
        )

    async def _handle_message(self, peer: Peer, channel: RTCDataChannel, message: Any) -> None:
        reply: dict[str, Any]
        try:
            data = json.loads(message) if isinstance(message, str | bytes) else None
        except ValueError:
            data = None
        if not isinstance(data, dict):
            reply = {"ok": False, "errors": [{"code": "INVALID", "message": "消息格式无效"}]}
        elif self.on_message is None:
            reply = {"ok": False, "errors": [{"code": "INVALID", "message": "不支持该消息"}]}
        else:
            try:
                reply = await self.on_message(peer.info, data)
            except Exception:
                log.exception("data channel message failed")
                reply = {"ok": False, "errors": [{"code": "INTERNAL", "message": "服务器错误"}]}
            if "id" in data:
                reply["id"] = data["id"]
        if channel.readyState == "open":
            channel.send(json.dumps(reply, ensure_ascii=False))

    # -- leaving and closing ---------------------------------------------------------------

    def _peer(self, tenant_id: int, room_id: int, user_id: int) -> Peer:
        peer = self.peers.get((tenant_id, user_id))
        if peer is None or peer.info.room_id != room_id:
            raise LookupError("not in the room")
        return peer

    def peer_of(self, tenant_id: int, user_id: int) -> Peer | None:
        return self.peers.get((tenant_id, user_id))

    async def leave(self, tenant_id: int, room_id: int, user_id: int) -> bool:
        """The caller's peer in the room closed (the departure is recorded by the caller)."""
        peer = self.peers.get((tenant_id, user_id))
        if peer is None or peer.info.room_id != room_id:
            return False
        await self._close(peer, "left", notify=False)
        return True

    def set_floor(self, tenant_id: int, room_id: int, user_id: int, allowed: bool) -> None:
        """Forward (or stop forwarding) what `user_id` publishes, as the floor changes."""
        peer = self.peers.get((tenant_id, user_id))
        if peer is None or peer.info.room_id != room_id:
            return
        peer.publishing = allowed or peer.publishing
        for publication in peer.publications:
            publication.enabled = allowed
            if allowed:
                publication.request_keyframe()

    async def _close(self, peer: Peer, reason: str, *, notify: bool = True) -> None:
        if peer.closing:
            return
        peer.closing = True
        key = (peer.info.tenant_id, peer.info.user_id)
        if self.peers.get(key) is peer:
            del self.peers[key]
        room = peer.room
        if room.peers.get(peer.info.user_id) is peer:
            del room.peers[peer.info.user_id]
        await self._stop_peer(peer)
        if not room.peers and room.recorder is None:
            self.rooms.pop((room.tenant_id, room.room_id), None)
        if notify and self.on_closed is not None:
            try:
                await self.on_closed(peer.info, reason)
            except Exception:
                log.exception("recording a peer's departure failed")

    async def _stop_peer(self, peer: Peer) -> None:
        if peer.disconnect_timer is not None:
            peer.disconnect_timer.cancel()
            peer.disconnect_timer = None
        for track in peer.forwards.values():
            track.stop()
        for publication in peer.publications:
            await publication.stop()
        await peer.pc.close()

    def _spawn(self, coro: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- recording -------------------------------------------------------------------------

    def start_recording(self, tenant_id: int, room_id: int, file_name: str) -> Path:
        """Record every publication of the room, present and to come, to `file_name` in
        the storage folder (packets as received: nothing re-encoded)."""
        room = self.rooms.get((tenant_id, room_id))
        if room is None:
            room = self.rooms[(tenant_id, room_id)] = Room(tenant_id, room_id)
        if room.recorder is not None:
            raise RuntimeError("already recording")
        self.storage_dir.mkdir(parents=True, exist_ok=True)
        path = self.storage_dir / file_name
        room.recorder = RoomRecorder(path)
        for publication in room.publications():
            room.recorder.add(publication)
        return path

    async def stop_recording(self, tenant_id: int, room_id: int) -> tuple[str, int]:
        """Close the room's recording: the file's sha256 and size (an empty file if
        nothing was published meanwhile)."""
        room = self.rooms.get((tenant_id, room_id))
        if room is None or room.recorder is None:
            raise LookupError("not recording")
        recorder, room.recorder = room.recorder, None
        path = await recorder.close()
        if not room.peers:
            self.rooms.pop((tenant_id, room_id), None)
        return await asyncio.to_thread(_digest, path)

    def recording(self, tenant_id: int, room_id: int) -> RoomRecorder | None:
        room = self.rooms.get((tenant_id, room_id))
        return room.recorder if room is not None else None

    # -- shutdown --------------------------------------------------------------------------

    async def close(self) -> None:
        """Shutdown: every peer closed (`on_closed` with "shutdown"), recordings closed,
        every task of the server awaited."""
        self._closed = True
        for peer in list(self.peers.values()):
            await self._close(peer, "shutdown")
        for room in list(self.rooms.values()):
            if room.recorder is not None:
                with contextlib.suppress(Exception):
                    await room.recorder.close()
                room.recorder = None
        self.rooms.clear()
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)


def _ice_transports(pc: RTCPeerConnection) -> list[Any]:
    transports = {
        id(t.sender.transport.transport): t.sender.transport.transport
        for t in pc.getTransceivers()
        if t.sender.transport is not None
    }
    sctp = pc.sctp
    if sctp is not None:
        transports[id(sctp.transport.transport)] = sctp.transport.transport
    return list(transports.values())


def _digest(path: Path) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size
