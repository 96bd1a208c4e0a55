"""Layout and template units: Go tabwriter, HumanDuration, JSONPath."""

import pytest

from podsim.kubectl.errors import KubectlError
from podsim.kubectl.jsonpath import render
from podsim.kubectl.layout import go_duration, human_duration, tabwrite


@pytest.mark.parametrize(("seconds", "shown"), [
    (-5, "<invalid>"), (-0.5, "0s"), (45, "45s"), (119, "119s"), (125, "2m5s"), (180, "3m"),
    (3540, "59m"), (10740, "179m"), (11220, "3h7m"), (10800, "3h"), (100_000, "27h"),
    (273_600, "3d4h"), (864_000, "10d"), (3 * 365 * 86400, "3y"),
])
def test_human_duration(seconds: float, shown: str) -> None:
    assert human_duration(seconds) == shown


def test_go_duration() -> None:
    assert [go_duration(s) for s in (0, 0.5, 10, 60, 65.5, 3600)] == [
        "0s", "500ms", "10s", "1m0s", "1m5.5s", "1h0m0s"]


def test_tabwriter_blocks_end_at_lines_without_tabs() -> None:
    text = "Name:\tapi\nIPs:\n  IP:\t10.0.0.1\nControlled By:\tReplicaSet/x\nLast:\tend"
    assert tabwrite(text, minwidth=0, padding=2).splitlines() == [
        "Name:  api", "IPs:", "  IP:           10.0.0.1", "Controlled By:  ReplicaSet/x",
        "Last:           end"]


DOC = {"items": [{"metadata": {"name": "a", "labels": {"k.io/x": "1"}}, "n": 1},
                 {"metadata": {"name": "b", "labels": {}}, "n": 2}]}


@pytest.mark.parametrize(("template", "shown"), [
    ("{.items[*].metadata.name}", "a b"),
    ("{.items[-1].metadata.name}", "b"),
    ('{range .items[*]}{.metadata.name}{"\\n"}{end}', "a\nb\n"),
    ('{.items[?(@.n==2)].metadata.name}', "b"),
    ("{.items[0].metadata.labels.k\\.io/x}", "1"),
    ("{.items[0].metadata.labels['k.io/x']}", "1"),
    ("{.items[0].nope}", ""),
    ("name={.items[1].metadata}", 'name={"labels":{},"name":"b"}'),
    ("{.items[0:1].n}", "1"),
])
def test_jsonpath(template: str, shown: str) -> None:
    assert render(template, DOC) == shown


def test_jsonpath_errors() -> None:
    with pytest.raises(KubectlError, match=r"array index out of bounds: index 5, length 2"):
        render("{.items[5]}", DOC)
    with pytest.raises(KubectlError, match="unclosed action"):
        render("{.items[0]", DOC)
