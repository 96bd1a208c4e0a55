"""A runbook's ``symptoms:`` front matter: what an operator sees that sends them to it.

Each entry is a mapping with one key saying where to look and the text seen there::

    symptoms:
      - logs: push attempt failed        # in `kubectl logs deploy/<deployment>`
      - pods: CrashLoopBackOff           # in `kubectl get pods`
      - need: You need to restart the API  # an operator's task, not something seen

The site's symptom table is rendered from these entries; each ``logs`` and ``pods`` entry is
a claim that the text shows there in the runbook's incident world, checked when the page
runs (the world provider reads them from ``Page.symptoms``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from docproof.errors import PageError

# Where a symptom is seen -> the words the site and failure messages use for that place.
WHERE = {
    "logs": "the API's logs",
    "pods": "kubectl get pods",
    "need": "the operator's task",
}
OBSERVED = ("logs", "pods")


@dataclass(frozen=True)
class Symptom:
    """One ``symptoms:`` entry; ``line`` is its 1-based line in the page's source."""

    where: str
    text: str
    line: int

    @property
    def observed(self) -> bool:
        """Whether the text is something seen in the cluster (and so checked), not a task."""
        return self.where in OBSERVED


def read_symptoms(front: str, shown: Path) -> tuple[Symptom, ...]:
    """The ``symptoms:`` entries of the front matter text ``front`` (lines after ``---``)."""
    root = yaml.compose(front)
    if not isinstance(root, yaml.MappingNode):
        return ()
    node = next((value for key, value in root.value if key.value == "symptoms"), None)
    if node is None:
        return ()
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        raise PageError(shown, _line(node), "front matter 'symptoms' must be a list of entries "
                        "such as '- logs: push attempt failed'")
    return tuple(_symptom(item, shown) for item in node.value)


def _symptom(item: yaml.Node, shown: Path) -> Symptom:
    line = _line(item)
    shape = f"a symptom is one 'where: text' pair, where is one of {', '.join(WHERE)}"
    if not isinstance(item, yaml.MappingNode) or len(item.value) != 1:
        raise PageError(shown, line, shape)
    key, value = item.value[0]
    if key.value not in WHERE:
        raise PageError(shown, line, f"unknown symptom place {key.value!r}: {shape}")
    if not isinstance(value, yaml.ScalarNode) or not str(value.value).strip():
        raise PageError(shown, line, f"symptom {key.value!r} needs the text seen there")
    return Symptom(str(key.value), str(value.value).strip(), line)


def _line(node: yaml.Node) -> int:
    # Front matter starts on the page's line 2 (after ---); marks are 0-based.
    return node.start_mark.line + 2
