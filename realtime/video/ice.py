"""ICE for the media server: host candidates only, on the configured addresses (no STUN,
no TURN), larger UDP receive buffers, and, where configured, remote candidates only from
the allowed networks.

aioice gathers a host candidate on every address of every interface except loopback, and
aiortc asks a public STUN server unless told otherwise. A county intranet has no STUN
server and the tests must stay on loopback, so the media server gives aiortc
`RTCConfiguration(iceServers=[])` and, through `use_host_addresses`, replaces aioice's
`get_host_addresses` with the configured list (`VIDEO_ICE_ADDRESSES`, default 127.0.0.1;
a deployment lists the server's intranet address). This applies to every aiortc peer of
the process (the test clients too), which is what loopback tests want.

Receive buffers: aioice sets `SO_RCVBUF` of each socket it gathers to
`aioice.turn.UDP_SOCKET_BUFFER_SIZE` (256 KiB; the kernel doubles it), read when the
socket is made. One server socket per peer receives that peer's media and its receivers'
RTCP; when the event loop stalls (a loaded machine, a burst of keyframes to forward),
what arrives meanwhile waits in that buffer, and what does not fit is dropped by the
kernel (`/proc/net/udp` drops, `netstat -su` receive buffer errors) — a lost keyframe
packet costs every receiver of that publisher a second of video. `use_socket_buffer`
raises it for the process (`VIDEO_SOCKET_BUFFER_BYTES`, 4 MiB by default; the kernel
caps it at `net.core.rmem_max`, so a deployment raises that sysctl too).

Remote networks: `filter_offer` drops an offer's candidates outside the allowed networks
and `restrict_remote` makes a peer's ICE connections ignore candidates and connectivity
checks from anywhere else (a peer-reflexive candidate is learnt from a check's source
address, not from the offer), so media can only flow from those networks
(`VIDEO_ICE_REMOTE_NETWORKS`; empty, the default, allows any).

Demultiplexing: `demux_media_first` sends media datagrams past aioice's STUN parser
(RFC 7983's first-byte ranges), which otherwise tries, and fails, to parse each of them.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import Any

from aioice import ice, turn

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

#: The receive buffer the media server asks for on each ICE socket (bytes).
DEFAULT_SOCKET_BUFFER = 4 * 1024 * 1024


def use_host_addresses(addresses: Sequence[str]) -> None:
    chosen = [str(ipaddress.ip_address(a)) for a in addresses]

    def get_host_addresses(use_ipv4: bool, use_ipv6: bool) -> list[str]:
        return [
            a
            for a in chosen
            if (use_ipv4 and ipaddress.ip_address(a).version == 4)
            or (use_ipv6 and ipaddress.ip_address(a).version == 6)
        ]

    ice.get_host_addresses = get_host_addresses


def use_socket_buffer(size: int) -> None:
    """`SO_RCVBUF` (bytes) of the ICE sockets gathered from now on in this process
    (aioice reads `turn.UDP_SOCKET_BUFFER_SIZE` for each socket it makes)."""
    if size <= 0:
        raise ValueError("the socket buffer must be positive")
    turn.UDP_SOCKET_BUFFER_SIZE = size


def demux_media_first() -> None:
    """Hand media datagrams to the ICE connection without trying to parse them as STUN
    (for every aioice socket of the process, once).

    aioice's `StunProtocol.datagram_received` parses every datagram as a STUN message and
    takes the `ValueError` of one that is not as the sign of media: a raised and caught
    exception, a logging call and a tuple per RTP packet, most of a receiving peer's cost
    per packet before SRTP. RFC 7983 (the demultiplexing of STUN, DTLS and SRTP on one
    port) says a STUN message's first byte is 0–3, DTLS 20–63, RTP/RTCP 128–191, so a
    datagram whose first byte is above 3 goes straight to `Connection.data_received`, as
    aioice would have sent it after the failed parse; STUN goes aioice's way (connectivity
    checks, consent, the `restrict_remote` filter are unchanged). aioice's own names:
    `StunProtocol.datagram_received`, `.receiver`, `.local_candidate.component`."""
    protocol = ice.StunProtocol
    if getattr(protocol, "_yishi_demux", False):
        return
    parse_first = protocol.datagram_received

    def datagram_received(self: Any, data: bytes | str, addr: tuple[Any, ...]) -> None:
        if data and isinstance(data, bytes) and data[0] > 3:
            self.receiver.data_received(data, self.local_candidate.component)
            return
        parse_first(self, data, addr)

    protocol.datagram_received = datagram_received  # type: ignore[method-assign]
    protocol._yishi_demux = True  # type: ignore[attr-defined]


def networks(specs: Sequence[str]) -> list[Network]:
    return [ipaddress.ip_network(s, strict=False) for s in specs]


def allowed(address: str, allow: Sequence[Network]) -> bool:
    """Whether a candidate's address is in the allowed networks (any, if none are given;
    a host name, such as an mDNS `.local` candidate, is not)."""
    if not allow:
        return True
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in n for n in allow)


def filter_offer(sdp: str, allow: Sequence[Network]) -> str:
    """The offer without its `a=candidate` lines outside the allowed networks."""
    if not allow:
        return sdp
    kept = []
    for line in sdp.splitlines(keepends=True):
        if line.startswith("a=candidate:"):
            parts = line.split()
            if len(parts) < 6 or not allowed(parts[4], allow):
                continue
        kept.append(line)
    return "".join(kept)


def restrict_remote(connection: Any, allow: Sequence[Network]) -> None:
    """Make one aioice `Connection` ignore remote candidates and connectivity checks from
    outside the allowed networks (the instance's `add_remote_candidate` and
    `request_received`, aioice's own names)."""
    if not allow or getattr(connection, "_yishi_restricted", False):
        return
    add = connection.add_remote_candidate
    received = connection.request_received

    async def add_remote_candidate(candidate: Any) -> None:
        if candidate is not None and not allowed(candidate.host, allow):
            return
        await add(candidate)

    def request_received(message: Any, addr: tuple[str, int], protocol: Any) -> None:
        if not allowed(addr[0], allow):
            return  # no response: the pair from that address fails
        received(message, addr, protocol)

    connection.add_remote_candidate = add_remote_candidate
    connection.request_received = request_received
    connection._yishi_restricted = True
