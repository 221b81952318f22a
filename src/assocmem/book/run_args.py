"""``make run``'s arguments checked before papermill sees them: every ``-p``/``-r`` name (and
every key of a ``-y`` YAML) must be a parameter the notebook declares in its cell tagged
``parameters``, and a list-valued parameter must come through ``-y``. Papermill itself only
warns about an unknown name and runs the notebook with its defaults, which would pass off a
default run as the one asked for.

    python -m assocmem.book.run_args notebooks/01_logsumexp.md -p n_random 500

A notebook run by papermill directly (``papermill nb.ipynb out.ipynb -p n_randm 500``) is
guarded too: the hidden cell right after each chapter's parameters cell calls
:func:`refuse_undeclared`, which compares the names papermill's injected cell sets with those
the parameters cell declares and stops the run on any other.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

YAML_HINT = ("lists and other structured values go through papermill's -y (YAML), "
             "for instance -y \"{d_values: [8, 16, 32]}\"")


PAPERMILL_OWN = ("PAPERMILL_INPUT_PATH", "PAPERMILL_OUTPUT_PATH")  # what --inject-paths adds


class UndeclaredParameter(ValueError):
    """A notebook was given a parameter its parameters cell does not declare."""


def _assignments(source: str) -> dict[str, ast.expr]:
    """The names a cell's source assigns at top level, with their value expressions, in order."""
    return {t.id: node.value for node in ast.parse(source).body if isinstance(node, ast.Assign)
            for t in node.targets if isinstance(t, ast.Name)}


def _parameters_cell(notebook: Path) -> str:
    import jupytext

    cells = [c for c in jupytext.read(notebook).cells
             if "parameters" in c.metadata.get("tags", [])]
    if len(cells) != 1:
        raise ValueError(f"{notebook} has {len(cells)} cells tagged 'parameters', not one")
    return cells[0].source


def declared(notebook: Path) -> list[str]:
    """The names assigned in the notebook's cell tagged ``parameters``, in order."""
    return list(_assignments(_parameters_cell(notebook)))


def structured(notebook: Path) -> list[str]:
    """The declared parameters whose defaults are lists, tuples, dicts or sets: papermill's
    ``-p`` would pass them a string, so they need ``-y``."""
    return [name for name, value in _assignments(_parameters_cell(notebook)).items()
            if isinstance(value, ast.List | ast.Tuple | ast.Dict | ast.Set)]


def refuse_undeclared(namespace: dict) -> None:
    """Stop a notebook that papermill gave a parameter its parameters cell does not declare.

    Called, with ``globals()``, from the cell right after the parameters cell. Papermill puts its
    injected cell (source starting ``# Parameters``) right after the parameters cell, so in
    IPython's input history (``In``) the last injected cell is preceded by the parameters cell:
    the names the first assigns must be among those the second does. Without an injected cell
    (the defaults, or an interactive session) there is nothing to check.

    Raises :class:`UndeclaredParameter` naming the unknown parameters and the declared ones.
    """
    history = list(namespace.get("In") or namespace.get("_ih") or [])
    marks = [i for i, src in enumerate(history[:-1]) if src.lstrip().startswith("# Parameters")]
    if not marks or marks[-1] == 0:
        return
    given = list(_assignments(history[marks[-1]]))
    known = list(_assignments(history[marks[-1] - 1]))
    unknown = [name for name in given if name not in known and name not in PAPERMILL_OWN]
    if unknown:
        raise UndeclaredParameter(
            f"this notebook has no parameter {', '.join(map(repr, unknown))}; its parameters "
            f"are: {', '.join(known)} (nothing was run with the values given; {YAML_HINT})")


def requested(args: list[str]) -> list[str]:
    """The parameter names that papermill arguments ``args`` set."""
    import yaml

    names, i = [], 0
    while i < len(args):
        flag = args[i]
        if flag in ("-p", "--parameters", "-r", "--parameters_raw"):
            if i + 2 >= len(args):
                raise ValueError(f"{flag} needs a name and a value")
            names.append(args[i + 1])
            i += 3
        elif flag in ("-y", "--parameters_yaml"):
            names += list(yaml.safe_load(args[i + 1]) or {})
            i += 2
        elif flag in ("-f", "--parameters_file"):
            names += list(yaml.safe_load(Path(args[i + 1]).read_text()) or {})
            i += 2
        else:
            i += 1
    return names


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    notebook, args = Path(argv[0]), argv[1:]
    known = declared(notebook)
    try:
        unknown = [n for n in requested(args) if n not in known]
    except (ValueError, IndexError) as error:
        print(f"make run: bad ARGS for {notebook.stem}: {error}", file=sys.stderr)
        return 2
    if unknown:
        print(f"make run: {notebook.stem} has no parameter {', '.join(map(repr, unknown))}; "
              f"its parameters are: {', '.join(known)} ({YAML_HINT})", file=sys.stderr)
        return 2
    as_text = [args[i + 1] for i, flag in enumerate(args[:-2])
               if flag in ("-p", "--parameters") and args[i + 1] in structured(notebook)]
    if as_text:
        name = as_text[0]
        print(f"make run: {notebook.stem}'s parameter {name!r} is a list, which -p would pass as "
              f"a string: {YAML_HINT.replace('d_values', name)}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
