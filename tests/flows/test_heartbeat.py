"""`pantau run` starts its flow without Prefect's heartbeat thread (about 1 s joined at the end of every
run), unless the environment asks for heartbeats."""

from __future__ import annotations

from prefect.settings import get_current_settings

from flows.evaluate import without_heartbeat


def test_a_command_line_run_sends_no_heartbeat(monkeypatch):
    for name in ("PREFECT_FLOWS_HEARTBEAT_FREQUENCY", "PREFECT_RUNNER_HEARTBEAT_FREQUENCY"):
        monkeypatch.delenv(name, raising=False)
    before = get_current_settings().flows.heartbeat_frequency
    with without_heartbeat():
        assert get_current_settings().flows.heartbeat_frequency is None
    assert get_current_settings().flows.heartbeat_frequency == before is not None


def test_heartbeats_asked_for_in_the_environment_are_kept(monkeypatch):
    monkeypatch.setenv("PREFECT_FLOWS_HEARTBEAT_FREQUENCY", "60")
    before = get_current_settings().flows.heartbeat_frequency
    with without_heartbeat():
        assert get_current_settings().flows.heartbeat_frequency == before is not None
