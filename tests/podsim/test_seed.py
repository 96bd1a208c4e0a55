import random
import re
import tomllib

import pytest

from podsim.seed import (
    PEOPLE_COUNT,
    PROJECT_COUNT,
    SHEETS,
    record_path,
    render_toml,
    seed_files,
    sheet_config,
)

# The fields each sheet's records carry; the API reads and writes records of this shape.
SHEET_FIELDS = {
    "people": {"slug", "first_name", "last_name", "email", "newsletter", "joined_year"},
    "projects": {"slug", "title", "stage", "tags", "members"},
}
KEY_LINE = re.compile(r"([A-Za-z_]+) = ")


def test_render_toml_sorts_keys_and_writes_an_optional_table() -> None:
    text = render_toml({"b": 1, "a": "x"}, table="gitsheet")
    assert text == '[gitsheet]\na = "x"\nb = 1\n'


def test_render_toml_refuses_what_toml_cannot_hold() -> None:
    with pytest.raises(TypeError, match="NoneType"):
        render_toml({"field": None})


def test_record_path_fills_the_sheet_template() -> None:
    assert record_path("people", {"slug": "ada-chen"}) == "people/ada-chen.toml"
    assert record_path("projects", {"slug": "open-atlas", "x": 1}) == "projects/open-atlas.toml"


def test_record_path_names_unknown_sheets_and_missing_fields() -> None:
    with pytest.raises(KeyError, match="unknown sheet 'tags'"):
        record_path("tags", {"slug": "x"})
    with pytest.raises(KeyError, match="lacks field 'slug'"):
        record_path("people", {"name": "Ada"})


def test_sheet_configs_describe_the_record_paths() -> None:
    files = seed_files(random.Random(7))
    for sheet, template in SHEETS.items():
        config = tomllib.loads(files[f".gitsheets/{sheet}.toml"])["gitsheet"]
        assert f"{config['root']}/{config['path']}" == template
        assert files[f".gitsheets/{sheet}.toml"] == sheet_config(sheet)


def test_every_seed_record_lives_at_its_templated_path() -> None:
    files = seed_files(random.Random(7))
    records = {path: text for path, text in files.items() if not path.startswith(".gitsheets/")}
    assert len(records) == PEOPLE_COUNT + PROJECT_COUNT  # one file per seeded record
    for path, text in records.items():
        sheet = path.split("/", 1)[0]
        assert record_path(sheet, tomllib.loads(text)) == path


def test_seed_records_are_flat_sorted_lists_of_their_sheets_fields() -> None:
    files = seed_files(random.Random(7))
    for path, text in files.items():
        sheet = path.split("/", 1)[0]
        if sheet == ".gitsheets":
            continue
        assert set(tomllib.loads(text)) == SHEET_FIELDS[sheet], path
        # Top-level `key = value` pairs in sorted key order, no [table] headers.
        keys = [found[1] for line in text.splitlines() if (found := KEY_LINE.match(line))]
        assert keys == sorted(SHEET_FIELDS[sheet]), path
        assert not [line for line in text.splitlines() if line.startswith("[")], path


def test_project_members_are_seeded_people() -> None:
    files = seed_files(random.Random(3))
    people = {path.removeprefix("people/").removesuffix(".toml")
              for path in files if path.startswith("people/")}
    for path, text in files.items():
        if path.startswith("projects/"):
            assert set(tomllib.loads(text)["members"]) <= people


def test_same_seed_same_files_other_seed_other_files() -> None:
    assert seed_files(random.Random(11)) == seed_files(random.Random(11))
    assert seed_files(random.Random(11)) != seed_files(random.Random(12))


def test_seeding_leaves_the_global_generator_alone() -> None:
    random.seed(5)
    expected = random.random()
    random.seed(5)
    seed_files(random.Random(1))
    assert random.random() == expected
