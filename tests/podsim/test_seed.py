import random
import tomllib

import pytest

from podsim.seed import SHEETS, record_path, render_toml, seed_files, sheet_config


def test_render_toml_round_trips_through_tomllib() -> None:
    record: dict[str, object] = {
        "slug": "ada-chen",
        "quote": 'she said "hi" \\ then\tleft\nfor good',
        "control": "bell\x07 delete\x7f",
        "unicode": "Zoë — Philadelphia",
        "count": -42,
        "active": True,
        "archived": False,
        "tags": ["gis", 'quote"d', ""],
        "empty": [],
        "odd key": "needs quoting",
    }
    assert tomllib.loads(render_toml(record)) == record


def test_render_toml_sorts_keys_and_writes_an_optional_table() -> None:
    text = render_toml({"b": 1, "a": "x"}, table="gitsheet")
    assert text == '[gitsheet]\na = "x"\nb = 1\n'


def test_render_toml_round_trips_richer_records() -> None:
    record: dict[str, object] = {"slug": "x", "score": 1.5, "links": {"site": "https://x.org"},
                                 "ids": [1, 2], "note": 'tab\there "quoted"\u0001'}
    assert tomllib.loads(render_toml(record)) == record


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
    assert 24 <= len(records) <= 60
    for path, text in records.items():
        sheet = path.split("/", 1)[0]
        assert record_path(sheet, tomllib.loads(text)) == path


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
