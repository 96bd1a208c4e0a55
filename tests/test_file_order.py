"""The files tests/file_order.py starts first exist, and the order it gives is the one named."""

from pathlib import Path

from file_order import LONGEST_FIRST, longest_first

REPO = Path(__file__).resolve().parents[1]


def test_every_file_started_first_exists() -> None:
    missing = [path for path in LONGEST_FIRST if not (REPO / path).is_file()]
    assert missing == [], f"LONGEST_FIRST names files that are gone: {missing}"
    assert len(set(LONGEST_FIRST)) == len(LONGEST_FIRST)


class _Item:
    def __init__(self, nodeid: str) -> None:
        self.nodeid = nodeid


def test_long_files_come_first_then_the_rest_by_size() -> None:
    long_a, long_b = LONGEST_FIRST[0], LONGEST_FIRST[1]
    items = [_Item(nodeid) for nodeid in (
        "tests/small.py::a", f"{long_b}::x", "tests/big.py::a", "tests/big.py::b",
        f"{long_a}::y", f"{long_b}::z", "tests/big.py::c")]
    ordered = [item.nodeid for item in longest_first(items)]  # type: ignore[arg-type]
    assert ordered == [f"{long_a}::y", f"{long_b}::x", f"{long_b}::z", "tests/big.py::a",
                       "tests/big.py::b", "tests/big.py::c", "tests/small.py::a"]


def test_a_file_keeps_the_order_of_its_items() -> None:
    items = [_Item(f"tests/x.py::t{n}") for n in (3, 1, 2)]
    assert [i.nodeid for i in longest_first(items)] == [  # type: ignore[arg-type]
        "tests/x.py::t3", "tests/x.py::t1", "tests/x.py::t2"]
