"""The shape of the code, checked: the README's layout table is what the code does.

* Packages form layers (``LAYERS``): a package imports ``core`` and the packages
  listed before it, never one after it; so there is no import cycle between packages.
  ``app/__init__.py``, ``app/models.py``, ``app/views.py``, ``app/home.py``, ``app/cli.py``
  and ``app/demo`` are the front doors that gather every package.
* No module is much over 400 lines.
* Nothing reads the calendar but ``app.core.clock``; no HTML is built with an f-string.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app"

#: bottom to top; a package may import those before it
LAYERS = ["core", "org", "courses", "trainees", "fees", "absences", "exams", "esinav", "reports"]
FRONT_DOORS = {"__init__", "models", "views", "home", "cli", "demo"}
MAX_LINES = 420


def _modules():
    for path in sorted(APP.rglob("*.py")):
        yield path, path.relative_to(APP).parts


def _imported_packages(tree: ast.AST) -> set[str]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("app."):
            out.add(node.module.split(".")[1])
        elif isinstance(node, ast.ImportFrom) and node.module == "app":
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level:
            raise AssertionError("relative import: use app.<package>")
        elif isinstance(node, ast.Import):
            out.update(a.name.split(".")[1] for a in node.names if a.name.startswith("app."))
    return out


def test_packages_import_only_core_and_the_layers_below():
    wrong = []
    for path, parts in _modules():
        package = parts[0].removesuffix(".py")
        if package in FRONT_DOORS:
            continue
        assert package in LAYERS, f"{path}: a package not in LAYERS (add it, in its place)"
        allowed = set(LAYERS[:LAYERS.index(package) + 1])
        for imported in _imported_packages(ast.parse(path.read_text())):
            if imported not in allowed:
                wrong.append(f"{'/'.join(parts)} imports app.{imported}")
    assert not wrong, "\n".join(wrong)


def test_no_module_is_too_long():
    long = [f"{'/'.join(parts)}: {n}" for path, parts in _modules()
            if (n := len(path.read_text().splitlines())) > MAX_LINES]
    assert not long, long


def test_only_the_clock_reads_the_calendar():
    reads = re.compile(r"\b(date|datetime)\.(today|now|utcnow)\(|\btime\.time\(\)")
    found = [f"{'/'.join(parts)}:{i}" for path, parts in _modules() if parts != ("core", "clock.py")
             for i, line in enumerate(path.read_text().splitlines(), 1) if reads.search(line)]
    assert not found, found


def test_no_html_is_built_with_an_f_string():
    found = [f"{'/'.join(parts)}:{i}" for path, parts in _modules()
             for i, line in enumerate(path.read_text().splitlines(), 1)
             if re.search(r"Markup\(\s*f[\"']", line)]
    assert not found, found
