"""Code-shape rules the whole project keeps: no function longer than 60 lines (migrations and the
independent suites' own build scripts, written apart from the project, aside)."""

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("bench", "catalog_format", "config", "language", "ml", "recommender", "shop", "tests")
MAX_FUNCTION_LINES = 60


def _functions(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node.name, node.lineno, node.end_lineno - node.lineno + 1


def test_no_function_is_longer_than_60_lines():
    too_long = []
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            if "migrations" in path.parts or (path.parent.name == "build" and "data" in path.parts):
                continue
            for name, line, length in _functions(path):
                if length > MAX_FUNCTION_LINES:
                    too_long.append(f"{path.relative_to(REPO)}:{line} {name}() has {length} lines")
    assert not too_long, "\n".join(too_long)


# Packages of the store that keep per-process caches only in config.caches.CACHES (ml and language
# run without the store: ml.text_onnx keeps its own encoder per thread).
STORE_PACKAGES = ("catalog_format", "config", "recommender", "shop")
EMPTY_CONTAINERS = ("dict", "set", "list", "OrderedDict", "defaultdict", "Counter", "deque")


def _empty_container(node: ast.expr | None) -> bool:
    """`{}`, `[]`, `set()`, `dict()`, `OrderedDict()`, ...: a container a module fills as it runs."""
    if isinstance(node, ast.Dict | ast.List | ast.Set):
        return not (node.keys if isinstance(node, ast.Dict) else node.elts)
    if isinstance(node, ast.Call) and not node.args and not node.keywords:
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        return name in EMPTY_CONTAINERS
    return False


def test_no_module_level_cache_outside_the_cache_object():
    """A module-level container that starts empty is a cache (or state) the process fills: it
    belongs in config.caches.CACHES, which has a public clear()."""
    found = []
    for package in STORE_PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            if "migrations" in path.parts or "settings" in path.parts:
                continue
            for node in ast.parse(path.read_text(encoding="utf-8")).body:
                value = node.value if isinstance(node, ast.Assign | ast.AnnAssign) else None
                if _empty_container(value):
                    found.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert not found, found
