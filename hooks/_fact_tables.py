"""Fact tables rendered, never written: cluster facts from deploy/, symptoms from runbooks.

`cluster_facts_table()` renders the export's cluster facts (podsim reads them from the
deploy/ manifests) under the row labels the page grammar reserves, so a hand-written row
cannot stand in for it. `symptom_table()` renders one row per runbook from its `symptoms:`
front matter (each observed symptom is checked in that runbook's incident world when the
runbook runs), linking to the runbook by its title.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from pathlib import Path
from typing import Any

from docproof.authoring import CLUSTER_FACT_LABELS, WHERE, Symptom, read_page
from podsim.scenarios.export import ClusterFacts, ModelFacts

RUNBOOKS = "runbooks"


# Register the table macros on the mkdocs-macros `env`; `facts` reads this build's model facts.
def define_fact_macros(env: Any, facts: Callable[[], ModelFacts]) -> None:
    root = Path(env.project_dir)

    def cluster_facts_table() -> str:
        """Namespace, deployment, container, pod label, data volume and branch, from deploy/."""
        return render_cluster_facts(facts().cluster)

    def symptom_table() -> str:
        """What an operator sees -> the runbook for it, from each runbook's `symptoms:`."""
        return render_symptom_table(root, str(env.page.file.src_uri))

    env.macro(cluster_facts_table)
    env.macro(symptom_table)


def render_cluster_facts(cluster: ClusterFacts) -> str:
    values = (
        f"`{cluster.namespace}`",
        f"`{cluster.deployment}`",
        f"`{cluster.container}`",
        f"`{cluster.label}`",
        f"`{cluster.volume}`: an `{cluster.volume_kind}` mounted at `{cluster.data_path}`, "
        "holding the bare clone of the data repository",
        f"`{cluster.branch}`",
    )
    rows = [f"| {label} | {value} |" for label, value in zip(CLUSTER_FACT_LABELS, values,
                                                                strict=True)]
    return "\n".join(["| What | Value |", "| --- | --- |", *rows])


def render_symptom_table(root: Path, page_src: str) -> str:
    rows = []
    for path in sorted((root / RUNBOOKS).glob("*.md")):
        src = path.relative_to(root).as_posix()
        symptoms = read_page(path, Path(src)).symptoms
        if symptoms:
            link = posixpath.relpath(src, posixpath.dirname(page_src))
            rows.append(f"| {seen(symptoms)} | [{_title(path)}]({link}) |")
    if not rows:
        raise ValueError(f"no runbook under {root / RUNBOOKS} declares 'symptoms:'")
    return "\n".join(["| What you see | Go to |", "| --- | --- |", *rows])


def seen(symptoms: tuple[Symptom, ...]) -> str:
    """One cell: observed texts grouped by where they show, then the operator's tasks."""
    places: dict[str, list[str]] = {}
    for symptom in symptoms:
        places.setdefault(symptom.where, []).append(symptom.text)
    parts = [f"{' / '.join(f'`{t}`' for t in texts)} in {_place(where)}"
             for where, texts in places.items() if where != "need"]
    parts += places.get("need", [])
    # Later parts continue the sentence: "... in the API's logs; or the deploy key must change".
    return "; or ".join([parts[0], *(p[:1].lower() + p[1:] for p in parts[1:])])


def _place(where: str) -> str:
    return f"`{WHERE[where]}`" if where == "pods" else WHERE[where]


def _title(path: Path) -> str:
    # The runbook's first level-one heading.
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    raise ValueError(f"{path}: a runbook needs a '# Title' heading for the symptom table")
