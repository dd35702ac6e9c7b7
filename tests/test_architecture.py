"""The core's import graph: no module imports itself back through others, and each subpackage imports
only those below it in crawler/__init__.py's order. Read from the source (every import, at the top of a
module or inside a function), so a cycle hidden in a late import is found too."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("crawler", "spiders", "pipelines")
# crawler/__init__.py's order: each may import the ones before it, never one after it.
LAYERS = (
    "crawler.items",
    "crawler.stats",
    "crawler.extract",
    "crawler.store",
    "crawler.fetch",
    "crawler.run",
    "pipelines",
    "crawler.sources",
    "crawler.commands",
    "crawler.desk",
    "spiders",
)
# Migrations are scripts Alembic runs, not modules anything imports.
SKIPPED = ("crawler.store.migrations.versions.",)


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    modules = {module_name(path): path for package in PACKAGES for path in (ROOT / package).rglob("*.py")}
    return {name: path for name, path in modules.items() if not name.startswith(SKIPPED)}


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The project modules this module imports («from crawler.store import search» imports crawler.store.search)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    [*package.split(".")[: len(package.split(".")) - node.level + 1], *filter(None, [base])]
                )
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]
        else:
            continue
        found.update(target for target in targets if target in modules and target != name)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = project_modules()
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One cycle of the graph as the modules along it, or [] when there is none."""
    state: dict[str, str] = {}
    trail: list[str] = []

    def visit(module: str) -> list[str]:
        state[module] = "open"
        trail.append(module)
        for imported in sorted(graph[module]):
            if state.get(imported) == "open":
                return [*trail[trail.index(imported) :], imported]
            if imported not in state and (cycle := visit(imported)):
                return cycle
        state[module] = "done"
        trail.pop()
        return []

    for module in sorted(graph):
        if module not in state and (cycle := visit(module)):
            return cycle
    return []


def layer_of(module: str) -> int | None:
    return next(
        (index for index, layer in enumerate(LAYERS) if module == layer or module.startswith(f"{layer}.")), None
    )


def test_the_import_graph_has_no_cycle():
    graph = import_graph()
    assert {"crawler.extract.article", "crawler.sources.spider", "crawler.fetch.browser"} <= set(graph)
    assert find_cycle(graph) == [], " → ".join(find_cycle(graph))


def test_each_subpackage_imports_only_those_below_it():
    graph = import_graph()
    assert [module for module in graph if module != "crawler" and layer_of(module) is None] == [], (
        "a new subpackage: give it its place in LAYERS and in crawler/__init__.py's list"
    )
    upward = [
        f"{module} imports {imported}"
        for module, imported_modules in sorted(graph.items())
        for imported in sorted(imported_modules)
        if layer_of(imported) > layer_of(module)
    ]
    assert upward == []


def test_the_product_imports_nothing_of_the_tests_or_benchmarks():
    """What only the tests and the benchmarks need (the throwaway PostgreSQL server, loopback sites) is
    not shipped: the product must run without it."""
    found = []
    for name, path in project_modules().items():
        for node in ast.walk(ast.parse(path.read_text())):
            modules = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom) and not node.level
                else []
            )
            found += [f"{name} imports {module}" for module in modules if module.split(".")[0] in ("tests", "bench")]
    assert found == []


@pytest.mark.parametrize(
    "graph, cycle",
    [
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, ["a", "b", "c", "a"]),
        ({"a": {"b"}, "b": set(), "c": {"c"}}, ["c", "c"]),
        ({"a": {"b", "c"}, "b": {"c"}, "c": set()}, []),
    ],
)
def test_find_cycle_finds_one_when_there_is_one(graph, cycle):
    assert find_cycle(graph) == cycle


def test_a_late_import_inside_a_function_counts(tmp_path):
    module = tmp_path / "late.py"
    module.write_text("def f():\n    from crawler.sources.spider import NewsSpider\n")
    assert imports_of("crawler.extract.late", module, project_modules()) == {"crawler.sources.spider"}


def test_every_subpackage_says_what_it_holds_and_may_import():
    for package in (ROOT / "crawler").iterdir():
        if (package / "__init__.py").exists():
            docstring = ast.get_docstring(ast.parse((package / "__init__.py").read_text())) or ""
            assert len(docstring.split()) >= 15, f"{package.name}/__init__.py says too little of itself"


def test_the_guides_sixth_source_costs_under_40_lines_and_is_a_whole_source():
    guide = (ROOT / "docs" / "adding-a-source.md").read_text()
    code = guide.split("```python\n", 1)[1].split("```", 1)[0]
    assert len(code.strip().splitlines()) < 40
    namespace: dict = {}
    exec(compile(code, "adding-a-source.md", "exec"), namespace)
    site = namespace["QazvinSpider"].describe()
    assert site.name == "qazvin" and site.is_article_url("https://www.qazvin.ir/%d8%a7%d8%ae%d8%a8%d8%a7%d8%b1/")
    # The family's selectors are tried after the site's own, and its body drop list is kept.
    assert site.selector_layers("body")[0] == "article .content" and len(site.selector_layers("body")) == 2
    assert ".sharedaddy" in site.drop_from_body


def test_a_tailored_source_is_data_over_the_one_spider():
    """spiders/ holds descriptions: classes of constants over NewsSpider, no method and no other base."""
    for path in sorted((ROOT / "spiders").glob("*.py")):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.ClassDef):
                assert [ast.unparse(base) for base in node.bases] == ["NewsSpider"], path.name
                assert all(isinstance(statement, (ast.Assign, ast.AnnAssign, ast.Expr)) for statement in node.body), (
                    f"{path.name}: {node.name} holds code, not only its description"
                )
