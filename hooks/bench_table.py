"""The `bench_table()` macro: the committed benchmark result (docs/reference/bench.json,
written by `nox -s bench`) as a Markdown table, for docs/reference/performance.md.

Registered with mkdocs-macros through its `register_macros` API, so pages that opt in with
`render_macros: true` can call it like the macros of hooks/macros.py.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

from _layout import repo_root

BENCH_RESULT = Path("docs") / "reference" / "bench.json"
_FIELDS = ("name", "A", "B", "ratio", "target", "runs")


def on_config(config: MkDocsConfig) -> None:
    macros = config.plugins.get("macros")
    if macros is None:
        raise PluginError("hooks/bench_table.py: the macros plugin is not configured")
    path = repo_root(config) / BENCH_RESULT

    def bench_table() -> str:
        """The benchmark entries of the committed result, with when and where it was taken."""
        return render_bench(read_bench(path))

    macros.register_macros({"bench_table": bench_table})


def read_bench(path: Path) -> dict[str, Any]:
    """The result document, or a PluginError naming the file and what is wrong with it."""
    try:
        document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise PluginError(f"{path}: cannot read the benchmark result ({error}); "
                          "run `nox -s bench` and copy .docproof/bench.json there") from error
    for number, item in enumerate(document.get("entries", [])):
        missing = [field for field in _FIELDS if field not in item]
        if missing:
            raise PluginError(f"{path}: entry {number + 1} lacks {', '.join(missing)}")
    if not document.get("entries"):
        raise PluginError(f"{path}: no entries")
    return document


def _duration(value: float) -> str:
    if value >= 1:
        return f"{value:.2f} s"
    if value >= 1e-3:
        return f"{value * 1e3:.1f} ms"
    return f"{value * 1e6:.0f} µs"


def _row(item: Mapping[str, Any]) -> str:
    target = "—" if item["target"] is None else f"≤ {item['target']:g}x"
    if item["A"] is None:
        return f"| {item['name']} | — | — | — | {target} | **failed** | 0 |"
    verdict = ("reported" if item["target"] is None
               else "met" if item["ratio"] <= item["target"] else "**missed**")
    return (f"| {item['name']} | {_duration(item['A'])} | {_duration(item['B'])} | "
            f"{item['ratio']:.2f}x | {target} | {verdict} | {item['runs']} |")


def render_bench(document: Mapping[str, Any]) -> str:
    """A table (one row per entry), what A and B were, and the run's circumstances."""
    entries = document["entries"]
    lines = ["| benchmark | A (median) | B (median) | A/B | target | verdict | runs |",
             "| --- | ---: | ---: | ---: | ---: | --- | ---: |"]
    lines += [_row(item) for item in entries]
    lines.append("")
    for item in entries:
        if item["A"] is None:
            lines.append(f"- **{item['name']}**: failed: {item.get('error', 'no reason given')}")
        else:
            lines.append(f"- **{item['name']}**: A is {item.get('a_label', 'A')}; "
                         f"B is {item.get('b_label', 'B')}."
                         + (f" {item['note']}." if item.get("note") else ""))
    quick = " (a `--quick` run: one round, small pages)" if document.get("quick") else ""
    lines += ["", f"Measured{quick} {document.get('date', '(date not recorded)')} at commit "
              f"`{document.get('commit', 'unknown')}` on {document.get('machine', 'a machine')}, "
              f"load average {document.get('load_average_at_start', '?')} at the start; "
              f"the whole run took {document.get('seconds', '?')} s."]
    return "\n".join(lines)
