"""Entry point of the `podsim-kubectl` console script (linked as `kubectl` in sandboxes)."""

import sys

from podsim.kubectl import describe, exec_, get, logs, mutate, top
from podsim.kubectl.args import parse
from podsim.kubectl.config import bind
from podsim.kubectl.errors import KubectlError
from podsim.kubectl.output import err

VERBS = {
    "get": get.run,
    "describe": describe.run,
    "logs": logs.run,
    "exec": exec_.run,
    "delete": mutate.delete,
    "rollout": mutate.rollout,
    "top": top.run,
}


def main(argv: list[str] | None = None) -> int:
    try:
        args = parse(list(sys.argv[1:] if argv is None else argv))
        if not args.verb:
            raise KubectlError(
                "error: podsim kubectl needs a command "
                f"(simulated commands: {', '.join(VERBS)})"
            )
        if args.command is not None and args.verb != "exec":
            raise KubectlError(f"error: podsim kubectl does not simulate `--` for {args.verb}")
        binding = bind(args.value("kubeconfig"), args.value("namespace"))
        return VERBS[args.verb](binding, args)
    except KubectlError as error:
        err(error.message)
        return error.code
    except BrokenPipeError:
        return 1


if __name__ == "__main__":
    sys.exit(main())
