"""Scenario setups where origin is what goes wrong: outages, keys, rules, other writers."""

from podsim.world import World


def origin_outage(world: World) -> None:
    world.origin.set_network(False)
    for _ in range(3):
        world.write()
        world.advance(300)
    world.origin.set_network(True)
    world.advance(4000)  # the next scheduled retry ships the whole backlog


def deploy_key_revoked(world: World) -> None:
    world.origin.revoke_deploy_key()
    world.write()
    world.write()
    world.advance(600)
    world.origin.rotate_deploy_key()  # the mounted Secret updates in place; no restart
    world.advance(2000)


def protected_branch(world: World) -> None:
    world.origin.protect_branch(True)
    world.write()
    world.write()
    world.advance(7200)  # `[remote rejected]` is retried forever, never terminal


def non_fast_forward(world: World) -> None:
    world.origin.advance(world.utc(), "notes/importer.md", "imported\n", "Import batch")
    world.write()
    world.advance(5)  # rejected non-fast-forward: terminal for the batch
    world.crash()  # a container restart runs reconcile, which replays the write
    world.wait_until_serving()


def diverged_conflict(world: World) -> None:
    world.write("people", {"slug": "ada-chen", "full_name": "Ada Chen (pod)"})
    _edit_same_record_on_origin(world)
    world.crash()
    world.wait_until_serving()


def conflict_push_fails(world: World) -> None:
    world.write("people", {"slug": "ada-chen", "full_name": "Ada Chen (pod)"})
    _edit_same_record_on_origin(world)
    world.origin.restrict_branch_creation(True)  # the conflicts/* push will be refused
    world.crash()  # conflict-escaped, preserved LOCALLY only
    world.wait_until_serving()
    world.delete_pod()  # ...and the pod's volume goes with it
    world.advance(60)


def _edit_same_record_on_origin(world: World) -> None:
    # The pod's push is still in flight: another writer lands first on the same file.
    world.origin.advance(
        world.utc(),
        "people/ada-chen.toml",
        'full_name = "Ada Chen (origin)"\n',
        "Edit ada-chen upstream",
    )
    world.advance(5)


def stranded_on_pod(world: World) -> None:
    # A conflict escape whose branch push is refused: conflicts/<ts> exists only on the pod.
    world.write("people", {"slug": "ada-chen", "full_name": "Ada Chen (pod)"})
    _edit_same_record_on_origin(world)
    world.origin.restrict_branch_creation(True)
    world.crash()
    world.wait_until_serving()  # the restart's reconcile escapes; the pod serves again
    world.origin.restrict_branch_creation(False)  # lifted later; nothing retries that push
    # Then an importer lands on origin first, and the next write is rejected non-fast-forward.
    world.origin.advance(world.utc(), "notes/importer.md", "imported\n", "Import batch")
    world.write()
    world.advance(5)


def deploy_key_revoked_backlog(world: World) -> None:
    world.origin.revoke_deploy_key()
    world.write()
    world.write()
    world.advance(5000)  # retries reach the 1 h cap; the key is not rotated yet


def conflict_local_only(world: World) -> None:
    world.write("people", {"slug": "ada-chen", "full_name": "Ada Chen (pod)"})
    _edit_same_record_on_origin(world)
    world.origin.restrict_branch_creation(True)  # the conflicts/* push will be refused
    world.crash()  # conflict-escaped, preserved LOCALLY only; the pod is still there
    world.wait_until_serving()
