"""Text layout as kubectl does it: Go's text/tabwriter, and kubectl's time formats."""

import math
from datetime import datetime

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def tabwrite(text: str, minwidth: int, padding: int) -> str:
    """Go text/tabwriter with padchar ' ' and no flags: tab-terminated cells become columns.

    A column block is a run of consecutive lines that all have a cell in that column; its
    width is the widest cell + padding (at least minwidth). Text after a line's last tab is
    not part of any column and is never padded.
    """
    lines = [line.split("\t") for line in text.split("\n")]
    out: list[str] = []
    _format(lines, 0, len(lines), [], minwidth, padding, out)
    return "\n".join(out)


def _format(
    lines: list[list[str]], start: int, end: int, widths: list[int],
    minwidth: int, padding: int, out: list[str],
) -> None:
    column = len(widths)
    done = start
    row = start
    while row < end:
        if column >= len(lines[row]) - 1:
            row += 1
            continue
        _emit(lines, done, row, widths, out)
        block = row
        width = minwidth
        while row < end and column < len(lines[row]) - 1:
            width = max(width, len(lines[row][column]) + padding)
            row += 1
        _format(lines, block, row, [*widths, width], minwidth, padding, out)
        done = row
    _emit(lines, done, end, widths, out)


def _emit(lines: list[list[str]], start: int, end: int, widths: list[int], out: list[str]) -> None:
    for cells in lines[start:end]:
        text = "".join(
            cell.ljust(widths[j]) if j < len(widths) else cell for j, cell in enumerate(cells)
        )
        out.append(text)


def table(rows: list[list[str]], trailing_tab: bool = False) -> str:
    """`kubectl get` (and with trailing_tab, `kubectl top`) table layout; '' for no rows."""
    if len(rows) <= 1:
        return ""
    end = "\t" if trailing_tab else ""
    text = "\n".join("\t".join(row) + end for row in rows)
    return tabwrite(text, minwidth=6, padding=3) + "\n"


def human_duration(seconds: float) -> str:
    """apimachinery's HumanDuration: the AGE column and the '(2m ago)' of RESTARTS."""
    s = math.floor(seconds)
    if s < -1:
        return "<invalid>"
    if s < 0:
        return "0s"
    if s < 120:
        return f"{s}s"
    minutes, hours, days = s // 60, s // 3600, s // 86400
    if minutes < 10:
        return _pair(minutes, "m", s % 60, "s")
    if hours < 3:
        return f"{minutes}m"
    if hours < 8:
        return _pair(hours, "h", minutes % 60, "m")
    if hours < 48:
        return f"{hours}h"
    if hours < 192:
        return _pair(days, "d", hours % 24, "h")
    years = days // 365
    if years < 2:
        return f"{days}d"
    if years < 8:
        return _pair(years, "y", days % 365, "d")
    return f"{years}y"


def _pair(big: int, big_unit: str, small: int, small_unit: str) -> str:
    return f"{big}{big_unit}" if small == 0 else f"{big}{big_unit}{small}{small_unit}"


def go_duration(seconds: float) -> str:
    """Go's time.Duration.String() for non-negative durations (e.g. `1h2m3.5s`)."""
    if seconds == 0:
        return "0s"
    if seconds < 1:
        return f"{_trim(seconds * 1000)}ms"
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{_trim(secs)}s"
    if hours:
        return f"{int(hours)}h{int(minutes)}m{text}"
    return f"{int(minutes)}m{text}" if minutes else text


def _trim(value: float) -> str:
    return f"{value:.9f}".rstrip("0").rstrip(".")


def rfc3339(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def rfc1123z(moment: datetime) -> str:
    """Go's RFC1123Z in the client's local time zone, as `kubectl describe` prints times."""
    local = moment.astimezone()
    offset = local.strftime("%z") or "+0000"
    return (
        f"{_DAYS[local.weekday()]}, {local.day:02d} {_MONTHS[local.month - 1]} {local.year} "
        f"{local.hour:02d}:{local.minute:02d}:{local.second:02d} {offset}"
    )
