"""docproof: run the code blocks of Markdown pages, check claims, write a report.

The engine (authoring, console, matching, shell, sandbox, pyexec, runtime, report)
never imports pytest; ``pytest_*`` modules are the pytest integration.
"""

from docproof.sandbox import PageWorld, Sandbox

__all__ = ["PageWorld", "Sandbox"]
