"""Kernel caps and owners: who may start a kernel, and who may talk to it."""

from __future__ import annotations

import pytest

from aiskole.room.kernels import ABANDONED_SECONDS, KernelPolicy, KernelUse, Owner, default_cap

PHONE_A = Owner("browser-a", "10.0.0.5")
PHONE_B = Owner("browser-b", "10.0.0.6")
FACILITATOR = Owner("browser-f", "127.0.0.1", facilitator=True)


def test_the_default_cap_follows_the_memory():
    assert default_cap(1024) == 2  # never fewer than two
    assert default_cap(1024 + 10 * 150) == 10
    assert default_cap(64 * 1024) == 40  # never more than forty
    assert 2 <= default_cap() <= 40


def test_anonymous_visitors_share_a_cap_and_each_address_a_smaller_one():
    policy = KernelPolicy(anonymous=4, per_address=2)
    held = [policy.try_reserve(PHONE_A), policy.try_reserve(PHONE_A)]
    assert all(held)
    assert policy.try_reserve(PHONE_A) is None  # this address has its two
    assert policy.try_reserve(Owner("browser-c", "10.0.0.5")) is None  # a new cookie does not help
    assert policy.try_reserve(PHONE_B) and policy.try_reserve(Owner("browser-d", "10.0.0.7"))
    assert policy.try_reserve(Owner("browser-e", "10.0.0.8")) is None  # the room's cap


def test_a_full_room_never_locks_the_facilitator_out():
    policy = KernelPolicy(anonymous=2, per_address=2, facilitator=1)
    policy.try_reserve(PHONE_A)
    policy.try_reserve(PHONE_B)
    assert policy.try_reserve(FACILITATOR)
    assert policy.try_reserve(FACILITATOR) is None


def test_a_burst_that_checks_at_once_still_gets_only_the_cap():
    """Thirty pages asked for in the same instant: is a place taken as it is checked?"""
    policy = KernelPolicy(anonymous=3, per_address=3)
    granted = [r for r in (policy.try_reserve(Owner(f"b{n}", "10.0.0.5")) for n in range(30)) if r]
    assert len(granted) == 3


def test_places_are_per_request_even_for_the_same_browser():
    policy = KernelPolicy(anonymous=3, per_address=3)
    first, second = policy.try_reserve(PHONE_A), policy.try_reserve(PHONE_A)
    policy.started("k1", PHONE_A)
    policy.release(first)
    policy.release(first)  # twice is harmless
    assert second in policy.starting  # the other page's place is still held
    assert len(policy._held()) == 2
    policy.release(second)
    assert len(policy._held()) == 1  # the running kernel


def test_kernels_that_stopped_are_forgotten():
    policy = KernelPolicy(anonymous=1, per_address=1)
    policy.started("k1", PHONE_A)
    assert policy.try_reserve(PHONE_B) is None
    policy.forget_missing({"other"})
    assert policy.try_reserve(PHONE_B)


def test_only_the_browser_that_opened_a_kernel_may_use_it():
    policy = KernelPolicy(anonymous=4)
    policy.started("k-phone", PHONE_A)
    policy.started("k-presenter", FACILITATOR)
    assert policy.may_use("k-phone", "browser-a", facilitator=False)
    assert not policy.may_use("k-phone", "browser-b", facilitator=False)
    assert not policy.may_use("k-phone", None, facilitator=False)
    assert not policy.may_use("k-phone", "browser-b", facilitator=True)  # not even the facilitator's browser
    assert policy.may_use("k-presenter", "browser-f", facilitator=True)
    # the presenter's kernel: never for a participant, even one who copied the facilitator's browser id
    assert not policy.may_use("k-presenter", "browser-f", facilitator=False)
    assert not policy.may_use("k-presenter", "browser-a", facilitator=False)
    assert not policy.may_use("unknown", "browser-a", facilitator=True)


def test_a_cap_below_one_is_refused():
    with pytest.raises(ValueError):
        KernelPolicy(anonymous=0)
    assert KernelPolicy(anonymous=3).per_address == 2
    assert KernelPolicy(anonymous=40).per_address == 10


def left_behind(kernel_id: str, idle: float = ABANDONED_SECONDS + 5) -> KernelUse:
    return KernelUse(kernel_id, connections=0, idle_seconds=idle)


def test_a_full_room_makes_room_from_kernels_left_behind_never_from_pages_in_use():
    policy = KernelPolicy(anonymous=2, per_address=2, facilitator=2)
    policy.started("in-use", PHONE_A)
    policy.started("closed-tab", PHONE_B)
    uses = [KernelUse("in-use", 1, 600), left_behind("closed-tab")]
    newcomer = Owner("browser-c", "10.0.0.7")
    assert not policy.may_start(newcomer)
    assert policy.make_room(newcomer, uses) == ["closed-tab"]
    assert policy.may_start(newcomer) and "closed-tab" not in policy.owners
    assert policy.make_room(Owner("browser-d", "10.0.0.8"), [KernelUse("in-use", 1, 600)]) == []


def test_a_page_still_loading_is_not_left_behind():
    policy = KernelPolicy(anonymous=1, per_address=1)
    policy.started("loading", PHONE_A)
    assert policy.make_room(PHONE_B, [left_behind("loading", idle=ABANDONED_SECONDS - 20)]) == []
    assert not policy.may_start(PHONE_B)


def test_the_facilitator_clicking_through_apps_frees_their_own_closed_tabs_first():
    policy = KernelPolicy(anonymous=4, facilitator=2)
    policy.started("phone", PHONE_A)
    policy.started("old-app", FACILITATOR)
    policy.started("older-app", FACILITATOR)
    uses = [left_behind("phone", 900), left_behind("old-app", 40), left_behind("older-app", 100)]
    assert policy.make_room(FACILITATOR, uses) == ["older-app"]  # the longest idle; never a visitor's
    assert "phone" in policy.owners
    policy.started("presenter", FACILITATOR)
    assert policy.make_room(PHONE_B, [left_behind("old-app"), left_behind("presenter")]) == []
    assert policy.may_start(PHONE_B)  # a visitor had room anyway: nothing of the facilitator's is touched


def test_an_address_at_its_share_frees_only_its_own_kernels():
    policy = KernelPolicy(anonymous=10, per_address=2)
    policy.started("a1", PHONE_A)
    policy.started("a2", Owner("browser-a2", PHONE_A.address))
    policy.started("b1", PHONE_B)
    uses = [left_behind("b1", 999), left_behind("a2", 50), left_behind("a1", 40)]
    assert policy.make_room(PHONE_A, uses) == ["a1"]  # its own browser's first, another address's never
    assert "b1" in policy.owners
