"""Fixtures of the API process-model tests (helpers live in apirig.py)."""

from apirig import rig

__all__ = ["rig"]
