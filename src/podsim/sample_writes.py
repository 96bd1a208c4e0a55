"""Records that simulated API requests write when a scenario does not name one."""


def sample_record(sheet: str, number: int) -> dict[str, object]:
    """A new, unique record for `sheet`; the number keeps every write distinct."""
    if sheet == "people":
        return {
            "slug": f"volunteer-{number:04d}",
            "full_name": f"Volunteer {number}",
            "newsletter": number % 2 == 0,
        }
    if sheet == "projects":
        return {
            "slug": f"project-{number:04d}",
            "title": f"Project {number}",
            "stage": "bootstrapping",
        }
    raise ValueError(f"no sample records for sheet {sheet!r}; use people or projects")
