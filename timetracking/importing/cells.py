"""Reading the files: each cell parsed and checked, a bad one named by file, line and column; the checks
across lines of a file (unique keys, references)."""

import csv
import datetime as dt
import functools
import math
import operator
import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from timetracking.importing.base import Context, fail


class CellError(ValueError):
    pass


def parse_uuid(raw: str) -> uuid.UUID:
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise CellError(f"not a UUID: {raw!r}") from None


# References repeat (a person's id is on each of their time spent rows): parsed once each.
parse_reference = functools.lru_cache(maxsize=1 << 16)(parse_uuid)


def parse_bool(raw: str) -> bool:
    lowered = raw.lower()
    if lowered == "true":
        return True
    if lowered == "false":
        return False
    raise CellError(f"must be True or False, not {raw!r}")


def parse_int(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise CellError(f"not a whole number: {raw!r}") from None
    if not -(2**31) <= value < 2**31:  # the integer columns are 32-bit
        raise CellError(f"out of range: {raw!r}")
    return value


def parse_float(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise CellError(f"not a number: {raw!r}") from None
    if not math.isfinite(value):
        raise CellError(f"not a finite number: {raw!r}")
    return value


def parse_date(raw: str) -> dt.date:
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise CellError(f"not a date (YYYY-MM-DD): {raw!r}") from None


def parse_datetime(raw: str) -> dt.datetime:
    """ISO date-time, UTC unless it carries an offset; a bare date is its midnight, UTC."""
    try:
        value = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise CellError(f"not a date-time (ISO 8601): {raw!r}") from None
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def positive(parse: Callable[[str], float]) -> Callable[[str], float]:
    def check(raw: str):
        value = parse(raw)
        if value <= 0:
            raise CellError("must be > 0")
        return value
    return check


def not_negative(parse: Callable[[str], float]) -> Callable[[str], float]:
    def check(raw: str):
        value = parse(raw)
        if value < 0:
            raise CellError("must be >= 0")
        return value
    return check


def choice(values: Iterable[str]) -> Callable[[str], str]:
    allowed = tuple(values)

    def check(raw: str) -> str:
        if raw not in allowed:
            raise CellError(f"{raw!r} is not one of {', '.join(allowed)}")
        return raw
    return check


def text(max_length: int) -> Callable[[str], str]:
    def check(raw: str) -> str:
        if len(raw) > max_length:
            raise CellError(f"longer than {max_length} characters")
        return raw
    return check


def normalized(normalize: Callable[[str], Any]) -> Callable[[str], Any]:
    """A people validator (email, country, timezone, locale) as a cell parser."""
    def check(raw: str):
        try:
            return normalize(raw)
        except ValidationError as exc:
            raise CellError(exc.messages[0]) from None
    return check


COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")


def color(raw: str) -> str:
    if not COLOR.match(raw):
        raise CellError(f"not a color #RRGGBB: {raw!r}")
    return raw


@dataclass(frozen=True)
class Column:
    name: str
    parse: Callable[[str], Any] = str
    required: bool = False
    empty: Any = None  # the value of an empty cell (or of a column the file leaves out)


@dataclass
class Row:
    line: int
    values: dict[str, Any]

    def __getitem__(self, key):
        return self.values[key]



def read_rows(ctx: Context, name: str, columns: list[Column]) -> list[Row]:
    """Every row of a file, its cells parsed; the first bad cell aborts with its line and column."""
    rows = []
    with open(ctx.path(name), newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        try:
            header = [cell.strip() for cell in next(reader)]
        except StopIteration:
            return []
        except (UnicodeDecodeError, csv.Error) as exc:
            raise fail(name, 1, None, f"unreadable: {exc}") from None
        positions = {column: index for index, column in reversed(list(enumerate(header)))}
        for column in columns:
            if column.required and column.name not in positions:
                raise fail(name, 1, column.name, "missing from the header")
        layout = [(column, positions.get(column.name)) for column in columns]
        try:
            for cells in reader:
                if not any(cell.strip() for cell in cells):
                    continue  # a blank line
                line = reader.line_num
                values = {}
                for column, position in layout:
                    raw = cells[position].strip() if position is not None and position < len(cells) else ""
                    if raw == "":
                        if column.required:
                            raise fail(name, line, column.name, "is required")
                        values[column.name] = column.empty
                        continue
                    try:
                        values[column.name] = column.parse(raw)
                    except CellError as exc:
                        raise fail(name, line, column.name, str(exc)) from None
                rows.append(Row(line, values))
        except (UnicodeDecodeError, csv.Error) as exc:
            raise fail(name, reader.line_num, None, f"unreadable: {exc}") from None
    return rows


def unique_in_file(name: str, rows: list[Row], keys: tuple[str, ...], *, column: str | None = None,
                   message: str = "duplicate", casefold: bool = False) -> None:
    """No two lines share `keys` (a NULL part never clashes, as in a unique index)."""
    seen: dict[tuple, int] = {}
    key_of = operator.itemgetter(*keys)
    for row in rows:
        key = key_of(row.values)
        if not isinstance(key, tuple):
            key = (key,)
        if None in key:
            continue
        if casefold:
            key = tuple(part.lower() if isinstance(part, str) else part for part in key)
        first = seen.setdefault(key, row.line)
        if first != row.line:
            raise fail(name, row.line, column or keys[0], f"{message} (line {first})")


def check_references(name: str, rows: list[Row], column: str, known: set, what: str) -> None:
    for row in rows:
        value = row[column]
        if value is not None and value not in known:
            raise fail(name, row.line, column, f"no {what} with the id {value}")


def ids_of(model: type[models.Model], **filters) -> set:
    return set(model.objects.filter(**filters).values_list("pk", flat=True))


