"""No access decision outside the access package (issue 14, finding 6).

Only `familjelotsen/access/` compares roles, access bases or `access_basis` to decide who sees
or does what; views, selectors, services, forms and templates ask it (`get_for_user`,
`visible`, a record's `.can`, the role gates it names). This test reads the source and fails
on a module or template that decides again: a comparison (`==`, `!=`, `in`, `not in`) or a
query filter against a role or a basis, or a template that tests a role or a basis.

The allowlist is short and says why: navigation that lists each role's home pages.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from familjelotsen.models import AccessLogEntry, User

ROOT = Path(__file__).resolve().parents[2]
APPS = (
    "cases",
    "consent",
    "sip",
    "network",
    "agenda",
    "privacy",
    "evaluation",
    "consultations",
    "courses",
    "referrals",
    "reporting",
    "familjelotsen",
)
ACCESS_PACKAGE = ROOT / "familjelotsen" / "access"

ROLE_VALUES = frozenset(User.Role.values)
BASIS_VALUES = frozenset(AccessLogEntry.Basis.values)
# Literal values that name nothing but a role or a basis ("share" or "duty" are also words).
DISTINCT_VALUES = ROLE_VALUES | {AccessLogEntry.Basis.CASE_TEAM, AccessLogEntry.Basis.TEAM_LEAD}
QUERY_METHODS = frozenset({"filter", "exclude", "get", "get_or_create", "Q"})
# Names that hold a role or an access basis.
ROLE_ATTRS = frozenset({"role", "access_basis", "basis"})
ENUM_NAMES = frozenset({"Role", "Basis"})

# (path relative to the root, why it may name roles)
ALLOWLIST = {
    "familjelotsen/context_processors.py": "the navigation: each role's home pages",
    "familjelotsen/views.py": "the start page sends each role to its home page",
    "familjelotsen/models.py": "defines the roles and that staff belong to an administration",
    "familjelotsen/management/commands/seed_demo.py": "creates the demo staff in their roles",
}


def _python_files():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if ACCESS_PACKAGE in path.parents or "migrations" in path.parts:
                continue
            yield path


def _names_role_or_basis(node: ast.AST) -> bool:
    """The expression is a role or a basis: `x.role`, `x.access_basis`, `Role.X`,
    `User.Role.X`, `Basis.X`, or a literal role or basis value (or a tuple of them)."""
    if isinstance(node, ast.Attribute):
        if node.attr in ROLE_ATTRS:
            return True
        value = node.value
        if isinstance(value, ast.Name) and value.id in ENUM_NAMES:
            return True
        if isinstance(value, ast.Attribute) and value.attr in ENUM_NAMES:
            return True
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value in DISTINCT_VALUES
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return any(_names_role_or_basis(e) for e in node.elts)
    return False


def _call_name(node: ast.Call) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _is_enum_member(node: ast.AST) -> bool:
    """`Role.X`, `User.Role.X`, `Basis.X`."""
    if not isinstance(node, ast.Attribute):
        return False
    value = node.value
    return (isinstance(value, ast.Name) and value.id in ENUM_NAMES) or (
        isinstance(value, ast.Attribute) and value.attr in ENUM_NAMES
    )


def _decisions(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            ops_decide = any(
                isinstance(op, ast.Eq | ast.NotEq | ast.In | ast.NotIn) for op in node.ops
            )
            sides = [node.left, *node.comparators]
            if ops_decide and any(_names_role_or_basis(side) for side in sides):
                found.append((node.lineno, ast.unparse(node)))
        elif isinstance(node, ast.Call) and _call_name(node) in QUERY_METHODS:
            # A query that selects by role or basis: `filter(role=Role.X)`, `Q(basis__in=…)`.
            for keyword in node.keywords:
                field = (keyword.arg or "").split("__")
                if field[-1] in ("in", "exact"):
                    field = field[:-1]
                if field and field[-1] in ROLE_ATTRS and _names_role_or_basis(keyword.value):
                    found.append((node.lineno, f"{keyword.arg}={ast.unparse(keyword.value)}"))
        elif isinstance(node, ast.Dict) and any(
            k is not None and _is_enum_member(k) for k in node.keys
        ):
            found.append((node.lineno, "a dict keyed by role or basis"))
    return found


def test_no_module_outside_the_access_package_decides_access():
    offenders = []
    for path in _python_files():
        rel = path.relative_to(ROOT).as_posix()
        if rel in ALLOWLIST:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=rel)
        offenders += [f"{rel}:{line}: {text}" for line, text in _decisions(tree)]
    assert not offenders, (
        "Access decided outside familjelotsen/access/ (ask the policy instead):\n"
        + "\n".join(offenders)
    )


TEMPLATE_TAG = re.compile(r"{%\s*(?:if|elif)\b(.*?)%}", re.S)
TEMPLATE_DECISION = re.compile(
    r"\buser\.role\b|\.access_basis\b|\.basis\b|['\"](?:"
    + "|".join(sorted(ROLE_VALUES | BASIS_VALUES))
    + r")['\"]"
)


def test_no_template_decides_access():
    """Templates read `can` (a record's Permissions) or flags the view computed with the
    policy; they never test a role or a basis."""
    offenders = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for match in TEMPLATE_TAG.finditer(text):
            if TEMPLATE_DECISION.search(match.group(1)):
                line = text.count("\n", 0, match.start()) + 1
                rel = path.relative_to(ROOT).as_posix()
                offenders.append(f"{rel}:{line}: {match.group(0).strip()}")
    assert not offenders, "A template decides access:\n" + "\n".join(offenders)


def test_the_scanner_finds_what_it_looks_for():
    """The checks above would catch the shapes the old code had (so they cannot pass by
    looking at nothing)."""
    samples = {
        "if obj.access_basis != Basis.CASE_TEAM: raise PermissionDenied": 1,
        "if request.user.role == User.Role.TEAM_LEAD: pass": 1,
        "allowed = user.role in ('team_lead', 'family_ombud')": 1,
        "qs = User.objects.filter(role=User.Role.FAMILY_OMBUD)": 1,
        "qs = Entry.objects.filter(basis__in=[Basis.SHARE])": 1,
        "NAV = {Role.TEAM_LEAD: []}": 1,
        "if can.oversee and family.status == 'open': pass": 0,
    }
    for source, expected in samples.items():
        assert len(_decisions(ast.parse(source))) == expected, source
    assert not _decisions(ast.parse("log_access(user=u, obj=o, basis=o.access_basis)"))
    assert TEMPLATE_DECISION.search(" user.role == 'team_lead' ")
    assert TEMPLATE_DECISION.search(" entry.basis == 'share' ")
    assert not TEMPLATE_DECISION.search(" share.withdrawn_at ")
    assert TEMPLATE_DECISION.search(" family.access_basis != 'case_team' ")
    assert not TEMPLATE_DECISION.search(" can.document and not family.closed ")
    assert len(list(_python_files())) > 40
