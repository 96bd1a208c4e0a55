"""Label and field selectors as the apiserver applies them, and its errors for bad ones."""

import pytest

from podsim.apiserver.selectors import field_matcher, label_matcher
from podsim.apiserver.status import ApiError

POD = {"metadata": {"name": "p", "namespace": "ns", "labels": {"app": "api", "tier": "web"}},
       "spec": {"nodeName": "n1"}, "status": {"phase": "Running"}}


@pytest.mark.parametrize(("selector", "matches"), [
    ("", True), ("app=api", True), ("app==api", True), ("app!=api", False),
    ("app=api,tier=db", False), ("app in (api, db)", True), ("tier notin (web)", False),
    ("app", True), ("!app", False), ("!missing", True), ("missing", False),
    ("app in (api),tier", True),
])
def test_label_selectors(selector: str, matches: bool) -> None:
    assert label_matcher(selector)(POD) is matches


@pytest.mark.parametrize(("selector", "matches"), [
    ("status.phase=Running", True), ("status.phase!=Running", False),
    ("spec.nodeName=n1,metadata.name=p", True), ("metadata.namespace==other", False),
])
def test_field_selectors(selector: str, matches: bool) -> None:
    assert field_matcher("pods", selector)(POD) is matches


def test_unknown_fields_and_unparsable_selectors_are_bad_requests() -> None:
    with pytest.raises(ApiError) as unknown:
        field_matcher("pods", "spec.foo=bar")
    assert (unknown.value.code, unknown.value.message) == (
        400, "field label not supported: spec.foo")
    with pytest.raises(ApiError) as unparsable:
        label_matcher("app in api")
    assert unparsable.value.reason == "BadRequest"
