"""Shared helpers of the kubectl shim tests (imported by conftest and the test modules)."""

from collections.abc import Callable
from dataclasses import dataclass

NS = "codeforphilly-rewrite-sandbox"


@dataclass
class Result:
    code: int
    out: str
    err: str


Kubectl = Callable[..., Result]
