"""The kubelet: starts containers (entrypoint, then the process), restarts them with
CrashLoopBackOff, runs liveness, and delivers SIGTERM/SIGKILL.

Restarts keep the pod and therefore its volumes; only the controller removes pods. Inside
the container tini is PID 1 and node its child (podsim.seam); `signal` delivers what an
operator sends with `kubectl exec ... -- kill`.
"""

import functools
import math
import shlex
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from podsim.clock import Event
from podsim.durations import entrypoint_s
from podsim.gitenv import git_env, skip_housekeeping
from podsim.image import HEAP_ABORT_LINES, entrypoint_shell
from podsim.runtime import Runtime
from podsim.seam import (
    EXIT_SIGABRT,
    EXIT_SIGKILL,
    NODE_PID,
    SIGNALS,
    TINI_PID,
    BootFailure,
    ContainerContext,
    Mounts,
    NoSuchProcess,
    PathNotMounted,
)
from podsim.secret_volumes import REFRESH_EVENT, SecretVolumes
from podsim.state import Container, Pod, Terminated

CRASHLOOP_FIRST_S = 10.0  # first back-off after the immediate restart
CRASHLOOP_CAP_S = 300.0
CRASHLOOP_RESET_AFTER_S = 600.0  # ten minutes of clean running resets the back-off

class Kubelet:
    def __init__(self, rt: Runtime, pod_stopped: Callable[[Pod], None]) -> None:
        self.rt = rt
        self.pod_stopped = pod_stopped  # the controller finishes a deleted/evicted pod
        self.secrets = SecretVolumes(rt)

    # -- events ------------------------------------------------------------------------
    def handle(self, event: Event) -> None:
        pod = self.rt.pod(event.data["pod"])
        if event.kind == REFRESH_EVENT:
            if pod is not None and self._node_ready(pod):
                self.secrets.project(pod)  # the periodic sync, whatever the container does
            return
        if pod is None or pod.container.instance != event.data["instance"]:
            return  # the container this event belonged to is gone
        if not self._node_ready(pod):
            return
        if event.kind == "kubelet.start":
            self.start(pod)
        elif event.kind == "kubelet.exec":
            self._exec(pod, event.data["code"])
        elif event.kind == "kubelet.timer":
            self._timer(pod, event.data["timer"], event.data["data"])
        elif event.kind == "kubelet.exit":
            self._exited(pod, event.data["reason"], event.data["exit_code"])
        elif event.kind == "kubelet.liveness":
            self._liveness_kill(pod)
        else:
            raise ValueError(f"unknown kubelet event {event.kind!r}")

    def schedule_start(self, pod: Pod, delay: float = 0.0) -> None:
        self.rt.clock.schedule(
            delay, "kubelet.start", pod=pod.name, instance=pod.container.instance
        )

    # -- container start ---------------------------------------------------------------
    def start(self, pod: Pod) -> None:
        c = pod.container
        if c.instance > 0:
            c.restart_count += 1
            c.previous_logs = c.logs
            if self.rt.state.settings.restart_wipes_emptydir:  # a drift, not Kubernetes
                self._empty_volumes(pod)
        c.logs, c.process = [], {}
        c.instance += 1
        c.state, c.reason, c.terminated, c.hung_since = "running", "", None, None
        c.response_s = 0.0
        self.secrets.project(pod)  # a container start remounts the pod's Secrets
        c.started_at, c.ready_at = self.rt.clock.now, None
        pod.phase = "Running"
        self.rt.record(
            "container.start", f"{pod.name}: start #{c.instance}", pod=pod.name
        )
        ctx = self.context(pod)  # one environment for the entrypoint and the process
        code, output = self._run_entrypoint(pod, ctx)
        c.logs.extend(output)
        took = entrypoint_s(output, code, ctx.env.get("GIT_SSH_COMMAND"))
        if took > 0:  # the clone's git work is done; its virtual time passes before the exec
            self.rt.clock.schedule(took, "kubelet.exec", pod=pod.name, instance=c.instance,
                                   code=code)
            return
        self._exec(pod, code)

    def _empty_volumes(self, pod: Pod) -> None:
        # The restart-wipes-emptydir drift: each emptyDir starts empty again, in the same pod.
        for volume in self.rt.manifest.volumes:
            path = self.rt.root / pod.volumes.get(volume.name, "")
            if volume.kind == "emptyDir" and volume.name in pod.volumes and path.exists():
                shutil.rmtree(path)
                path.mkdir()
                self.rt.record("volume.wiped", f"emptyDir {volume.name} of {pod.name} "
                               "(container restart)", pod=pod.name)

    def _exec(self, pod: Pod, entrypoint_code: int) -> None:
        """The entrypoint ended: it failed, or it exec'd node (the process boots). The pod
        is not ready until the process says it listens (`_listening`)."""
        if entrypoint_code != 0:
            self._exited(pod, "Error", entrypoint_code)
            return
        try:
            self.rt.process.boot(self.context(pod))
        except BootFailure as failure:
            self._exited(pod, "Error", failure.exit_code)

    def _listening(self, pod: Pod) -> None:
        """The process listens: the pod turns ready at the first readiness probe from now
        (probes run initialDelaySeconds after the container started, then every
        periodSeconds; one success is enough). Without a probe it is ready at once."""
        c, probe, now = pod.container, self.rt.manifest.readiness, self.rt.clock.now
        if c.state != "running" or c.started_at is None:
            return
        if probe is None:
            c.ready_at = now
            return
        first = c.started_at + probe.initial_delay_s
        periods = max(math.ceil((now - first) / probe.period_s), 0)
        c.ready_at = first + periods * probe.period_s

    def container_env(self, pod: Pod, mounts: Mounts) -> dict[str, str]:
        """The manifest's env, with container paths mapped into the world directory."""
        home = self.rt.root / "containers" / pod.name / str(pod.container.instance)
        if not home.is_dir():  # a new container: its global git config starts quiet
            home.mkdir(parents=True)
            skip_housekeeping(home / ".gitconfig")
        env = {key: mounts.to_host(value) for key, value in self.rt.manifest.env.items()}
        env["GIT_SSH_COMMAND"] = self.rt.ssh_command(self._key_file(mounts))
        env["HOSTNAME"] = pod.name
        return git_env(home, **env)

    def context(self, pod: Pod) -> ContainerContext:
        c = pod.container
        mounts = self.rt.mounts(pod)

        def schedule(delay: float, kind: str, data: dict[str, Any]) -> None:
            self.rt.clock.schedule(
                delay, "kubelet.timer", pod=pod.name, instance=c.instance, timer=kind, data=data
            )

        return ContainerContext(
            env=self.container_env(pod, mounts),
            mounts=mounts,
            clock=self.rt.clock,
            trace=self.rt.trace,
            schedule_hook=schedule,
            listening_hook=lambda: self._listening(pod),
            state=c.process,
            logs=c.logs,
            hostname=pod.name,
            pid=NODE_PID,
            hung=c.hung_since is not None,
        )

    def _key_file(self, mounts: Mounts) -> Path | None:
        """The pod's copy of the key the manifest's GIT_SSH_COMMAND names with `-i`."""
        key = _identity_file(self.rt.manifest.env.get("GIT_SSH_COMMAND", ""))
        if key is None:
            return None
        try:
            return mounts.host_path(key)
        except PathNotMounted:
            return None

    def _run_entrypoint(self, pod: Pod, ctx: ContainerContext) -> tuple[int, list[str]]:
        script = self.rt.deploy_dir / "docker" / "entrypoint.sh"
        result = subprocess.run(
            # No CMD: the script's closing `exec "$@"` then replaces nothing and the script
            # ends with status 0 where the image would exec node; the process model takes
            # over from there (a stand-in command would only cost a process per start).
            [*entrypoint_shell(), str(script)],
            env=ctx.env,
            cwd=self.rt.root,
            capture_output=True,
            text=True,
            check=False,
        )
        # Real logs show paths as the container sees them.
        output = (result.stdout + result.stderr).splitlines()
        lines = [ctx.mounts.to_container(line) for line in output]
        self.rt.record("entrypoint.exit", f"exit {result.returncode}", pod=pod.name)
        return result.returncode, lines

    # -- faults and signals ------------------------------------------------------------
    def kill(self, pod: Pod, reason: str, exit_code: int) -> None:
        """The process dies at once (OOM kill, crash, SIGKILL)."""
        if pod.container.state == "running":
            self._exited(pod, reason, exit_code)

    def heap_abort(self, pod: Pod) -> None:
        """V8 runs out of heap: node prints its fatal error and aborts; tini exits with
        node's status. A crash like any other (not OOMKilled): same pod, volume kept."""
        if pod.container.state == "running":
            pod.container.logs.extend(HEAP_ABORT_LINES)
            self.rt.record("api.heap-abort", f"{pod.name}: JavaScript heap out of memory",
                           pod=pod.name)
            self._exited(pod, "Error", EXIT_SIGABRT)

    def signal(self, pod: Pod, pid: int, number: int) -> None:
        """Signal `pid` from inside the container, as `kill` run by `kubectl exec` does."""
        c = pod.container
        if c.state != "running" or pid not in (TINI_PID, NODE_PID):
            raise NoSuchProcess(pid)
        name = next(n for n, v in SIGNALS.items() if v == number)
        self.rt.record("signal.exec", f"{pod.name}: SIG{name} to pid {pid}",
                       pod=pod.name, pid=pid, signal=name)
        if pid == TINI_PID and number == SIGNALS["KILL"]:
            # A PID namespace's init only gets signals it handles from inside the namespace;
            # SIGKILL cannot be handled, so the kernel drops it.
            return
        # tini forwards every other signal to node; tini exits with node's status.
        if number == SIGNALS["TERM"]:
            answer = self.rt.process.on_sigterm(self.context(pod))
            reason = "Completed" if answer.code == 0 else "Error"
            self._schedule_exit(pod, answer.after_s, reason, answer.code)
        else:
            # Node's default for these is to die of the signal; for KILL there is no choice.
            self._exited(pod, "Error", 128 + number)

    def respond_slowly(self, pod: Pod, seconds: float) -> float | None:
        """The process answers HTTP after `seconds`; a liveness probe that waits longer
        than its timeoutSeconds fails. Returns when liveness will kill it (or None)."""
        c, probe = pod.container, self.rt.manifest.liveness
        if seconds < 0:
            raise ValueError(f"a response time must be >= 0, not {seconds}")
        c.response_s = seconds
        if c.hung_since is not None:
            return self._schedule_liveness_kill(pod)  # a hung process answers nothing
        self.rt.clock.cancel("kubelet.liveness", pod=pod.name, instance=c.instance)
        if probe is None or seconds <= probe.timeout_s:
            return None  # the probe gets its answer in time: failures reset
        return self._schedule_liveness_kill(pod)

    def hang(self, pod: Pod) -> float | None:
        """The process stops answering; returns when liveness will kill it (or None)."""
        if pod.container.state != "running":
            return None
        pod.container.hung_since = self.rt.clock.now
        return self._schedule_liveness_kill(pod)

    def _schedule_liveness_kill(self, pod: Pod) -> float | None:
        """Every probe from now on fails: the threshold-th failure kills the container."""
        c, probe = pod.container, self.rt.manifest.liveness
        if c.state != "running" or probe is None or c.started_at is None:
            return None
        now = self.rt.clock.now
        if pending := self.rt.clock.pending("kubelet.liveness", pod=pod.name, instance=c.instance):
            return pending[0].t  # already failing
        first_probe = c.started_at + probe.initial_delay_s
        if now > first_probe:
            first_probe += math.ceil((now - first_probe) / probe.period_s) * probe.period_s
        # A probe fails when its timeoutSeconds pass without an answer, not when it starts.
        last_probe = first_probe + (probe.failure_threshold - 1) * probe.period_s
        kill_at = last_probe + probe.timeout_s
        self.rt.clock.schedule(kill_at - now, "kubelet.liveness", pod=pod.name, instance=c.instance)
        return kill_at

    def sigterm(self, pod: Pod, grace_s: float) -> None:
        """TERM to PID 1, then KILL once the grace period is over."""
        c = pod.container
        if c.state != "running":
            self.rt.clock.cancel("kubelet.start", pod=pod.name)
            self.pod_stopped(pod)
            return
        self.rt.record("signal.sigterm", f"{pod.name}: SIGTERM", pod=pod.name)
        answer = self.rt.process.on_sigterm(self.context(pod))
        if answer.after_s <= grace_s:
            reason = "Completed" if answer.code == 0 else "Error"
            self._schedule_exit(pod, answer.after_s, reason, answer.code)
        else:
            self._schedule_exit(pod, grace_s, "Error", EXIT_SIGKILL)

    def _schedule_exit(self, pod: Pod, delay: float, reason: str, code: int) -> None:
        if delay == 0:
            self._exited(pod, reason, code)
            return
        self.rt.clock.schedule(
            delay,
            "kubelet.exit",
            pod=pod.name,
            instance=pod.container.instance,
            reason=reason,
            exit_code=code,
        )

    def _liveness_kill(self, pod: Pod) -> None:
        probe = self.rt.manifest.liveness
        self.rt.record(
            "probe.liveness-failed",
            f"{pod.name}: Liveness probe failed {probe.failure_threshold if probe else 0} times",
            pod=pod.name,
        )
        self.sigterm(pod, self.rt.manifest.grace_s)

    def _timer(self, pod: Pod, kind: str, data: dict[str, Any]) -> None:
        c = pod.container
        if c.state != "running" or c.hung_since is not None:
            return  # a dead or hung event loop runs no timers
        try:
            self.rt.process.handle(self.context(pod), kind, data)
        except BootFailure as failure:  # a boot step or pluginTimeout: buildApp() rejected
            self._exited(pod, "Error", failure.exit_code)

    def _exited(self, pod: Pod, reason: str, exit_code: int) -> None:
        c, now = pod.container, self.rt.clock.now
        started = c.started_at if c.started_at is not None else now
        c.terminated = Terminated(reason, exit_code, started, now)
        c.state, c.reason, c.ready_at, c.hung_since = "terminated", reason, None, None
        self.rt.clock.cancel("kubelet.liveness", pod=pod.name, instance=c.instance)
        self.rt.record(
            "container.exit",
            f"{pod.name}: {reason} (exit {exit_code})",
            pod=pod.name,
            reason=reason,
            exit_code=exit_code,
        )
        if pod.terminating or pod.phase == "Failed":
            self.pod_stopped(pod)
            return
        self._schedule_restart(pod, c, now - started)

    def _schedule_restart(self, pod: Pod, c: Container, ran_s: float) -> None:
        if ran_s >= CRASHLOOP_RESET_AFTER_S:
            c.backoff_s = 0.0
        delay = c.backoff_s
        c.backoff_s = CRASHLOOP_FIRST_S if delay == 0 else min(delay * 2, CRASHLOOP_CAP_S)
        c.last_terminated = c.terminated
        if delay > 0:
            c.state, c.reason, c.terminated = "waiting", "CrashLoopBackOff", None
            self.rt.record(
                "container.backoff",
                f"{pod.name}: back-off {delay:g}s",
                pod=pod.name,
                delay_s=delay,
            )
        self.schedule_start(pod, delay)

    def _node_ready(self, pod: Pod) -> bool:
        return any(n.name == pod.node and n.ready for n in self.rt.state.nodes)


@functools.lru_cache(maxsize=16)
def _identity_file(ssh_command: str) -> str | None:
    """The key file an ssh command line names with `-i` (parsed once: asked per event)."""
    words = shlex.split(ssh_command)
    if "-i" not in words[:-1]:
        return None
    return words[words.index("-i") + 1]
