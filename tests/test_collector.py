"""generator.collector.paused: the cycle collector off inside, back as it was after, nesting."""

from __future__ import annotations

import gc

import pytest

from generator import collector


def test_paused_restores_an_enabled_collector_even_after_an_error():
    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        with collector.paused():
            assert not gc.isenabled()
            raise RuntimeError("boom")
    assert gc.isenabled()


def test_pauses_nest_and_a_disabled_collector_stays_disabled():
    with collector.paused():
        with collector.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner pause does not turn it on under the outer one
    assert gc.isenabled()
    gc.disable()
    try:
        with collector.paused():
            pass
        assert not gc.isenabled()  # someone else turned it off: it stays off
    finally:
        gc.enable()
