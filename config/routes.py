"""The served routes, read from the URL resolver: for the permission check at start-up and the meta-tests."""

from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

SKIPPED_METHODS = frozenset({"options", "head"})


@dataclass(frozen=True)
class Route:
    pattern: str
    name: str | None
    view_class: type | None
    method: str  # lowercase
    action: str | None  # the viewset action the method maps to; None for plain views


def iter_patterns(patterns=None, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from iter_patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def view_class_of(pattern: URLPattern) -> type | None:
    callback = pattern.callback
    return getattr(callback, "cls", None) or getattr(callback, "view_class", None)


def routes_of(route: str, pattern: URLPattern) -> list[Route]:
    """One Route per HTTP method the pattern serves (OPTIONS and HEAD aside: they follow GET and metadata)."""
    view_class = view_class_of(pattern)
    actions = getattr(pattern.callback, "actions", None)
    if actions:  # a ViewSet: the method -> action mapping given to `as_view`
        return [Route(route, pattern.name, view_class, method.lower(), action)
                for method, action in actions.items() if method.lower() not in SKIPPED_METHODS]
    if view_class is None:
        return [Route(route, pattern.name, None, "?", None)]
    return [Route(route, pattern.name, view_class, method, None)
            for method in view_class.http_method_names
            if method not in SKIPPED_METHODS and hasattr(view_class, method)]


def api_routes() -> list[Route]:
    """Every method of every URL pattern served under /api/."""
    return [
        served
        for route, pattern in iter_patterns()
        if route.lstrip("^").startswith("api")
        for served in routes_of(route, pattern)
    ]
