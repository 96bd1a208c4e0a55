"""A `kubectl` look-alike bound to a podsim world (linked as `kubectl` on sandbox PATHs only).

It simulates kubectl 1.35 against a 1.35 API server: output shapes, streams, error texts
and exit codes follow the upstream sources in docs/reference/sources.md#kubectl. Anything it
does not simulate fails loudly.
"""

from podsim.kubectl.config import write_kubeconfig

__all__ = ["write_kubeconfig"]
