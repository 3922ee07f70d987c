"""The app order is law (STYLE.md): audit, notifications <- departments <- people <- timetracking <- quotas.
An app imports only apps below it; `config` (shared plumbing) imports no app except where it wires them."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = {"audit": 0, "notifications": 0, "departments": 1, "people": 2, "timetracking": 3, "quotas": 4}
# config wires the apps together in these modules only; everything else in config is below every app.
CONFIG_WIRING = {"config/urls.py", "config/settings/base.py", "config/settings/test.py"}


def imported_modules(source: str) -> set[str]:
    """Top-level package names imported anywhere in a module, at module level or inside functions."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def upward_imports(package: str) -> list[str]:
    """`file: imported app` for every import of an app at the same or a higher layer than `package`'s own
    (same layer: notifications and audit know nothing of each other)."""
    violations = []
    for path in sorted((ROOT / package).rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if package == "config":
            if relative in CONFIG_WIRING:
                continue
            forbidden = set(LAYERS)
        else:
            level = LAYERS[package]
            forbidden = {app for app, app_level in LAYERS.items() if app_level >= level and app != package}
        violations.extend(f"{relative}: imports {name}"
                          for name in sorted(imported_modules(path.read_text()) & forbidden))
    return violations


@pytest.mark.parametrize("package", ["config", *[app for app in LAYERS if (ROOT / app).is_dir()]])
def test_no_app_imports_upward(package):
    assert upward_imports(package) == []


def test_the_scan_sees_imports_in_functions_and_from_forms():
    source = "import people.models\nfrom departments import x\ndef f():\n    from quotas.y import z\n"
    assert imported_modules(source) == {"people", "departments", "quotas"}


def test_the_scan_finds_an_upward_import(tmp_path, monkeypatch):
    app = tmp_path / "departments"
    app.mkdir()
    (app / "leak.py").write_text("def f():\n    from people.models import Person\n")
    monkeypatch.setattr("tests.test_app_layers.ROOT", tmp_path)
    assert upward_imports("departments") == ["departments/leak.py: imports people"]
