"""The house rules of the code: the normalizer stands alone, imports go one way, no circles.

Read from the source with :mod:`ast` (every import, also those inside functions and under
TYPE_CHECKING: a circle there is still a circle a reader has to untangle).
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "vnreader"


def modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imports() -> dict[str, set[str]]:
    """Module → the vnreader modules it imports."""
    known = modules()
    edges: dict[str, set[str]] = defaultdict(set)
    for name, path in known.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    module = ".".join([*base, *([node.module] if node.module else [])])
                else:
                    module = node.module or ""
                targets = [
                    f"{module}.{alias.name}" if f"{module}.{alias.name}" in known else module
                    for alias in node.names
                ]
            else:
                continue
            edges[name].update(t for t in targets if t.startswith("vnreader") and t != name)
    return edges


def test_the_normalizer_loads_nothing_of_the_rest() -> None:
    code = (
        "import sys, vnreader.normalizer\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('lxml', 'httpx', 'jinja2', 'feedgen') or m.startswith(('vnreader.extract', "
        "'vnreader.speech', 'vnreader.publishing', 'vnreader.cli')))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert result.stdout.strip() == ""


def test_imports_go_one_way() -> None:
    """Extraction and the normalizer never import speech or publishing; nothing imports
    the command line."""
    wrong = []
    for source, targets in imports().items():
        for target in targets:
            early = source.startswith(("vnreader.extract", "vnreader.normalizer"))
            if early and target.startswith(("vnreader.speech", "vnreader.publishing")):
                wrong.append(f"{source} → {target}")
            in_cli = source == "vnreader.cli" or source.startswith("vnreader.cli.")
            to_cli = target == "vnreader.cli" or target.startswith("vnreader.cli.")
            if to_cli and not in_cli and source != "vnreader.__main__":
                wrong.append(f"{source} → {target}")
    assert wrong == []


def test_no_import_circles() -> None:
    edges = imports()
    known = set(modules())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in edges.get(node, ()):
            if target not in known:
                continue
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for name in sorted(known):
        if name not in index:
            visit(name)
    assert circles == []


def exception_classes() -> dict[str, list[str]]:
    """Module → the exception classes it defines (a base named ``…Error`` or ``…Exception``)."""
    found: dict[str, list[str]] = defaultdict(list)
    for name, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.ClassDef):
                continue
            bases = [ast.unparse(base).rpartition(".")[2] for base in node.bases]
            if any(base.endswith(("Error", "Exception")) for base in bases):
                found[name].append(node.name)
    return found


def test_every_exception_of_the_library_is_in_errors() -> None:
    """One error family: a public exception class lives in ``vnreader/errors.py``. A private
    one (``_Retryable``: a signal inside one module) is allowed only while no other module
    names it, i.e. while it can never reach a caller."""
    sources = {name: path.read_text("utf-8") for name, path in modules().items()}
    outside = []
    for module, classes in exception_classes().items():
        if module == "vnreader.errors":
            continue
        for cls in classes:
            if not cls.startswith("_"):
                outside.append(f"{module}.{cls}")
                continue
            elsewhere = [m for m, text in sources.items() if m != module and cls in text]
            outside.extend(f"{module}.{cls} (named in {m})" for m in elsewhere)
    assert outside == []
    family = set(exception_classes()["vnreader.errors"])
    assert {"VnreaderError", "ConfigError", "CatalogError", "FeedError"} <= family


#: The longest a module of vnreader/ may be (docs/architecture.md, "The rules").
MAX_MODULE_LINES = 600
#: Modules being split on another branch (issue 17), with the length they may not exceed
#: meanwhile. An entry must go as soon as its module is short enough (the test says so).
PENDING_SPLIT: dict[str, int] = {}


def test_no_module_is_over_600_lines() -> None:
    lengths = {
        str(path.relative_to(ROOT)): len(path.read_text("utf-8").splitlines())
        for path in PACKAGE.rglob("*.py")
    }
    too_long = {
        name: lines
        for name, lines in lengths.items()
        if lines > PENDING_SPLIT.get(name, MAX_MODULE_LINES)
    }
    assert too_long == {}
    stale = [name for name in PENDING_SPLIT if lengths.get(name, 0) <= MAX_MODULE_LINES]
    assert stale == [], "split already: remove these from PENDING_SPLIT"


#: Each helper once (issue 17): code that only its one module may write.
ONE_PLACE = {
    # The one loader of the data files that ship inside vnreader.
    r"\bimportlib\.resources\b|from importlib import resources": "vnreader/packagedata.py",
    # The one friendly reader of the user's files ("is a directory, expected …").
    r"\bIsADirectoryError\b": "vnreader/textio.py",
    # The one file-mode helper (reading the umask means setting it).
    r"\bos\.umask\(": "vnreader/filemode.py",
    # The one image-file-name detector.
    r"jpe\?g|\"jpeg\"": "vnreader/imagenames.py",
}
#: Modules another branch is changing, allowed to keep a copy until they are merged.
PENDING_HELPERS: set[tuple[str, str]] = set()


def test_each_helper_is_written_once() -> None:
    elsewhere = []
    for pattern, home in ONE_PLACE.items():
        for path in PACKAGE.rglob("*.py"):
            name = str(path.relative_to(ROOT))
            if name == home or not re.search(pattern, path.read_text("utf-8")):
                continue
            if not any(name == p and kind in pattern for p, kind in PENDING_HELPERS):
                elsewhere.append(f"{name}: {pattern}")
        assert re.search(pattern, (ROOT / home).read_text("utf-8")), f"{home} lost {pattern}"
    assert elsewhere == []
    for name, kind in PENDING_HELPERS:  # a merged branch: its entry must go
        assert kind in (ROOT / name).read_text("utf-8"), f"remove {name} from PENDING_HELPERS"


def test_the_site_folders_are_named_in_layout_only() -> None:
    """The served folders' names are spelled once, in publishing/layout.py."""
    names = "audio|feeds|read|embed|static|images|artwork"
    spelled = re.compile(rf"^\s*[A-Z_]+_DIR\s*=\s*[\"'](?:{names})[\"']", re.M)
    found = [
        str(path.relative_to(ROOT))
        for path in (PACKAGE / "publishing").rglob("*.py")
        if spelled.search(path.read_text("utf-8"))
    ]
    assert found == ["vnreader/publishing/layout.py"]
