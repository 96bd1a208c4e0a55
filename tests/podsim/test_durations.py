"""The durations table: production's figures are the defaults; the entrypoint's charge."""

from podsim.durations import KERNEL_TCP_CONNECT_TIMEOUT_S, Durations, entrypoint_s

CLONED = ["[entrypoint] cloning origin (branch main) into /app/data",
          "Cloning into bare repository '/app/data'..."]


def test_the_defaults_are_production_s_figures() -> None:
    assert Durations() == Durations.production()
    assert (Durations().clone_s, Durations().load_s) == (10.0, 20.0)  # measured upstream


def test_instant_zeroes_boot_steps_and_keeps_what_it_is_given() -> None:
    instant = Durations.instant(load_s=5)
    assert (instant.clone_s, instant.store_open_s, instant.git_step_s, instant.fetch_s) == (
        0, 0, 0, 0)
    assert (instant.load_s, instant.push_s) == (5, Durations().push_s)


def test_a_clone_is_charged_only_when_it_succeeded_or_hung() -> None:
    assert entrypoint_s(CLONED, 0, None) == Durations().clone_s
    refused = [*CLONED, "fatal: Could not read from remote repository."]
    assert entrypoint_s(refused, 128, None) == 0.0  # a refused connection fails at once
    hung = [*CLONED, "ssh: connect to host github.com port 22: Connection timed out"]
    assert entrypoint_s(hung, 128, None) == KERNEL_TCP_CONNECT_TIMEOUT_S
    assert entrypoint_s(["[entrypoint] found a bare repository"], 0, None) == 0.0
