"""The claim rules of the page grammar: every claim checked, figures as checked values."""

from __future__ import annotations

from pathlib import Path

import pytest

from docproof.authoring import (
    as_written,
    bare_figures,
    claim_problems,
    fact_uses,
    figure_matches,
    parse_page,
)
from docproof.errors import PageError

FIGURES = {"k8s.not-ready-toleration": "300 s", "process.sigterm-exit-code": "143",
           "deploy.containers": "1", "deploy.namespace": "codeforphilly-rewrite-sandbox"}


def page(text: str) -> list[str]:
    """The claim problems of a page, as ``line: message`` strings."""
    return [f"{e.line}: {e.message}" for e in claim_problems(parse_page(text, Path("p.md")),
                                                               FIGURES)]


@pytest.mark.parametrize(("written", "model"), [
    ("five minutes", "300 s"), ("300 s", "300 s"), ("5 min", "300 s"), ("an hour", "3600 s"),
    ("one hour", "3600 s"), ("one second", "1 s"), ("143", "143"), ("one", "1"),
    ("one container", "1"), ("codeforphilly-rewrite-sandbox", "codeforphilly-rewrite-sandbox"),
])
def test_written_figures_that_state_the_model(written: str, model: str) -> None:
    assert figure_matches(written, model)


@pytest.mark.parametrize(("written", "model"), [
    ("60 s", "300 s"), ("ten minutes", "3600 s"), ("one minute", "300 s"), ("137", "143"),
    ("300", "300 s"), ("two", "1"), ("codeforphilly", "codeforphilly-rewrite-sandbox"),
])
def test_written_figures_that_do_not(written: str, model: str) -> None:
    assert not figure_matches(written, model)


def test_bare_figures_are_digits_and_spelled_numbers_with_a_unit() -> None:
    text = ("Exit code 143 after the 300 s toleration, ten more minutes, one replica; "
            "one push and two writes are counts; `exit 1` is code, [a](x.md#2) a link, "
            'step 2 a section; {{ fact("process.sigterm-exit-code", "143") }} is checked.')
    assert bare_figures(text) == ["143", "300", "ten more minutes", "one replica"]


def test_a_checked_value_reads_as_written() -> None:
    text = 'the {{ fact("k8s.not-ready-toleration", "300 s") }} toleration'
    assert fact_uses(text)[0].name == "k8s.not-ready-toleration"
    assert as_written(text) == "the 300 s toleration"


def test_a_claim_without_a_runnable_check_fails_at_its_line() -> None:
    text = ('<!-- claim: a.checked -->\nChecked.\n\n```{.console claim="a.checked"}\n$ true\n```\n'
            '\n<!-- claim: a.skipped -->\nOnly a skipped check.\n\n'
            '```{.console claim="a.skipped" notest="needs the network"}\n$ true\n```\n'
            "\n<!-- claim: a.bare -->\nNo check at all.\n")
    assert page(text) == [
        "8: claim 'a.skipped' has no check: no runnable block on this page carries "
        'claim="a.skipped", so nothing verifies "Only a skipped check."',
        "15: claim 'a.bare' has no check: no runnable block on this page carries "
        'claim="a.bare", so nothing verifies "No check at all."']


def test_a_bare_figure_fails_naming_the_sentence_unless_the_marker_says_why() -> None:
    check = '\n```{.console claim="%s"}\n$ true\n```\n'
    text = ("<!-- claim: a.exit -->\nSIGTERM ends it with exit code 143.\n" + check % "a.exit"
            + '\n<!-- claim: a.wait bare-figures="the wait the check makes" -->\n'
            "The block lets ten minutes pass.\n" + check % "a.wait")
    assert page(text) == [
        "1: claim 'a.exit' states '143' bare in \"SIGTERM ends it with exit code 143.\": write "
        'each as a checked value {{ fact("name", "as written") }}, or give the marker a '
        'reason: <!-- claim: a.exit bare-figures="why" -->']


def test_a_bare_figures_exception_needs_a_reason() -> None:
    with pytest.raises(PageError, match="1: bare-figures needs a reason"):
        parse_page('<!-- claim: a.b bare-figures=" " -->\nTen minutes.\n', Path("p.md"))


def test_a_checked_value_must_state_a_known_model_figure() -> None:
    check = '\n```{.console claim="a.b"}\n$ true\n```\n'
    wrong = '<!-- claim: a.b -->\nExit code {{ fact("process.sigterm-exit-code", "137") }}.\n'
    unknown = '<!-- claim: a.b -->\nThe {{ fact("k8s.tolerance", "300 s") }} wait.\n'
    assert page(wrong + check) == [
        "1: claim 'a.b': '137' is not the model's process.sigterm-exit-code (143)"]
    assert page(unknown + check)[0].startswith(
        "1: claim 'a.b': unknown fact 'k8s.tolerance'; known: deploy.containers")
