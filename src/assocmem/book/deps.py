"""Dependency files for the notebooks, as a compiler writes them for its sources.

An executed notebook depends on its own source, on every module of the package it imports,
transitively (found from the code with :mod:`ast`, lazy imports inside functions included), and
on the data it declares with a MyST comment line ``% data: <path>`` (a file or a folder,
relative to the project root). ``make`` includes the files this writes, so touching one module
re-executes only the chapters that import it.

    python src/assocmem/book/deps.py --src src --out _build/deps notebooks/01_logsumexp.md ...

The standard library alone: it runs before the project's environment exists.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from pathlib import Path

CODE_CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```$", re.S | re.M)
DATA_LINE = re.compile(r"^% data: *(\S+) *$", re.M)
PACKAGE = "assocmem"


def module_file(src: Path, module: str) -> Path | None:
    """The file of ``module`` under ``src`` (a module or a package's ``__init__``), or None."""
    base = src.joinpath(*module.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def imported_modules(code: str, current: str | None = None) -> set[str]:
    """The package's modules that ``code`` imports, anywhere in it (``current``, the importing
    module's dotted name, resolves relative imports)."""
    found = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level and current:
                parts = current.split(".")[: -node.level]
                base = ".".join([*parts, base] if base else parts)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {m for m in found if m == PACKAGE or m.startswith(PACKAGE + ".")}


def closure(src: Path, modules: set[str]) -> set[Path]:
    """The files of ``modules``, of the packages above them, and of everything they import."""
    seen: set[str] = set()
    files: set[Path] = set()
    todo = list(modules)
    while todo:
        module = todo.pop()
        parts = module.split(".")
        for i in range(1, len(parts) + 1):  # importing a.b.c runs a and a.b first
            name = ".".join(parts[:i])
            if name in seen:
                continue
            seen.add(name)
            path = module_file(src, name)
            if path is None:  # a name imported from a module, not a module itself
                continue
            files.add(path)
            current = name if path.name != "__init__.py" else f"{name}.__init__"
            todo.extend(imported_modules(path.read_text(), current))
    return files


def cell_code(cell: str) -> str:
    """The Python of a MyST code cell: without its options (``:key: value`` lines or a
    ``---`` block) and with IPython magics and shell lines blanked."""
    lines = cell.split("\n")
    if lines and lines[0].strip() == "---":
        end = lines.index("---", 1)
        lines = [""] * (end + 1) + lines[end + 1:]
    else:
        while lines and lines[0].startswith(":"):
            lines = lines[1:]
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in lines)


def notebook_dependencies(notebook: Path, src: Path, root: Path) -> list[Path]:
    """Every file the executed ``notebook`` (a MyST Markdown source) depends on."""
    text = notebook.read_text()
    modules = set()
    for cell in CODE_CELL.findall(text):
        modules |= imported_modules(cell_code(cell))
    files = closure(src, modules)
    for declared in DATA_LINE.findall(text):
        path = root / declared
        if not path.exists():
            raise FileNotFoundError(f"{notebook}: declared data {declared!r} does not exist")
        files.update(p for p in ([path] if path.is_file() else sorted(path.rglob("*")))
                     if p.is_file())
        if path.is_dir():  # its time changes when an entry is added: a new archived run
            files.add(path)
    return sorted({notebook, *files})


def rule(target: str, depfile: str, deps: list[Path], root: Path) -> str:
    """A make rule: the target and its dependency file depend on ``deps``; each dependency also
    gets an empty rule, so that deleting a module does not break ``make``."""
    names = [str(p.relative_to(root)) if p.is_absolute() else str(p) for p in deps]
    lines = [f"{target} {depfile}: " + " \\\n  ".join(names), ""]
    lines += [f"{name}:" for name in names if not name.startswith("notebooks/")]
    return "\n".join(lines) + "\n"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--src", type=Path, default=Path("src"))
    parser.add_argument("--out", type=Path, default=Path("_build/deps"))
    parser.add_argument("--executed", default="_build/executed")
    args = parser.parse_args(argv)
    root = Path.cwd().resolve()
    args.out.mkdir(parents=True, exist_ok=True)
    for notebook in args.notebooks:
        deps = [p.resolve() for p in notebook_dependencies(notebook, args.src.resolve(), root)]
        depfile = args.out / f"{notebook.stem}.d"
        text = rule(f"{args.executed}/{notebook.stem}.ipynb", str(depfile), deps, root)
        tmp = depfile.with_suffix(".tmp")
        tmp.write_text(text)
        tmp.replace(depfile)


if __name__ == "__main__":
    sys.exit(main())
