"""Command-line parsing with pflag's rules: flags anywhere, `--x=v`, `--x v`, `-xv`, `-it`.

Every flag the shim understands is declared here; any other flag fails loudly, framed the
way kubectl frames flag errors (`See 'kubectl get --help' for usage.`).
"""

from dataclasses import dataclass, field

from podsim.kubectl.errors import KubectlError


@dataclass(frozen=True)
class Flag:
    name: str
    short: str = ""
    takes_value: bool = True


GLOBAL_FLAGS = (Flag("kubeconfig"), Flag("namespace", "n"))
VERB_FLAGS: dict[str, tuple[Flag, ...]] = {
    "get": (Flag("selector", "l"), Flag("field-selector"), Flag("output", "o")),
    "describe": (),
    "logs": (Flag("container", "c"), Flag("previous", "p", False), Flag("tail")),
    "exec": (Flag("container", "c"), Flag("stdin", "i", False), Flag("tty", "t", False)),
    "delete": (Flag("grace-period"), Flag("force", takes_value=False),
               Flag("wait", takes_value=False)),
    "rollout": (),
    "top": (),
}
_TRUE, _FALSE = ("1", "t", "T", "true", "TRUE", "True"), ("0", "f", "F", "false", "FALSE", "False")


@dataclass
class Args:
    verb: str = ""
    positionals: list[str] = field(default_factory=list)
    flags: dict[str, str] = field(default_factory=dict)
    command: list[str] | None = None  # the words after `--`

    def value(self, name: str, default: str | None = None) -> str | None:
        return self.flags.get(name, default)

    def is_set(self, name: str, default: bool = False) -> bool:
        raw = self.flags.get(name)
        return default if raw is None else raw in _TRUE


def parse(argv: list[str]) -> Args:
    args = Args()
    words = list(argv)
    while words:
        word = words.pop(0)
        if word == "--":
            args.command = words
            break
        if word.startswith("--"):
            _long(args, word, words)
        elif word.startswith("-") and word != "-":
            _short(args, word, words)
        elif not args.verb:
            args.verb = word
            if word not in VERB_FLAGS:
                raise KubectlError(
                    f'error: podsim kubectl does not simulate "kubectl {word}" '
                    f"(simulated commands: {', '.join(VERB_FLAGS)})"
                )
        else:
            args.positionals.append(word)
    return args


def _flags(args: Args) -> tuple[Flag, ...]:
    return GLOBAL_FLAGS + VERB_FLAGS.get(args.verb, ())


def _long(args: Args, word: str, rest: list[str]) -> None:
    name, eq, value = word[2:].partition("=")
    flag = next((f for f in _flags(args) if f.name == name), None)
    if flag is None:
        raise _usage(args, f"podsim kubectl does not simulate the flag --{name}"
                     f"{_where(args)}")
    if flag.takes_value and not eq:
        if not rest:
            raise _usage(args, f"flag needs an argument: --{name}")
        value = rest.pop(0)
    _store(args, flag, value if (eq or flag.takes_value) else "true", f"--{name}")


def _short(args: Args, word: str, rest: list[str]) -> None:
    letters = word[1:]
    while letters:
        letter, letters = letters[0], letters[1:]
        flag = next((f for f in _flags(args) if f.short == letter), None)
        if flag is None:
            raise _usage(args, f"podsim kubectl does not simulate the flag -{letter} (in {word})"
                         f"{_where(args)}")
        if not flag.takes_value:
            if letters.startswith("="):
                _store(args, flag, letters[1:], f"-{letter}")
                return
            _store(args, flag, "true", f"-{letter}")
            continue
        value = letters.removeprefix("=")
        if not letters:
            if not rest:
                raise _usage(args, f"flag needs an argument: '{letter}' in {word}")
            value = rest.pop(0)
        _store(args, flag, value, f"-{letter}")
        return


def _store(args: Args, flag: Flag, value: str, spelled: str) -> None:
    if not flag.takes_value and value not in _TRUE + _FALSE:
        raise _usage(args, f'invalid argument "{value}" for "{spelled}" flag: '
                     f'strconv.ParseBool: parsing "{value}": invalid syntax')
    args.flags[flag.name] = value


def _where(args: Args) -> str:
    return f' for "kubectl {args.verb}"' if args.verb else ""


def _usage(args: Args, message: str) -> KubectlError:
    path = f"kubectl {args.verb}" if args.verb in VERB_FLAGS else "kubectl"
    return KubectlError(f"error: {message}\nSee '{path} --help' for usage.")
