"""Host candidates only, from the addresses the settings give (no STUN, no TURN).

aioice gathers a host candidate on every address of every interface except loopback, and
aiortc asks a public STUN server unless told otherwise. A county intranet has no STUN
server and the tests must stay on loopback, so the media server gives aiortc
`RTCConfiguration(iceServers=[])` and, through `use_host_addresses`, replaces aioice's
`get_host_addresses` with the configured list (`VIDEO_ICE_ADDRESSES`, default 127.0.0.1;
a deployment lists the server's intranet address). This applies to every aiortc peer of
the process (the test clients too), which is what loopback tests want.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from aioice import ice


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
