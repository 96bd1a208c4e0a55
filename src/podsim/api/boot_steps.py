"""Boot as timed steps, and Fastify's pluginTimeout over each plugin.

Boot is a sequence of steps in virtual time: each step is a timer, and its git work happens
when the timer fires (at the step's boundary), so a fault that strikes between two steps
leaves the repository as the earlier boundary left it. `begin` starts a plugin and its first
step; avvio times each plugin (`ApiSettings.plugin_timeout_s`: `PLUGIN_TIMEOUT_S`,
codeforphilly's 30 s, unless a drift changes it). If the plugin's
steps have not finished when that timer fires, `ready` rejects with Fastify's plugin-timeout
error and the process exits (docs/reference/sources.md#durations).

Timers carry a token; only the step or timeout the state still expects counts, so a step of
an earlier boot or a cleared timeout is ignored.
"""

from typing import Any

from podsim.api.context import ProcessContext

STATE_KEY = "boot"
STEP = "boot.step"
PLUGIN_TIMEOUT = "boot.plugin-timeout"
TIMER_KINDS = (STEP, PLUGIN_TIMEOUT)

# fastify v5.8.5 maps avvio's AVV_ERR_PLUGIN_EXEC_TIMEOUT (lib/plugin.js) to this code and
# prefixes avvio's message (lib/errors.js); avvio's error stays as the `cause`.
PLUGIN_TIMEOUT_CODE = "FST_ERR_PLUGIN_TIMEOUT"
AVVIO_TIMEOUT_CODE = "AVV_ERR_PLUGIN_EXEC_TIMEOUT"


def plugin_timeout_error(plugin: str) -> str:
    """The message `ready` rejects with when `plugin` outlives pluginTimeout."""
    return (f"fastify-plugin: Plugin did not start in time: '{plugin}'. You may have forgotten "
            "to call 'done' function or to resolve a Promise")


def begin(ctx: ProcessContext, plugin: str, first_step_s: float) -> None:
    """Start `plugin` (its step of the same name ends in `first_step_s`) under the timeout."""
    boot = _boot(ctx)
    boot.update(plugin=plugin, plugin_started_at=ctx.now, plugin_token=None)
    then(ctx, plugin, first_step_s)


def then(ctx: ProcessContext, step: str, after_s: float) -> None:
    """The current plugin's next step ends `after_s` from now."""
    boot = _boot(ctx)
    boot["step"] = step
    boot["step_token"] = _token(ctx)
    ctx.schedule(after_s, STEP, step=step, token=boot["step_token"])
    # avvio's timer, armed only when it can fire: a plugin done in time would clear it, and
    # a timer left in the queue would show up as a pending event.
    deadline = boot["plugin_started_at"] + ctx.settings.plugin_timeout_s
    if boot["plugin_token"] is None and ctx.now + after_s > deadline:
        boot["plugin_token"] = _token(ctx)
        ctx.schedule(deadline - ctx.now, PLUGIN_TIMEOUT, token=boot["plugin_token"])


def finish(ctx: ProcessContext) -> None:
    """The last plugin resolved (or boot failed): no step or timeout is expected any more."""
    boot = _boot(ctx)
    boot.update(plugin=None, plugin_started_at=None, plugin_token=None, step=None,
                step_token=None)


def reached(ctx: ProcessContext, data: dict[str, Any]) -> str | None:
    """The step whose boundary this timer marks, or None if it is no longer expected."""
    boot = _boot(ctx)
    if data.get("token") != boot.get("step_token"):
        return None
    boot["step_token"] = None
    return str(data["step"])


def timed_out(ctx: ProcessContext, data: dict[str, Any]) -> str | None:
    """The plugin that outlived pluginTimeout, or None if it finished in time."""
    boot = _boot(ctx)
    if boot.get("plugin") is None or data.get("token") != boot.get("plugin_token"):
        return None
    timeout_s = ctx.settings.plugin_timeout_s
    ctx.record("api.plugin-timeout", f"{boot['plugin']} after {timeout_s:g}s",
               plugin=boot["plugin"])
    return str(boot["plugin"])


def _boot(ctx: ProcessContext) -> dict[str, Any]:
    boot: dict[str, Any] = ctx.state.setdefault(STATE_KEY, {"next_token": 0})
    return boot


def _token(ctx: ProcessContext) -> int:
    boot = _boot(ctx)
    boot["next_token"] += 1
    return int(boot["next_token"])
