"""unfold ships a compiled Tailwind stylesheet holding only the classes its own templates use; the project does
not rebuild it. A class our admin templates use that is not in it does nothing, silently: this test says so.
Classes named `roster-...` are hooks for tests and scripts, not styles."""

import re
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders

TEMPLATE_TAGS = re.compile(r"{%.*?%}|{{.*?}}", re.DOTALL)


def used_classes() -> dict[str, set[str]]:
    """class -> the templates (under templates/admin and templates/unfold) using it."""
    used: dict[str, set[str]] = {}
    root = Path(settings.BASE_DIR) / "templates"
    for folder in ("admin", "unfold"):
        for path in (root / folder).rglob("*.html"):
            for attribute in re.findall(r'class="([^"]*)"', path.read_text()):
                for name in TEMPLATE_TAGS.sub(" ", attribute).split():
                    used.setdefault(name, set()).add(str(path.relative_to(root)))
    return used


def defined_in(stylesheet: str, name: str) -> bool:
    selector = "." + re.sub(r"([^A-Za-z0-9_-])", r"\\\1", name)
    return re.search(re.escape(selector) + r"[\s{:,.>)\[]", stylesheet) is not None


def test_admin_templates_use_only_classes_unfold_styles():
    stylesheet = Path(finders.find("unfold/css/styles.css")).read_text()
    used = used_classes()
    assert {"grid", "lg:grid-cols-3", "dark:bg-base-800"} <= set(used)  # the scan reads our templates
    missing = {name: sorted(paths) for name, paths in used.items()
               if not name.startswith("roster-") and not defined_in(stylesheet, name)}
    assert missing == {}


def test_the_check_tells_a_defined_class_from_an_unknown_one():
    stylesheet = Path(finders.find("unfold/css/styles.css")).read_text()
    assert defined_in(stylesheet, "lg:grid-cols-2") and defined_in(stylesheet, "text-primary-600")
    assert not defined_in(stylesheet, "break-all") and not defined_in(stylesheet, "lg:grid-cols-99")
