"""The seam: one container <-> host path mapping, and the runtime applying the process's
own answer to SIGTERM."""

from pathlib import Path

import pytest

from podsim.api.process import ApiProcess
from podsim.clock import Clock
from podsim.seam import ContainerContext, Exit, Mounts, PathNotMounted
from podsim.trace import Trace
from podsim.world import World

HOST = Path("/w/volumes")
MOUNTS = Mounts({"/app/data": HOST / "u1-data", "/app/data-cache": HOST / "u1-cache",
                 "/etc/key": HOST / "secret"})


@pytest.mark.parametrize(("container", "host"), [
    ("/app/data", HOST / "u1-data"),
    ("/app/data/", HOST / "u1-data"),
    ("/app/data/objects/pack", HOST / "u1-data/objects/pack"),
    ("/app/data-cache/x", HOST / "u1-cache/x"),  # the longer mount, not /app/data + "-cache"
])
def test_host_path_follows_whole_path_names(container: str, host: Path) -> None:
    assert MOUNTS.host_path(container) == host


@pytest.mark.parametrize("container", ["/app/database", "/app", "/etc/keys/id", "app/data"])
def test_a_path_on_no_volume_is_refused_naming_the_volumes(container: str) -> None:
    with pytest.raises(PathNotMounted, match=f"{container} is on no volume.*/app/data, "):
        MOUNTS.host_path(container)


def test_text_is_mapped_as_whole_paths_in_one_pass() -> None:
    text = "clone into /app/data; keep /app/database and /x/app/data; cache /app/data-cache."
    host = MOUNTS.to_host(text)
    assert host == (f"clone into {HOST}/u1-data; keep /app/database and /x/app/data; "
                    f"cache {HOST}/u1-cache.")
    assert MOUNTS.to_container(host) == text


def test_a_host_path_holding_a_mount_path_is_not_mapped_twice() -> None:
    # The world directory may itself contain a container path (here /app/key).
    nested = Mounts({"/app/data": Path("/srv/app/key/vol-data"), "/app/key": Path("/srv/key")})
    assert nested.to_host("/app/data/HEAD /app/key") == "/srv/app/key/vol-data/HEAD /srv/key"
    assert nested.to_container("/srv/app/key/vol-data/HEAD") == "/app/data/HEAD"


def test_command_output_bytes_follow_the_same_rule() -> None:
    data = f"{HOST}/u1-data/HEAD\n{HOST}/u1-data.bak\n".encode()
    assert MOUNTS.to_container_bytes(data) == f"/app/data/HEAD\n{HOST}/u1-data.bak\n".encode()


def test_container_logs_show_container_paths() -> None:
    logs: list[str] = []
    ctx = ContainerContext({}, MOUNTS, Clock(), Trace(), lambda *_: None, lambda: None,
                           logs=logs)
    ctx.write_log(f'{{"gitDir":"{HOST}/u1-data"}}')
    assert logs == ['{"gitDir":"/app/data"}']


class ExitsWith(ApiProcess):
    """Answers SIGTERM with a chosen delay and exit code."""

    def __init__(self, answer: Exit) -> None:
        super().__init__()
        self.answer = answer

    def on_sigterm(self, ctx: ContainerContext) -> Exit:
        return self.answer


@pytest.mark.parametrize(("answer", "reason", "code"), [
    (Exit(0.0, 7), "Error", 7),
    (Exit(5.0, 0), "Completed", 0),
    (Exit(45.0, 0), "Error", 137),  # past the 30 s grace period: SIGKILL
])
def test_the_kubelet_applies_the_process_s_exit(
    tmp_path: Path, answer: Exit, reason: str, code: int
) -> None:
    world = World.create(tmp_path / "w", process=ExitsWith(answer))
    deleted_at = world.now
    world.delete_pod()
    world.advance(60)
    (exited,) = world.trace.of_kind("container.exit")
    assert (exited.data["reason"], exited.data["exit_code"]) == (reason, code)
    assert exited.t == deleted_at + min(answer.after_s, world.manifest.grace_s)


@pytest.mark.parametrize(("handler", "code"), [(False, 143), (True, 0)])
def test_the_api_s_sigterm_handler_setting_decides_its_exit_code(
    tmp_path: Path, handler: bool, code: int
) -> None:
    world = World.create(tmp_path / "w", sigterm_handler=handler)
    world.delete_pod()
    (exited,) = world.trace.of_kind("container.exit")
    assert exited.data["exit_code"] == code
