"""The house (docs/architecture.md): the apps stand in an order and imports only go down.

This test reads the import graph of the project's own modules (AST, nothing imported or
run) and fails on
- an import from a lower app into a higher one,
- any import circle between modules,
- an import of a project module inside a function, unless it is listed below with why
  (Django's `AppConfig.ready()` is allowed: that is where apps register their slots),
- `__import__` or an `except ImportError` around the project's own apps (always installed),
- a module over 600 lines (migrations aside).

Each allowlist names a known exception and why; an entry that no longer applies fails too,
so the lists only shrink.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Bottom to top.
ORDER = (
    "familjelotsen",
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
    "sysadmin",
)
MAX_LINES = 600

# (importing module, imported app) -> why a lower module may read a higher app.
UPWARD_ALLOWED = {
    ("familjelotsen.access", "cases"): "the access policy guards every app's records",
    ("familjelotsen.access", "consent"): "shares rest on consents",
    ("familjelotsen.access", "sip"): "SIP participants are a source of shares",
    ("familjelotsen.access", "network"): "network participants are a source of shares",
    ("familjelotsen.access", "reporting"): "reports are aggregates: who may read them",
    ("familjelotsen.access", "evaluation"): "who reads a family's follow-up questionnaires",
    ("privacy.register_extract", "evaluation"): (
        "a person's register extract holds the family's follow-up answers too (GDPR art. 15)"
    ),
    ("privacy.register_extract", "courses"): (
        "a person's register extract holds the courses they took part in (GDPR art. 15)"
    ),
    ("privacy.register_extract", "referrals"): (
        "a person's register extract holds the request that became their case (GDPR art. 15)"
    ),
    ("familjelotsen.access", "consultations"): "who reads the team's consultations",
    ("familjelotsen.access", "courses"): "who runs courses and names their participants",
    ("familjelotsen.access", "referrals"): "who reads and decides a request to the team",
    ("evaluation.figures", "reporting"): (
        "the evaluation's report figures are built as reporting's tables, and reporting's "
        "registry computes them with the others"
    ),
}
# Modules whose function-level imports of project modules are known, with why.
FUNCTION_IMPORTS_ALLOWED: dict[str, str] = {}
# Modules over MAX_LINES still to be split (issue 15), with their current size as a ceiling.
OVERSIZE_ALLOWED: dict[str, int] = {}


def _modules() -> dict[str, Path]:
    modules = {}
    for app in ORDER:
        base = ROOT / app
        if not base.exists():
            continue
        for path in sorted(base.rglob("*.py")):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            modules[name.removesuffix(".__init__")] = path
    return modules


MODULES = _modules()


def _resolve(name: str) -> str | None:
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _app(module: str) -> str:
    return module.split(".")[0]


def _group(module: str) -> str:
    """The unit the upward rule speaks of: the access package counts as one."""
    return "familjelotsen.access" if module.startswith("familjelotsen.access") else module


class _Imports(ast.NodeVisitor):
    def __init__(self, module: str, path: Path):
        self.module = module
        self.package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        self.function: list[str] = []
        self.edges: list[tuple[str, int, bool, str]] = []  # (target, line, in function, fn)
        self.dynamic: list[tuple[int, str]] = []

    def _targets(self, node) -> list[str]:
        if isinstance(node, ast.Import):
            return [alias.name for alias in node.names]
        base = node.module or ""
        if node.level:
            package = self.package
            for _ in range(node.level - 1):
                package = package.rpartition(".")[0]
            base = f"{package}.{base}" if base else package
        return [base] + [f"{base}.{alias.name}" for alias in node.names]

    def _visit_import(self, node):
        for target in self._targets(node):
            resolved = _resolve(target)
            if resolved and resolved != self.module:
                fn = self.function[-1] if self.function else ""
                self.edges.append((resolved, node.lineno, bool(self.function), fn))

    visit_Import = _visit_import
    visit_ImportFrom = _visit_import

    def _visit_function(self, node):
        self.function.append(node.name)
        self.generic_visit(node)
        self.function.pop()

    visit_FunctionDef = _visit_function
    visit_AsyncFunctionDef = _visit_function

    def visit_If(self, node):
        # `if TYPE_CHECKING:` imports are for the type checker only.
        if "TYPE_CHECKING" not in ast.unparse(node.test):
            self.generic_visit(node)

    def visit_Call(self, node):
        if isinstance(node.func, ast.Name) and node.func.id == "__import__":
            self.dynamic.append((node.lineno, "__import__"))
        self.generic_visit(node)

    def visit_Try(self, node):
        caught = {
            ast.unparse(handler.type) for handler in node.handlers if handler.type is not None
        }
        if any("ImportError" in c or "ModuleNotFoundError" in c for c in caught):
            names = [n for s in node.body for n in ast.walk(s) if isinstance(n, ast.ImportFrom)]
            if any(_resolve(n.module or "") for n in names):
                self.dynamic.append((node.lineno, "except ImportError"))
        self.generic_visit(node)


def _graph():
    edges: dict[str, list[tuple[str, int, bool, str]]] = {}
    dynamic: dict[str, list[tuple[int, str]]] = {}
    for module, path in MODULES.items():
        visitor = _Imports(module, path)
        visitor.visit(ast.parse(path.read_text(), filename=str(path)))
        edges[module] = visitor.edges
        dynamic[module] = visitor.dynamic
    return edges, dynamic


EDGES, DYNAMIC = _graph()


def test_imports_only_go_down_the_app_order():
    rank = {app: i for i, app in enumerate(ORDER)}
    found = defaultdict(list)
    for module, edges in EDGES.items():
        for target, line, _in_function, _fn in edges:
            if rank[_app(target)] > rank[_app(module)]:
                found[(_group(module), _app(target))].append(f"{module}:{line} -> {target}")
    unexpected = {k: v for k, v in found.items() if k not in UPWARD_ALLOWED}
    assert not unexpected, "Imports that run up the app order:\n" + "\n".join(
        line for lines in unexpected.values() for line in lines
    )
    stale = set(UPWARD_ALLOWED) - set(found)
    assert not stale, f"Allowed upward imports that no longer exist (remove them): {stale}"


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    counter = 0
    for root in edges:
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def test_no_import_circles():
    # A package's __init__ re-exporting its own modules is not a circle of the house.
    edges = {
        module: {target for target, *_ in targets if not target.startswith(module + ".")}
        for module, targets in EDGES.items()
    }
    assert not _cycles(edges), f"Import circles: {_cycles(edges)}"


def test_project_imports_inside_functions_are_only_in_app_ready_or_listed():
    found = defaultdict(list)
    for module, edges in EDGES.items():
        for target, line, in_function, fn in edges:
            if in_function and fn != "ready":
                found[module].append(f"{module}:{line} -> {target}")
    unexpected = {m: v for m, v in found.items() if m not in FUNCTION_IMPORTS_ALLOWED}
    assert not unexpected, "Project imports inside functions:\n" + "\n".join(
        line for lines in unexpected.values() for line in lines
    )
    stale = set(FUNCTION_IMPORTS_ALLOWED) - set(found)
    assert not stale, f"Listed function imports that no longer exist (remove them): {stale}"


def test_no_dynamic_imports_of_the_projects_own_apps():
    found = [f"{m}:{line} {kind}" for m, rows in DYNAMIC.items() for line, kind in rows]
    assert not found, "The project's apps are always installed: " + ", ".join(found)


def test_no_module_is_over_600_lines():
    sizes = {m: len(p.read_text().splitlines()) for m, p in MODULES.items()}
    too_long = {m: n for m, n in sizes.items() if n > MAX_LINES and n > OVERSIZE_ALLOWED.get(m, 0)}
    assert not too_long, f"Modules over {MAX_LINES} lines: {too_long}"
    stale = {m for m in OVERSIZE_ALLOWED if sizes.get(m, 0) <= MAX_LINES}
    assert not stale, f"Modules now short enough (remove them from OVERSIZE_ALLOWED): {stale}"
