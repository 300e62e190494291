"""Kernel caps and owners: who may start a kernel, and who may talk to it."""

from __future__ import annotations

import pytest

from aiskole.room.kernels import KernelPolicy, Owner, default_cap

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
