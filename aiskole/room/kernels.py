"""Kernels a visitor may start, and whose they are.

Every app or lesson page Voilà renders starts a kernel (~120 MiB). Anonymous visitors share a cap
(:attr:`KernelPolicy.anonymous`) and each address a smaller one; the facilitator has room of their own, so a
full room never locks the presenter out. Each kernel belongs to the browser that opened its page: only that
browser may open its websocket, ask for it or shut it down, and only the facilitator a facilitator's kernel.
A request over a cap gets Voilà's page replaced by a Danish "prøv igen om lidt" page.

Pure bookkeeping: :mod:`aiskole.room.guard` calls it from the request handlers and the kernel manager.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

#: Memory one app kernel takes, measured (bench/room.py: ~117 MiB RSS per kernel after its first widget).
KERNEL_MIB = 150
#: Memory left for the server, the database and the desktop.
RESERVE_MIB = 1024


def default_cap(available_mib: int | None = None) -> int:
    """Kernels for anonymous visitors from the memory available: between 2 and 40."""
    if available_mib is None:
        available_mib = _available_mib()
    return max(2, min(40, (available_mib - RESERVE_MIB) // KERNEL_MIB))


def _available_mib() -> int:
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_AVPHYS_PAGES") // 2**20
    except (ValueError, OSError, AttributeError):
        return 4096


#: Seconds without a connection or a message after which a kernel counts as left behind: its page was closed,
#: reloaded (a reload renders a new kernel) or navigated away from. A page that is still loading has connected
#: within a few seconds; Voilà's own cull takes such kernels only after minutes.
ABANDONED_SECONDS = 30
#: Kernels one request may shut down to make room (a bound, not a goal: one is almost always enough).
MAX_EVICTIONS = 3


@dataclass(frozen=True)
class KernelUse:
    """What the kernel manager says of a running kernel: open connections, seconds since its last message."""

    kernel_id: str
    connections: int
    idle_seconds: float


@dataclass(frozen=True)
class Owner:
    """Who opened a kernel's page: the browser's anonymous id, its address (for the per-address cap), and
    whether it was the facilitator."""

    browser: str
    address: str
    facilitator: bool = False


@dataclass(eq=False)
class Reservation:
    """A place under the caps held for a page whose kernel is being started (one per request, by identity:
    two pages of the same browser opened at once hold two places)."""

    owner: Owner


@dataclass
class KernelPolicy:
    """The caps and the owners of running kernels.

    ``anonymous``: kernels all non-facilitators may have at once; ``per_address``: of those, per client address;
    ``facilitator``: the facilitator's own, on top.
    """

    anonymous: int
    per_address: int = 0
    facilitator: int = 6
    owners: dict[str, Owner] = field(default_factory=dict)
    #: Seconds without a connection or a message after which a kernel counts as left behind.
    abandoned_after: float = ABANDONED_SECONDS
    #: Pages whose kernel is being started (counted against the caps until their request ends).
    starting: list[Reservation] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.anonymous < 1:
            raise ValueError("anonymous must be at least 1")
        if self.per_address <= 0:
            self.per_address = max(2, self.anonymous // 4)

    def forget_missing(self, running: set[str]) -> None:
        """Drop owners of kernels that no longer run (shut down, culled, died)."""
        for kernel_id in [k for k in self.owners if k not in running]:
            del self.owners[kernel_id]

    def _held(self) -> list[Owner]:
        return [*self.owners.values(), *(r.owner for r in self.starting)]

    def may_start(self, owner: Owner) -> bool:
        held = self._held()
        if owner.facilitator:
            return sum(o.facilitator for o in held) < self.facilitator
        anonymous = [o for o in held if not o.facilitator]
        same_address = sum(o.address == owner.address for o in anonymous)
        return len(anonymous) < self.anonymous and same_address < self.per_address

    def try_reserve(self, owner: Owner) -> Reservation | None:
        """A place for one more kernel of ``owner``, or ``None`` when a cap is reached (check and take at once)."""
        if not self.may_start(owner):
            return None
        reservation = Reservation(owner)
        self.starting.append(reservation)
        return reservation

    def release(self, reservation: Reservation | None) -> None:
        """Give the place back (the request ended: its kernel runs and is an owner now, or it never started)."""
        if reservation is not None and reservation in self.starting:
            self.starting.remove(reservation)

    def started(self, kernel_id: str, owner: Owner) -> None:
        self.owners[kernel_id] = owner

    def make_room(self, owner: Owner, uses: list[KernelUse]) -> list[str]:
        """Kernels to shut down so that ``owner`` may start one, forgotten here at once; ``[]`` if none may go.

        Only kernels left behind go (no connection, no message for :attr:`abandoned_after` seconds), the
        longest idle first, and only those that hold a place ``owner`` needs: a facilitator's kernel only for
        the facilitator, and for a visitor the ones of their own browser first, then of their address, then
        any visitor's (the full room's cap). A kernel somebody is connected to is never taken. Without this a facilitator who looked through six
        apps, or a room whose visitors closed their tabs, waits minutes for Voilà's cull.
        """
        left = sorted((u for u in uses if self._left_behind(u)), key=lambda u: -u.idle_seconds)
        taken: list[str] = []
        while not self.may_start(owner) and len(taken) < MAX_EVICTIONS:
            pick = self._pick(owner, [u for u in left if u.kernel_id not in taken])
            if pick is None:
                break
            taken.append(pick)
            del self.owners[pick]
        return taken

    def _left_behind(self, use: KernelUse) -> bool:
        return (
            use.kernel_id in self.owners and use.connections == 0 and use.idle_seconds >= self.abandoned_after
        )

    def _pick(self, owner: Owner, left: list[KernelUse]) -> str | None:
        """The first kernel in ``left`` whose place ``owner`` needs (see :meth:`make_room`)."""
        same_role = [u.kernel_id for u in left if self.owners[u.kernel_id].facilitator == owner.facilitator]
        if owner.facilitator:
            return same_role[0] if same_role else None
        own = [k for k in same_role if self.owners[k].browser == owner.browser]
        near = [k for k in same_role if self.owners[k].address == owner.address]
        held_here = sum(o.address == owner.address and not o.facilitator for o in self._held())
        # Under the address's share, the room's cap is what binds: any visitor's kernel left behind frees it.
        anyone = same_role if held_here < self.per_address else []
        order = own + near + anyone
        return order[0] if order else None

    def may_use(self, kernel_id: str, browser: str | None, facilitator: bool) -> bool:
        """Whether this browser may talk to the kernel (its websocket, its info, its shutdown)."""
        owner = self.owners.get(kernel_id)
        if owner is None:
            return False
        if owner.facilitator and not facilitator:
            return False
        return browser is not None and owner.browser == browser
