"""``make run``'s arguments checked before papermill sees them: every ``-p``/``-r`` name (and
every key of a ``-y`` YAML) must be a parameter the notebook declares in its cell tagged
``parameters``. Papermill itself only warns about an unknown name and runs the notebook with its
defaults, which would pass off a default run as the one asked for.

    python -m assocmem.book.run_args notebooks/01_logsumexp.md -p n_random 500
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path


def declared(notebook: Path) -> list[str]:
    """The names assigned in the notebook's cell tagged ``parameters``, in order."""
    import jupytext

    cells = [c for c in jupytext.read(notebook).cells
             if "parameters" in c.metadata.get("tags", [])]
    if len(cells) != 1:
        raise ValueError(f"{notebook} has {len(cells)} cells tagged 'parameters', not one")
    return [t.id for node in ast.parse(cells[0].source).body if isinstance(node, ast.Assign)
            for t in node.targets if isinstance(t, ast.Name)]


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
              f"its parameters are: {', '.join(known)}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
