"""Console blocks: ``$ `` commands, ``> `` continuation lines, expected output below."""

from __future__ import annotations

from dataclasses import dataclass

PROMPT = "$ "
CONTINUATION = "> "


class ConsoleSyntaxError(ValueError):
    """The block does not follow the console transcript format; carries a body line offset."""

    def __init__(self, offset: int, message: str) -> None:
        super().__init__(message)
        self.offset = offset


@dataclass(frozen=True)
class Command:
    """One command of a transcript; ``offset`` is its line index inside the block body."""

    offset: int
    source: str
    expected: tuple[str, ...]

    @property
    def first_line(self) -> str:
        return self.source.splitlines()[0]


def parse_console(body: str) -> tuple[Command, ...]:
    """Split a console block body into commands with their expected output lines."""
    commands: list[Command] = []
    source: list[str] = []
    expected: list[str] = []
    offset = 0
    in_source = False
    for index, line in enumerate(body.splitlines()):
        if line.startswith(PROMPT) or line == PROMPT.rstrip():
            if source:
                commands.append(Command(offset, "\n".join(source), tuple(expected)))
            text = line[len(PROMPT) :]
            if not text.strip():
                raise ConsoleSyntaxError(index, "empty command after '$ '")
            source, expected, offset, in_source = [text], [], index, True
        elif in_source and (line.startswith(CONTINUATION) or line == CONTINUATION.rstrip()):
            source.append(line[len(CONTINUATION) :])
        elif not source:
            if line.strip():
                raise ConsoleSyntaxError(
                    index, f"console block must start with a '$ ' prompt, found {line!r}"
                )
        else:
            in_source = False
            expected.append(line)
    if source:
        commands.append(Command(offset, "\n".join(source), tuple(expected)))
    if not commands:
        raise ConsoleSyntaxError(0, "console block has no '$ ' command")
    return tuple(commands)


def render_console(commands: tuple[Command, ...], outputs: dict[int, list[str]]) -> str:
    """The block body again, with the expected output of the commands in ``outputs`` replaced."""
    lines: list[str] = []
    for command in commands:
        head, *rest = command.source.split("\n")
        lines.append(PROMPT + head)
        lines.extend(CONTINUATION + part for part in rest)
        lines.extend(outputs.get(command.offset, list(command.expected)))
    return "\n".join(lines) + "\n"
