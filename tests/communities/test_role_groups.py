"""The groups of community roles are named once, next to the role choices."""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

from communities.models import CommunityRole

R = CommunityRole.Role
BASE_DIR = Path(settings.BASE_DIR)
ROLE_VALUES = set(R.values)
SKIP = {".venv", "tests", "migrations", "node_modules", "static", "staticfiles", "var"}


def test_the_groups_hold_the_roles_the_rules_describe():
    assert {"secretary", "deputy_secretary", "worker"} == CommunityRole.OFFICE_ROLES
    assert {"secretary", "deputy_secretary"} == CommunityRole.SECRETARY_ROLES
    assert CommunityRole.OFFICE_ROLES | {"property_manager"} == CommunityRole.HANDLER_ROLES
    assert CommunityRole.SECRETARY_ROLES < CommunityRole.OFFICE_ROLES
    assert all(isinstance(role, R) for role in CommunityRole.HANDLER_ROLES)


def role_literal_groups(source: str) -> list[int]:
    """Lines of set, list or tuple literals that spell out two or more role codes, and of
    sets of role codes joined onto another group."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Set | ast.List | ast.Tuple):
            codes = {
                element.value
                for element in node.elts
                if isinstance(element, ast.Constant) and element.value in ROLE_VALUES
            }
            if len(codes) >= 2:
                lines.append(node.lineno)
        # A group built on the spot: ``OFFICE_ROLES | {"property_manager"}``.
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            for side in (node.left, node.right):
                if isinstance(side, ast.Set) and any(
                    isinstance(e, ast.Constant) and e.value in ROLE_VALUES for e in side.elts
                ):
                    lines.append(node.lineno)
    return lines


def test_no_module_spells_out_a_group_of_roles_itself():
    found = []
    for path in sorted(BASE_DIR.rglob("*.py")):
        relative = path.relative_to(BASE_DIR)
        if SKIP & set(relative.parts):
            continue
        for line in role_literal_groups(path.read_text(encoding="utf-8")):
            found.append(f"{relative}:{line}")
    assert found == []


def test_the_check_sees_sets_lists_and_tuples_of_role_codes():
    source = (
        'A = {"secretary", "worker"}\n'
        'B = ["secretary", "deputy_secretary"]\n'
        'C = OFFICE | {"property_manager"}\n'
        'D = ("worker", "casework")\n'
    )
    assert role_literal_groups(source) == [1, 2, 3]
