"""``make stats``: how each chapter reads, in the measures of the lecture books we follow
(QuantEcon: about 9 lines a code cell, 8 words of prose per line of code): per chapter, the
median lines of a code cell, the words of prose per visible code line, and the visible lines
of bookkeeping (ledger calls and parameter checks, which belong in hidden cells).

    python -m assocmem.book.stats [notebooks/*.md]
"""

from __future__ import annotations

import ast
import re
import statistics
import sys
from pathlib import Path

HIDDEN = {"hide-input", "remove-input", "remove-cell", "parameters"}
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
_DIRECTIVE = re.compile(r"^(```|:::|\(|%|\$\$|<!--|\{)")


def _bookkeeping_lines(source: str) -> int:
    """Lines of top-level statements that call ``ledger.<method>`` or a ``check_*`` function."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return 0
    lines = set()
    for node in tree.body:
        for call in ast.walk(node):
            if not isinstance(call, ast.Call):
                continue
            f = call.func
            name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
            owner = getattr(f.value, "id", "") if isinstance(f, ast.Attribute) else ""
            if owner == "ledger" or name.startswith("check_"):
                lines.update(range(node.lineno, node.end_lineno + 1))
                break
    return len(lines)


def chapter_stats(path: Path) -> dict:
    """The measures of one MyST notebook."""
    import jupytext

    nb = jupytext.read(path)
    code = [c for c in nb.cells if c.cell_type == "code"]
    visible = [c for c in code if not HIDDEN & set(c.metadata.get("tags", []))]
    visible_lines = sum(len([x for x in c.source.splitlines() if x.strip()]) for c in visible)
    prose = sum(len(_WORD.findall(line)) for c in nb.cells if c.cell_type == "markdown"
                for line in c.source.splitlines() if not _DIRECTIVE.match(line.strip()))
    sizes = [len([x for x in c.source.splitlines() if x.strip()]) for c in code]
    return {"chapter": path.stem, "code cells": len(code),
            "median lines a cell": statistics.median(sizes) if sizes else 0,
            "prose words per visible code line": round(prose / max(1, visible_lines), 1),
            "visible bookkeeping lines": sum(_bookkeeping_lines(c.source) for c in visible)}


def main(argv: list[str] | None = None) -> None:
    paths = [Path(p) for p in (argv if argv else sys.argv[1:])] or sorted(
        Path("notebooks").glob("[0-9][0-9]_*.md"))
    rows = [chapter_stats(p) for p in paths]
    keys = list(rows[0])
    widths = [max(len(k), *(len(str(r[k])) for r in rows)) for k in keys]
    print("  ".join(k.ljust(w) for k, w in zip(keys, widths, strict=True)))
    for r in rows:
        print("  ".join(str(r[k]).ljust(w) for k, w in zip(keys, widths, strict=True)))
    print("targets (issue 26): median <= 12 lines a cell, >= 6 words of prose per visible code "
          "line, 0 visible bookkeeping lines")


if __name__ == "__main__":
    main()
