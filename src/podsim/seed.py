"""Sample data for the gitsheets-style data repository that origin starts with.

A sheet is a directory of TOML records. `.gitsheets/<sheet>.toml` names the directory
(`root`) and a path template inside it; `${{ field }}` is replaced by the record's field.
Everything here is a pure function of a seeded `random.Random`, so one seed always gives
the same files, the same blobs and, with fixed dates, the same origin commit.
"""

import random
import re

import tomli_w

# Sheet name -> record path template (root directory, then the templated file stem).
SHEETS: dict[str, str] = {
    "people": "people/${{ slug }}",
    "projects": "projects/${{ slug }}",
}

_PLACEHOLDER = re.compile(r"\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
_FIRST_NAMES = ("Ada", "Bayard", "Carmen", "Dmitri", "Ebony", "Farid", "Grace", "Hiro",
                "Imani", "Jonah", "Keisha", "Luis", "Mei", "Nadia", "Omar", "Priya",
                "Quinn", "Rosa", "Sam", "Tariq", "Uma", "Victor", "Wanda", "Yusuf")
_LAST_NAMES = ("Alvarez", "Brown", "Chen", "Diallo", "Evans", "Fischer", "Garcia", "Hughes",
               "Ibrahim", "Jackson", "Kim", "Lopez", "Murphy", "Nguyen", "Okafor", "Patel")
_PROJECT_WORDS = ("Open", "Civic", "Transit", "Budget", "Parks", "Housing", "Lead",
                  "Permit", "Vote", "School", "Tree", "Bike", "Map", "Data", "Water")
_PROJECT_NOUNS = ("Tracker", "Explorer", "Atlas", "Finder", "Dashboard", "Alerts", "Hub")
_STAGES = ("commenting", "bootstrapping", "prototyping", "testing", "maintaining")
_TAGS = ("python", "javascript", "gis", "design", "housing", "transit", "education",
         "open-data", "accessibility", "elections")

PEOPLE_COUNT = 24
PROJECT_COUNT = 12


def fill_template(template: str, record: dict[str, object]) -> str:
    """A gitsheets path template with `${{ field }}` replaced by the record's fields.

    Raises LookupError naming the first field the record lacks.
    """

    def fill(match: re.Match[str]) -> str:
        field = match.group(1)
        if field not in record:
            raise LookupError(field)
        return str(record[field])

    return _PLACEHOLDER.sub(fill, template)


def record_path(sheet: str, record: dict[str, object]) -> str:
    """The repository path of `record` in `sheet`, e.g. `people/ada-chen.toml`."""
    try:
        template = SHEETS[sheet]
    except KeyError:
        raise KeyError(f"unknown sheet {sheet!r}; known sheets: {sorted(SHEETS)}") from None
    try:
        return fill_template(template, record) + ".toml"
    except LookupError as missing:
        raise KeyError(f"record for sheet {sheet!r} lacks field {missing.args[0]!r}") from None


def sheet_config(sheet: str) -> str:
    """The `.gitsheets/<sheet>.toml` text describing where the sheet's records live."""
    root, path = SHEETS[sheet].split("/", 1)
    return render_toml({"root": root, "path": path}, table="gitsheet")


def render_toml(record: dict[str, object], table: str | None = None) -> str:
    """TOML text for a flat record (keys sorted), optionally as one [table]."""
    flat = {key: record[key] for key in sorted(record)}
    return tomli_w.dumps({table: flat} if table is not None else flat)


def seed_files(rng: random.Random) -> dict[str, str]:
    """Every file of the seed commit: repository path -> text."""
    people = _people(rng)
    projects = _projects(rng, [str(person["slug"]) for person in people])
    files = {f".gitsheets/{sheet}.toml": sheet_config(sheet) for sheet in SHEETS}
    for sheet, records in (("people", people), ("projects", projects)):
        for record in records:
            files[record_path(sheet, record)] = render_toml(record)
    return dict(sorted(files.items()))


def _people(rng: random.Random) -> list[dict[str, object]]:
    people: list[dict[str, object]] = []
    taken: set[str] = set()
    while len(people) < PEOPLE_COUNT:
        first, last = rng.choice(_FIRST_NAMES), rng.choice(_LAST_NAMES)
        slug = _unique(f"{first}-{last}".lower(), taken)
        people.append({
            "slug": slug,
            "first_name": first,
            "last_name": last,
            "email": f"{slug}@example.org",
            "newsletter": rng.random() < 0.5,
            "joined_year": rng.randint(2012, 2025),
        })
    return people


def _projects(rng: random.Random, people: list[str]) -> list[dict[str, object]]:
    projects: list[dict[str, object]] = []
    taken: set[str] = set()
    while len(projects) < PROJECT_COUNT:
        title = f"{rng.choice(_PROJECT_WORDS)} {rng.choice(_PROJECT_NOUNS)}"
        slug = _unique(title.lower().replace(" ", "-"), taken)
        projects.append({
            "slug": slug,
            "title": title,
            "stage": rng.choice(_STAGES),
            "tags": sorted(rng.sample(_TAGS, rng.randint(1, 3))),
            "members": sorted(rng.sample(people, rng.randint(1, 4))),
        })
    return projects


def _unique(slug: str, taken: set[str]) -> str:
    candidate, n = slug, 2
    while candidate in taken:
        candidate, n = f"{slug}-{n}", n + 1
    taken.add(candidate)
    return candidate


