"""Fixtures of the API process-model tests (helpers live in apirig.py)."""

from apirig import rig, rig_template

__all__ = ["rig", "rig_template"]
