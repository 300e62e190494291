"""The laptop's address on the room's network, for the participants' link when the server listens on every
interface and no public address is set."""

from __future__ import annotations

import ipaddress
import socket


def lan_address() -> str | None:
    """This machine's IPv4 address on its local network, or ``None``.

    A UDP socket "connected" to a private address makes the system choose the outgoing interface; connecting a
    UDP socket sends nothing, so no packet leaves the machine.
    """
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("10.255.255.255", 9))
            address = probe.getsockname()[0]
    except OSError:
        return None
    ip = ipaddress.ip_address(address)
    return None if ip.is_loopback or ip.is_unspecified or ip.is_link_local else address
