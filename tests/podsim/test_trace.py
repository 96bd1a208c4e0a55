"""The registry of trace event kinds: one lane per kind, and no unknown kind gets through."""

from collections.abc import Callable

import pytest

from podsim.scenarios import SCENARIOS
from podsim.scenarios.export import ScenarioExport
from podsim.trace import KINDS, LANES, Trace, UnknownTraceKind


def test_recording_an_unknown_kind_raises_and_records_nothing() -> None:
    trace = Trace()
    with pytest.raises(UnknownTraceKind, match=r"'volume.wipped'.*did you mean volume.wiped"):
        trace.record(0.0, "volume.wipped", "emptyDir data")
    assert trace.entries == []


def test_querying_an_unknown_kind_raises_naming_close_matches() -> None:
    trace = Trace()
    trace.record(1.0, "push-daemon.retry", "attempt 1")
    with pytest.raises(UnknownTraceKind) as raised:
        trace.of_kind("push-deamon.retry")
    assert str(raised.value).startswith("unknown trace kind 'push-deamon.retry'; did you mean "
                                        "push-daemon.retry")
    assert trace.of_kind("push-daemon.stopped") == []  # registered, just not recorded


def test_an_entry_takes_its_lane_and_receiver_from_the_registry() -> None:
    trace = Trace()
    start = trace.record(0.0, "container.start", "pod-1: start #1", pod="pod-1")
    wiped = trace.record(5.0, "volume.wiped", "emptyDir data of pod-1")
    assert (start.lane, start.to, start.data) == ("kubelet", "api", {"pod": "pod-1"})
    assert (wiped.lane, wiped.to) == ("volume", None)


def test_a_saved_entry_of_an_unknown_kind_or_on_another_lane_is_refused() -> None:
    trace = Trace()
    trace.record(0.0, "write", "w-0001 people/1.toml", write_id="w-0001")
    saved = trace.to_list()
    assert Trace.from_list(saved).entries == trace.entries
    with pytest.raises(ValueError, match="'write' belongs to 'api'"):
        Trace.from_list([{**saved[0], "lane": "kubelet"}])
    with pytest.raises(UnknownTraceKind, match=r"'write\.acked'"):
        Trace.from_list([{**saved[0], "kind": "write.acked"}])


def test_the_registry_uses_exactly_the_diagram_lanes() -> None:
    lanes = {k.lane for k in KINDS.values()} | {k.to for k in KINDS.values() if k.to}
    assert lanes == set(LANES)
    assert all(name == kind.name and kind.meaning for name, kind in KINDS.items())


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_every_event_of_every_scenario_is_registered_on_its_lane(
    scenario_export: Callable[[str], ScenarioExport], name: str
) -> None:
    for event in scenario_export(name).events:
        kind = KINDS[event.kind]
        assert (event.lane, event.to) == (kind.lane, kind.to), event


def test_messages_are_the_handoffs_the_sequence_diagrams_draw() -> None:
    messages = {name: (kind.lane, kind.to) for name, kind in KINDS.items() if kind.to}
    assert messages == {
        "pod.delete": ("operator", "kubelet"),  # the operator asks; the kubelet acts
        "rollout.restart": ("operator", "kubelet"),
        "container.start": ("kubelet", "api"),  # the kubelet starts the process
        "signal.sigterm": ("kubelet", "api"),
        "signal.exec": ("operator", "api"),  # kill run through kubectl exec
        "write": ("api", "push-daemon"),  # the post-commit hook notifies the daemon
        "push-daemon.attempt": ("push-daemon", "origin"),
        "origin.accept": ("origin", "push-daemon"),
        "origin.reject": ("origin", "push-daemon"),
    }
