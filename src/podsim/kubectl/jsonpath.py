"""kubectl's JSONPath templates (client-go util/jsonpath), the subset runbooks use.

Supported: text, `{.a.b}`, `{.a['b.c']}`, `{.a\\.b}`, `[n]`, `[-n]`, `[a:b]`, `[*]`,
`[?(@.k=="v")]`, `{range ...}...{end}`, string literals `{"\\n"}`. Missing keys print
nothing (kubectl's default --allow-missing-template-keys=true). Scalars print as text,
maps and lists as compact JSON; several results are joined with one space.
"""

import json
import re
from typing import Any

from podsim.kubectl.errors import KubectlError

_TOKEN = re.compile(r"\{((?:[^{}\"]|\"(?:[^\"\\]|\\.)*\")*)\}")


class JsonPathError(Exception):
    pass


def render(template: str, obj: Any) -> str:
    """Execute the template; raise KubectlError with kubectl's exact wording on failure."""
    nodes = _parse(template)
    try:
        return "".join(_execute(nodes, obj))
    except JsonPathError as error:
        raise KubectlError(
            f'error: error executing jsonpath "{_go_quote_body(template)}": Error executing '
            f"template: {error}. Printing more information for debugging the template:\n"
            f"\ttemplate was:\n\t\t{template}\n\tobject given to jsonpath engine was:\n"
            f"\t\t{go_value(obj)}\n\n\n"
        ) from None


Node = tuple[str, Any]  # ("text", str) | ("path", [steps]) | ("range", ([steps], [nodes]))


def _parse(template: str) -> list[Node]:
    out: list[Node] = []
    stack: list[tuple[list[str], list[Node]]] = []
    pos = 0
    for m in _TOKEN.finditer(template):
        if m.start() > pos:
            out.append(("text", template[pos:m.start()]))
        pos = m.end()
        body = m.group(1).strip()
        if body.startswith('"') and body.endswith('"') and len(body) >= 2:
            out.append(("text", json.loads(body)))
        elif body.startswith("range "):
            stack.append((_steps(body[6:].strip(), template), out))
            out = []
        elif body == "end":
            if not stack:
                raise _parse_error(template, "not in range, nothing to end")
            steps, parent = stack.pop()
            parent.append(("range", (steps, out)))
            out = parent
        else:
            out.append(("path", _steps(body, template)))
    rest = template[pos:]
    if "{" in rest:
        raise _parse_error(template, "unclosed action")
    if rest:
        out.append(("text", rest))
    if stack:
        raise _parse_error(template, "unclosed range")
    return out


def _parse_error(template: str, why: str) -> KubectlError:
    return KubectlError(f"error: error parsing jsonpath {template}, {why}")


_STEP = re.compile(r"\.\.|\.((?:[^.\[\\]|\\.)+)|\[([^\]]*)\]|@|\$")


def _steps(path: str, template: str) -> list[str]:
    steps, pos = [], 0
    while pos < len(path):
        m = _STEP.match(path, pos)
        if m is None:
            raise _parse_error(template, f"unrecognized character in action: {path[pos]!r}")
        if m.group(0) == "..":
            raise KubectlError("error: podsim kubectl does not simulate recursive descent (..) "
                               "in jsonpath")
        if m.group(1) is not None:
            steps.append("." + m.group(1).replace("\\.", "."))
        elif m.group(2) is not None:
            steps.append("[" + m.group(2))
        pos = m.end()
    return steps


def _execute(nodes: list[Node], obj: Any) -> list[str]:
    out: list[str] = []
    for kind, value in nodes:
        if kind == "text":
            out.append(value)
        elif kind == "path":
            out.append(_print(_walk(value, [obj])))
        else:
            steps, body = value
            for item in _walk(steps, [obj]):
                out.extend(_execute(body, item))
    return out


def _walk(steps: list[str], values: list[Any]) -> list[Any]:
    for step in steps:
        values = [r for v in values for r in _step(step, v)]
    return values


def _step(step: str, value: Any) -> list[Any]:
    if step.startswith("."):
        return [value[step[1:]]] if isinstance(value, dict) and step[1:] in value else []
    inner = step[1:].strip()
    if inner.startswith("'") and inner.endswith("'"):
        return _step("." + inner[1:-1], value)
    if not isinstance(value, list):
        return []
    if inner.startswith("?(") and inner.endswith(")"):
        return [item for item in value if _filter(inner[2:-1], item)]
    if inner == "*":
        return list(value)
    return _index(inner, value)


def _index(inner: str, value: list[Any]) -> list[Any]:
    length = len(value)
    parts = inner.split(":")
    try:
        numbers = [int(p) if p.strip() else None for p in parts]
    except ValueError:
        raise JsonPathError(f"invalid array index {inner}") from None
    start = numbers[0] or 0
    if len(numbers) == 1:
        end = start + 1 if start >= 0 else start + 1 + length
    else:
        end = numbers[1] if numbers[1] is not None else length
        end = end + length if end < 0 else end
    start = start + length if start < 0 else start
    if start == end:
        return []
    if start >= length or start < 0:
        raise JsonPathError(f"array index out of bounds: index {start}, length {length}")
    if end > length or end < 0:
        raise JsonPathError(f"array index out of bounds: index {end - 1}, length {length}")
    if start > end:
        raise JsonPathError(f"starting index {start} is greater than ending index {end}")
    return value[start:end]


def _filter(expr: str, item: Any) -> bool:
    m = re.fullmatch(r"\s*@((?:\.[\w.-]+)*)\s*(==|!=|<=|>=|<|>)?\s*(.*?)\s*", expr)
    if m is None:
        raise JsonPathError(f"unrecognized filter {expr}")
    found = _walk(_steps(m.group(1), expr), [item]) if m.group(1) else [item]
    if not m.group(2):
        return bool(found)
    raw = m.group(3)
    want: Any = raw[1:-1] if raw[:1] in "'\"" and raw else json.loads(raw or "null")
    ops = {"==": lambda a, b: a == b, "!=": lambda a, b: a != b, "<": lambda a, b: a < b,
           ">": lambda a, b: a > b, "<=": lambda a, b: a <= b, ">=": lambda a, b: a >= b}
    return any(ops[m.group(2)](f, want) for f in found) if found else False


def _print(results: list[Any]) -> str:
    return " ".join(_text(r) for r in results)


def _text(value: Any) -> str:
    if isinstance(value, dict | list):
        text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "<nil>"
    return str(value)


def go_value(value: Any) -> str:
    """Go's %#v of a decoded JSON value (map keys sorted), as kubectl's debug dump shows it."""
    if isinstance(value, dict):
        inner = ", ".join(f"{_go_string(k)}:{go_value(v)}" for k, v in sorted(value.items()))
        return f"map[string]interface {{}}{{{inner}}}"
    if isinstance(value, list):
        return "[]interface {}{" + ", ".join(go_value(v) for v in value) + "}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "interface {}(nil)"
    if isinstance(value, int):
        return f"{value}"
    if isinstance(value, float):
        return repr(value)
    return _go_string(str(value))


def _go_string(text: str) -> str:
    return '"' + _go_quote_body(text) + '"'


def _go_quote_body(text: str) -> str:
    escaped = json.dumps(text, ensure_ascii=False)[1:-1]
    return escaped.replace("\\/", "/")
