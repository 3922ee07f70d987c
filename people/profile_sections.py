"""Sections that apps above `people` add to a person's 360 profile and summary (issue 7, item 8).

`people` may not import time tracking (STYLE.md: apps import downward only), yet the admin's 360 view shows
a person's time and day-offs. So the higher app registers a section here from its `AppConfig.ready()`, and
people.hr_profile calls every registered section without knowing what it reads.

A section's callables must run a fixed number of queries whatever the person's history (the 360 routes'
query count is asserted), and return JSON-able data (dates as ISO strings).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ProfileWindow:
    """What the 360 profile asks each section for: rows within [start, end] (days, both included; None: open
    on that side), newest first, at most `limit` of them."""

    start: dt.date | None
    end: dt.date | None
    limit: int


@dataclass(frozen=True)
class ProfileSection:
    name: str  # its key under "sections" in both answers
    profile: Callable[[Any, ProfileWindow], Any]  # (person, window) -> the 360 profile's part
    summary: Callable[[Any], Any]  # (person) -> the summary's part
    # JSON schemas of the two parts, for the OpenAPI document.
    profile_schema: dict
    summary_schema: dict


_SECTIONS: dict[str, ProfileSection] = {}


def register_profile_section(section: ProfileSection) -> None:
    """Add a section. The same name twice with another definition is a programming error."""
    existing = _SECTIONS.get(section.name)
    if existing is not None and existing != section:
        raise ValueError(f"Profile section {section.name!r} is registered twice")
    _SECTIONS[section.name] = section


def profile_sections() -> list[ProfileSection]:
    """Every registered section, by name (a stable key order in the answers)."""
    return [_SECTIONS[name] for name in sorted(_SECTIONS)]
