"""communities is the base app: nothing under it may import from the apps built on it.

Read with the AST so imports inside functions count too (they hide a dependency just as
well as a top-level one), and so do ``import_module("…")`` / ``apps.get_model("…")`` calls
that name another app in a string.
"""

from __future__ import annotations

import ast
from pathlib import Path

from django.apps import apps
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
COMMUNITIES = BASE_DIR / "communities"
# Beneath communities: the custom user. Every other project app is built on communities.
BELOW = {"accounts", "communities"}


def _project_apps() -> set[str]:
    return {
        config.name.split(".")[0]
        for config in apps.get_app_configs()
        if Path(config.path).resolve().parent == BASE_DIR.resolve()
    }


def upward_imports(source: str, forbidden: set[str]) -> list[tuple[int, str]]:
    """(line, module) for every import of a forbidden top-level package in ``source``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            called = getattr(func, "attr", None) or getattr(func, "id", None)
            first = node.args[0]
            if (
                called in ("import_module", "get_model", "__import__")
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
            ):
                names = [first.value]
        for name in names:
            if name.split(".")[0] in forbidden:
                found.append((node.lineno, name))
    return found


def test_the_project_apps_are_known():
    """The check below only means something if it knows which apps sit above."""
    above = _project_apps() - BELOW
    assert {"governance", "deliberation", "volunteers", "casework", "notifications"} <= above
    assert "portal" in above


def test_communities_imports_nothing_from_the_apps_above_it():
    forbidden = _project_apps() - BELOW
    offenders = []
    for path in sorted(COMMUNITIES.rglob("*.py")):
        for line, module in upward_imports(path.read_text(encoding="utf-8"), forbidden):
            offenders.append(f"{path.relative_to(BASE_DIR)}:{line} imports {module}")
    assert offenders == []


def test_the_check_sees_imports_inside_functions_and_by_name():
    source = """
import volunteers
from casework.selectors import office_summary
from . import models
from communities.models import Resident


def page():
    from deliberation.models import Ballot
    import governance.models as g
    return apps.get_model("notifications.Notification"), import_module("portal.views")
"""
    found = upward_imports(
        source, {"volunteers", "casework", "deliberation", "governance", "notifications", "portal"}
    )
    assert [module for _, module in found] == [
        "volunteers",
        "casework.selectors",
        "deliberation.models",
        "governance.models",
        "notifications.Notification",
        "portal.views",
    ]
