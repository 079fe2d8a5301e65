"""The media server's ICE sockets (realtime.video.ice): each is made with the receive
buffer the server asks for (so a stall of the event loop does not overflow it and lose
keyframes), and with remote networks configured, an offer's candidates and connectivity
checks from anywhere else are ignored, so the media flows on the allowed addresses only."""

from __future__ import annotations

import ipaddress
import socket
from pathlib import Path
from typing import Any

import psutil
import pytest
from aioice import ice as aioice_ice
from aioice import turn
from pydantic import ValidationError

from backend.core.settings import Settings
from realtime.video import ice
from realtime.video.server import _ice_transports
from tests.factories.video import JOIN, join, make_video_world, until
from tests.video_client import VideoClient


@pytest.fixture
async def clients():
    made: list[VideoClient] = []
    yield made
    for c in made:
        await c.close()


def connections(pc: Any) -> list[Any]:
    """The aioice Connections of a peer connection (aiortc's RTCIceTransport._connection)."""
    return [t._connection for t in _ice_transports(pc)]


def rmem_max() -> int:
    return int(Path("/proc/sys/net/core/rmem_max").read_text())


def other_address() -> str | None:
    """An IPv4 address of this machine that is not loopback (eth0's), if it has one."""
    for addrs in psutil.net_if_addrs().values():
        for a in addrs:
            if a.family == socket.AF_INET and not ipaddress.ip_address(a.address).is_loopback:
                return str(a.address)
    return None


def test_offers_lose_their_candidates_outside_the_allowed_networks():
    sdp = (
        "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
        "a=candidate:1 1 udp 2130706431 127.0.0.1 5000 typ host\r\n"
        "a=candidate:2 1 udp 2130706431 10.0.0.7 5002 typ host\r\n"
        "a=candidate:3 1 udp 2130706431 0b1c2d3e.local 5004 typ host\r\n"
        "a=end-of-candidates\r\n"
    )
    kept = ice.filter_offer(sdp, ice.networks(["127.0.0.0/8"]))
    assert "127.0.0.1 5000" in kept
    assert "10.0.0.7" not in kept and ".local" not in kept
    assert "a=end-of-candidates" in kept
    assert ice.filter_offer(sdp, []) == sdp  # no networks configured: any


def test_the_remote_networks_setting_refuses_what_is_not_a_network():
    assert Settings(video_ice_remote_networks=["127.0.0.0/8", "10.1.2.3"]).video_ice_remote_networks
    with pytest.raises(ValidationError, match="is not an IP network"):
        Settings(video_ice_remote_networks=["intranet"])


async def test_the_servers_ice_sockets_get_the_configured_receive_buffer(server, gql, clients):
    w = await make_video_world(server, gql)
    speaker = VideoClient(publish=True)
    clients.append(speaker)
    await join(gql, w.room, speaker, w.speaker.token)
    peer = server.services.video.peer_of(w.county.id, w.speaker.user_id)
    wanted = server.services.settings.video_socket_buffer_bytes
    assert turn.UDP_SOCKET_BUFFER_SIZE == wanted
    cap = rmem_max()
    sockets = [
        p.transport.get_extra_info("socket") for c in connections(peer.pc) for p in c._protocols
    ]
    assert sockets
    for sock in sockets:
        # Linux doubles what is asked (bookkeeping) and caps the request at rmem_max
        assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF) == 2 * min(wanted, cap)


async def test_remote_candidates_outside_the_allowed_networks_are_ignored(
    server, gql, clients, monkeypatch
):
    address = other_address()
    if address is None:
        pytest.skip("this machine has no address but loopback")
    w = await make_video_world(server, gql)
    video = server.services.video
    monkeypatch.setattr(video, "remote_networks", ice.networks(["127.0.0.0/8"]))
    speaker = VideoClient(publish=True)
    viewer = VideoClient(publish=False, slots=1)
    clients += [speaker, viewer]

    # the speaker offers its eth0 address as well as loopback (as Chromium would)
    with monkeypatch.context() as m:
        m.setattr(
            aioice_ice, "get_host_addresses", lambda use_ipv4, use_ipv6: [address, "127.0.0.1"]
        )
        offer = await speaker.offer()
    assert f" {address} " in offer
    data = await gql.data(JOIN, {"r": w.room, "sdp": offer}, token=w.speaker.token)
    assert data["joinVideoRoom"]["errors"] == []
    await speaker.accept(data["joinVideoRoom"]["sdpAnswer"])
    await join(gql, w.room, viewer, w.viewer.token)
    await until(lambda: viewer.frames_of("video") >= 3, "the speaker's video at the viewer")

    peer = video.peer_of(w.county.id, w.speaker.user_id)
    (conn,) = connections(peer.pc)
    assert {c.host for c in conn.remote_candidates} == {"127.0.0.1"}
    pairs = [*conn._nominated.values()] + [
        p for c in connections(speaker.pc) for p in c._nominated.values()
    ]
    assert pairs
    for pair in pairs:
        assert (pair.local_candidate.host, pair.remote_candidate.host) == (
            "127.0.0.1",
            "127.0.0.1",
        )
