"""Engine units: fence options, console transcripts, matching, page reading, bash session."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from docproof.authoring import DEFAULT_TIMEOUT_S, OptionError, parse_fence_info, read_page
from docproof.console import ConsoleSyntaxError, parse_console, render_console
from docproof.errors import PageError
from docproof.matching import LineMatcher, line_matches, matches
from docproof.report import claim_status
from docproof.sandbox import PageWorld, make_sandbox
from docproof.shell import BashSession, SessionError


def test_brace_options_are_parsed() -> None:
    options = parse_fence_info('{.console notest="talks to GitHub" claim="a.b-c" timeout=2.5}')
    assert (options.lang, options.notest, options.claim) == ("console", "talks to GitHub", "a.b-c")
    assert options.timeout_s == 2.5
    assert parse_fence_info("{.bash returncode=3}").returncode == 3
    assert parse_fence_info("{.python}").timeout_s == DEFAULT_TIMEOUT_S


@pytest.mark.parametrize(
    ("info", "complaint"),
    [
        ("", "no language"),
        ("python", "plain fence"),
        ("{python}", "must start with the language"),
        ("{.ruby}", "unknown fence language"),
        ('{.python notest=""}', "needs a reason"),
        ("{.python notest}", "malformed fence option"),
        ("{.python fixture=x}", "unknown fence option"),
        ("{.python returncode=1}", "does not apply"),
        ('{.python claim="Bad_Id"}', "claim id"),
        ("{.console timeout=0}", "between 0 and 3600"),
        ("{.console timeout=1 timeout=2}", "given twice"),
        ("{.bash returncode=300}", "0..255"),
    ],
)
def test_bad_fence_info_is_refused(info: str, complaint: str) -> None:
    with pytest.raises(OptionError, match=complaint):
        parse_fence_info(info)


def test_console_transcript_round_trips() -> None:
    body = "$ echo a \\\n>   b\na b\n$ true\n"
    commands = parse_console(body)
    assert [c.source for c in commands] == ["echo a \\\n  b", "true"]
    assert commands[0].expected == ("a b",)
    assert render_console(commands, {}) == body
    assert render_console(commands, {commands[1].offset: ["new"]}).endswith("$ true\nnew\n")
    with pytest.raises(ConsoleSyntaxError, match="must start with a '\\$ ' prompt"):
        parse_console("output first\n$ echo\n")


@pytest.mark.parametrize(
    ("expected", "actual", "ok"),
    [
        (["a", "...", "z"], ["a", "b", "c", "z"], True),
        (["a", "...", "z"], ["a", "z"], True),
        (["id ... done"], ["id 42 done"], True),
        (["id ... done"], ["id 42 failed"], False),
        (["a"], ["a", "b"], False),
        (["a  ", ""], ["a"], True),
        (["a.b"], ["axb"], False),
    ],
)
def test_wildcard_matching(expected: list[str], actual: list[str], ok: bool) -> None:
    assert matches(expected, actual) is ok


def test_page_reading_finds_world_claims_and_hidden_blocks(tmp_path: Path) -> None:
    page = tmp_path / "p.md"
    page.write_text(
        "---\nworld: fresh\ntitle: T\n---\n<!-- claim: x.y -->\nThe claim\ncontinues.\n\n"
        "```{.text}\n<!-- claim: inside.fence -->\n```\n\n"
        "!!! note\n    ```{.bash}\n    x\n    ```\n"
    )
    parsed = read_page(page)
    assert parsed.world == "fresh"
    assert [(c.id, c.line, c.text) for c in parsed.claims] == [("x.y", 5, "The claim continues.")]
    assert [(b.line, b.lang, b.error is None) for b in parsed.blocks] == [
        (9, "text", True),
        (14, "bash", False),
    ]


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("---\nworld: [1]\n---\n", "must be a name"),
        ("---\nworld: x\n", "never closed"),
        ("<!-- claim: Bad -->\ntext\n", "claim id"),
        ("<!-- claim: ok.id -->\n", "no paragraph"),
        ("<!-- claim ok -->\ntext\n", "malformed claim comment"),
    ],
)
def test_bad_pages_are_refused_with_a_line(tmp_path: Path, text: str, complaint: str) -> None:
    page = tmp_path / "p.md"
    page.write_text(text)
    with pytest.raises(PageError, match=complaint):
        read_page(page)


def test_claim_status_rules() -> None:
    assert claim_status([]) == "unchecked"
    assert claim_status([{"status": "pass"}, {"status": "pass"}]) == "pass"
    assert claim_status([{"status": "pass"}, {"status": "fail"}]) == "fail"
    assert claim_status([{"status": "skip"}]) == "unchecked"


def test_bash_session_keeps_state_and_survives_no_trailing_newline(tmp_path: Path) -> None:
    sandbox = make_sandbox("unit")
    session = BashSession(tmp_path, sandbox.environment(None))
    try:
        assert session.run("cd / && export A=1 && B=2", 5).returncode == 0
        result = session.run('printf \'%s %s %s\' "$PWD" "$A" "$B"; echo oops >&2', 5)
        assert (result.output, result.returncode) == ("/ 1 2oops\n", 0)
        assert session.run("false; true", 5).failed_command == "false"
        with pytest.raises(SessionError, match="cannot parse"):
            session.run('echo "unterminated', 5)
        assert session.run("exit 4", 5).returncode == 4  # ends the command, not the session
        assert session.run('echo "$A"', 5).output == "1\n"
        with pytest.raises(SessionError, match="unterminated heredoc") as heredoc:
            session.run("true\ncat <<END\nno end word", 5)
        assert heredoc.value.offset == 1
        with pytest.raises(SessionError, match="unterminated continuation"):
            session.run("echo a \\", 5)
        assert session.run("echo a \\\\", 5).output == "a \\\n"  # an escaped backslash
        with pytest.raises(SessionError, match="exited"):
            session.run("kill -KILL $$", 5)
        with pytest.raises(SessionError, match="has ended"):
            session.run("true", 5)
    finally:
        session.close()
        sandbox.remove()


def test_page_world_closes_once() -> None:
    calls: list[str] = []
    world = PageWorld(on_close=lambda: calls.append("closed"))
    world.close()
    world.close()
    assert calls == ["closed"]


def _three_wildcards(last: str) -> list[str]:
    return ["...", "1000", "...", "2000", "...", last]


@pytest.mark.parametrize(("last", "ok"), [("3000", True), ("3001", False)])
def test_wildcard_matching_is_linear_in_the_output(last: str, ok: bool) -> None:
    actual = [str(number) for number in range(1, 3001)]
    matcher = LineMatcher(_three_wildcards(last))
    started = time.perf_counter()
    assert matcher.fits(actual) is ok
    assert time.perf_counter() - started < 1.0
    longest_run = 1
    assert matcher.comparisons <= len(actual) * longest_run + 2


def test_inline_wildcards_match_within_one_line() -> None:
    assert line_matches("commit ... (HEAD -> main)", "commit 1a2b3c (HEAD -> main)")
    assert not line_matches("a...b...c", "a c b")
    assert not line_matches("ab...ba", "aba")
