"""Shared fixtures: the fake portal on 127.0.0.1 (tests/fakeportal.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakeportal import FakePortal


@pytest.fixture(scope="session")
def portal_server() -> Iterator[FakePortal]:
    """One fake portal for the whole session, on an ephemeral 127.0.0.1 port."""
    portal = FakePortal().start()
    try:
        yield portal
    finally:
        portal.stop()


@pytest.fixture
def portal(portal_server: FakePortal) -> FakePortal:
    """The fake portal with its request counters cleared for this test."""
    portal_server.reset()
    return portal_server


@pytest.fixture
def fake_portal(portal: FakePortal) -> str:
    """The fake portal's base URL (``http://127.0.0.1:PORT``), counters cleared."""
    return portal.base_url
