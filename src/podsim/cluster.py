"""The control plane: the Deployment controller, pod deletion and eviction, node failure.

Facts modelled (Kubernetes docs, docs/reference/sources.md#kubernetes): Recreate terminates
old pods before creating new ones on a rollout, but a deleted pod is replaced at once;
RollingUpdate starts new pods within maxSurge and removes old ones only while maxUnavailable
allows, so with one replica the new pod starts while the old one serves; an emptyDir lives
exactly as long as its pod; a failed node's pods are evicted after node-monitor grace +
300 s toleration. Not modelled: the rate limit on node taints, and a node that reboots
while its pods stay bound (an open question: docs/reference/sources.md#node-failure).
"""

import hashlib
import shutil

from podsim.clock import Event
from podsim.errors import WorldError
from podsim.kubelet import Kubelet
from podsim.runtime import Runtime
from podsim.seam import EXIT_SIGKILL
from podsim.secret_volumes import REFRESH_EVENT
from podsim.state import Container, Node, Pod

NOT_READY_TOLERATION_S = 300.0  # added to every pod by DefaultTolerationSeconds
ROLLOUT_POLL_S = 5.0  # how often a stalled rollout looks again when no readiness is known
_NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"  # Kubernetes' SafeEncodeString alphabet


class Cluster:
    def __init__(self, rt: Runtime) -> None:
        self.rt = rt
        self.kubelet = Kubelet(rt, self.pod_stopped)

    def handle(self, event: Event) -> None:
        if event.kind.startswith("kubelet."):
            self.kubelet.handle(event)
            if event.kind == REFRESH_EVENT and self.rt.state.settings.secret_change_rolls_out:
                self.rollout_restart()  # a drift: a reloader controller, not Kubernetes
        elif event.kind == "cluster.node-not-ready":
            self._node_not_ready(event.data["node"])
        elif event.kind == "cluster.node-evict":
            self._evict_from_node(event.data["node"])
        elif event.kind == "cluster.rollout-check":
            self.sync()
        else:
            raise ValueError(f"unknown cluster event {event.kind!r}")

    # -- Deployment controller ---------------------------------------------------------
    def sync(self) -> None:
        deployment = self.rt.state.deployment
        if not deployment.template_hash:
            deployment.template_hash = self._template_hash()
        current = deployment.template_hash
        live = [p for p in self.rt.state.pods if p.phase != "Failed"]
        old = [p for p in live if p.replicaset != current]
        if self.rt.manifest.strategy == "Recreate" and old:
            for pod in old:
                if not pod.terminating:
                    self.delete_pod(pod)
            return  # Recreate: the new pod waits until every old pod is gone
        if self.rt.manifest.strategy == "RollingUpdate":
            self._roll(current, live)
            return
        active = [p for p in live if p.replicaset == current and not p.terminating]
        for _ in range(self.rt.manifest.replicas - len(active)):
            self._create_pod(current)

    def _roll(self, current: str, live: list[Pod]) -> None:
        """One RollingUpdate step: surge new pods, then drop old ones as new ones get ready."""
        m, now = self.rt.manifest, self.rt.clock.now
        new = [p for p in live if p.replicaset == current and not p.terminating]
        old = [p for p in live if p.replicaset != current and not p.terminating]
        room = min(m.replicas - len(new), m.replicas + m.max_surge - len(new) - len(old))
        for _ in range(max(room, 0)):
            self._create_pod(current)
        new = [p for p in self.rt.state.pods if p.replicaset == current and not p.terminating]
        # Old pods may go only while enough pods stay available, not-ready ones first.
        not_ready_new = sum(not p.container.is_ready(now) for p in new)
        can_remove = len(new) + len(old) - (m.replicas - m.max_unavailable) - not_ready_new
        for pod in sorted(old, key=lambda p: p.container.is_ready(now))[: max(can_remove, 0)]:
            self.delete_pod(pod)
        if any(not p.terminating for p in old):
            self._check_rollout_again(new)

    def _check_rollout_again(self, new: list[Pod]) -> None:
        """Look again when a new pod is due to be ready (the controller reacts to it)."""
        if self.rt.clock.pending("cluster.rollout-check"):
            return
        now = self.rt.clock.now
        due = [p.container.ready_at for p in new if p.container.ready_at is not None]
        later = [t - now for t in due if t > now]
        self.rt.clock.schedule(min(later, default=ROLLOUT_POLL_S), "cluster.rollout-check")

    def rollout_restart(self) -> None:
        deployment = self.rt.state.deployment
        deployment.revision += 1
        deployment.restarted_at = self.rt.clock.utc().strftime("%Y-%m-%dT%H:%M:%SZ")
        deployment.template_hash = self._template_hash()
        self.rt.record("rollout.restart", f"revision {deployment.revision}")
        self.sync()

    def _template_hash(self) -> str:
        d = self.rt.state.deployment
        return _encode(f"{self.rt.state.seed}:{d.name}:{d.revision}:{d.restarted_at}", 10)

    def _create_pod(self, replicaset: str) -> None:
        node = self._pick_node()
        if node is None:
            self.rt.record("pod.unschedulable", "no Ready node for the replacement")
            return
        number = self.rt.state.next_number("pods")
        suffix = _encode(f"{self.rt.state.seed}:{number}", 5)
        name = f"{self.rt.state.deployment.name}-{replicaset}-{suffix}"
        index = next(i for i, n in enumerate(self.rt.state.nodes) if n.name == node.name)
        pod = Pod(
            name=name,
            uid=_encode(f"uid:{self.rt.state.seed}:{number}", 12),
            replicaset=replicaset,
            node=node.name,
            ip=f"10.244.{index + 1}.{number + 10}",
            created_at=self.rt.clock.now,
            labels=dict(self.rt.manifest.labels, **{"pod-template-hash": replicaset}),
            container=Container(self.rt.manifest.container),
        )
        pod.volumes = {
            v.name: self._volume_dir(pod, v.kind, v.name, v.source)
            for v in self.rt.manifest.volumes
        }
        self.rt.state.pods.append(pod)
        self.kubelet.secrets.project(pod)
        self.rt.record("pod.created", f"{name} on {node.name}", pod=name)
        self.kubelet.schedule_start(pod)

    def _volume_dir(self, pod: Pod, kind: str, name: str, source: str) -> str:
        if kind == "secret":
            return self.kubelet.secrets.volume_dir(pod, name)  # filled when mounted
        if kind == "emptyDir":
            rel = f"volumes/{pod.uid}-{name}"
            self.rt.record(
                "volume.created", f"emptyDir {name} for {pod.name}", pod=pod.name
            )
        else:
            rel = f"volumes/pvc-{source}"
        (self.rt.root / rel).mkdir(parents=True, exist_ok=True)
        return rel

    def _pick_node(self) -> Node | None:
        ready = [n for n in self.rt.state.nodes if n.ready]
        load = {n.name: sum(p.node == n.name for p in self.rt.state.pods) for n in ready}
        return min(ready, key=lambda n: (load[n.name], n.name), default=None)

    # -- deletion ----------------------------------------------------------------------
    def delete_pod(self, pod: Pod, grace_s: float | None = None, force: bool = False) -> None:
        grace = self.rt.manifest.grace_s if grace_s is None else grace_s
        pod.deletion_at, pod.deletion_grace_s = self.rt.clock.now, grace
        self.rt.record("pod.delete", f"{pod.name} (grace {grace:g}s)", pod=pod.name)
        if force and grace == 0:
            self.kubelet.kill(pod, "Error", EXIT_SIGKILL)
            self._remove(pod)
        else:
            self.kubelet.sigterm(pod, grace)
        self.sync()

    def evict_for_memory(self, pod: Pod, working_set: str, available: str) -> None:
        """The kubelet's eviction manager picks this pod under node memory pressure: it uses
        more than its memory request (Burstable), so it goes first."""
        request = self.rt.manifest.resources.get("requests", {}).get("memory")
        if request is None:
            raise WorldError(f"{self.rt.manifest.source}: the container requests no memory; "
                             "memory-pressure eviction of this pod is not modelled")
        if parse_quantity(working_set) <= parse_quantity(request):
            raise WorldError(f"a working set of {working_set} is within the {request} request; "
                             "the eviction manager ranks pods over their request first")
        self.evict(pod, memory_pressure_message(
            self.rt.manifest.container, working_set, request, available))

    def evict(self, pod: Pod, message: str) -> None:
        """Node-pressure eviction: the pod fails, its containers are killed, volumes go."""
        pod.phase, pod.reason, pod.message = "Failed", "Evicted", message
        self.rt.record(
            "pod.evicted", f"{pod.name}: {message}", pod=pod.name, cause="node-pressure"
        )
        self.kubelet.kill(pod, "Error", EXIT_SIGKILL)
        if pod.container.state != "terminated":
            self.pod_stopped(pod)
        self.sync()

    def pod_stopped(self, pod: Pod) -> None:
        """Every container of a deleted or failed pod has stopped: release it."""
        self._wipe_ephemeral(pod)
        if pod.phase != "Failed":
            self._remove(pod)
        self.sync()

    def _remove(self, pod: Pod) -> None:
        self._wipe_ephemeral(pod)
        if pod in self.rt.state.pods:
            self.rt.state.pods.remove(pod)
            self.rt.record("pod.removed", pod.name, pod=pod.name)

    def _wipe_ephemeral(self, pod: Pod) -> None:
        self.kubelet.secrets.remove(pod)
        for volume in self.rt.manifest.volumes:
            path = self.rt.root / pod.volumes.get(volume.name, "")
            if volume.kind == "emptyDir" and volume.name in pod.volumes and path.exists():
                shutil.rmtree(path)
                self.rt.record(
                    "volume.wiped", f"emptyDir {volume.name} of {pod.name}", pod=pod.name
                )

    # -- nodes -------------------------------------------------------------------------
    def fail_node(self, name: str) -> None:
        node = self._node(name)
        node.ready, node.failed_at = False, self.rt.clock.now
        self.rt.record("node.failed", f"{name} stops responding", node=name)
        grace = self.rt.state.settings.node_monitor_grace_s
        self.rt.clock.schedule(grace, "cluster.node-not-ready", node=name)

    def _node_not_ready(self, name: str) -> None:
        self.rt.record("node.not-ready", f"{name} tainted unreachable", node=name)
        for pod in self._pods_on(name):
            pod.container.ready_at = None
        self.rt.clock.schedule(NOT_READY_TOLERATION_S, "cluster.node-evict", node=name)

    def _evict_from_node(self, name: str) -> None:
        for pod in self._pods_on(name):
            # The pod object stays Terminating: no kubelet is left to confirm the deletion.
            pod.deletion_at, pod.deletion_grace_s = self.rt.clock.now, self.rt.manifest.grace_s
            self.rt.record(
                "pod.evicted",
                f"{pod.name}: node {name} unreachable",
                pod=pod.name,
                cause="node-unreachable",
            )
        self.sync()

    def _pods_on(self, name: str) -> list[Pod]:
        return [p for p in self.rt.state.pods if p.node == name and not p.terminating]

    def _node(self, name: str) -> Node:
        for node in self.rt.state.nodes:
            if node.name == name:
                return node
        known = ", ".join(n.name for n in self.rt.state.nodes)
        raise ValueError(f"no node named {name!r}; nodes: {known}")


# The kubelet's eviction message (pkg/kubelet/eviction/helpers.go: nodeLowMessageFmt,
# thresholdMetMessageFmt, containerMessageFmt), trailing spaces included.
HARD_EVICTION_MEMORY = "100Mi"  # the kubelet's default hard threshold memory.available<100Mi
_BINARY = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40}


def memory_pressure_message(container: str, working_set: str, request: str,
                            available: str) -> str:
    return (
        "The node was low on resource: memory. "
        f"Threshold quantity: {HARD_EVICTION_MEMORY}, available: {available}. "
        f"Container {container} was using {working_set}, request is {request}, "
        "has larger consumption of memory. "
    )


def parse_quantity(text: str) -> int:
    """A memory quantity with a binary suffix (512Mi, 92844Ki) or plain bytes, in bytes."""
    for suffix, factor in _BINARY.items():
        if text.endswith(suffix) and text[: -len(suffix)].isdigit():
            return int(text[: -len(suffix)]) * factor
    if text.isdigit():
        return int(text)
    raise WorldError(f"{text!r} is not a memory quantity (e.g. 600Mi, 92844Ki)")


def _encode(text: str, length: int) -> str:
    digest = hashlib.sha256(text.encode()).digest()
    return "".join(_NAME_ALPHABET[b % len(_NAME_ALPHABET)] for b in digest[:length])
