"""Where the book keeps what it writes: found from an environment variable, else under the
project root (the folder holding ``_toc.yml``) above the working directory, so that notebooks
run from ``notebooks/`` and scripts run from the root agree."""

from __future__ import annotations

import os
from pathlib import Path


def project_path(env_var: str, *relative: str) -> Path:
    """``$env_var`` when set, else ``<project root>/<relative...>`` (cwd when no root is found)."""
    value = os.environ.get(env_var)
    if value:
        return Path(value)
    return project_root().joinpath(*relative)


def project_root() -> Path:
    """The folder holding ``_toc.yml`` at or above the working directory (else the cwd)."""
    here = Path.cwd().resolve()
    return next((f for f in (here, *here.parents) if (f / "_toc.yml").is_file()), here)


def runs_root() -> Path:
    """Where trained runs and cached data live: ``$ASSOCMEM_RUNS_DIR``, else ``runs/`` at the
    project root."""
    return project_path("ASSOCMEM_RUNS_DIR", "runs")


def shown(path) -> str:
    """``path`` as a page prints it, never with the build machine's absolute location: under
    ``$ASSOCMEM_DATA_DIR`` as ``$ASSOCMEM_DATA_DIR/<rest>``, under the project root relative to
    it, inside an installed package as ``<package>/<rest>``, else its last two parts. A name
    that is not an existing path (a Hub model name, "fallback") is returned as it is."""
    value = Path(str(path))
    if not value.is_absolute() or not value.exists():
        return str(path)
    value = value.resolve()
    data = os.environ.get("ASSOCMEM_DATA_DIR")
    for base, label in ((Path(data).resolve() if data else None, "$ASSOCMEM_DATA_DIR"),
                        (project_root(), None)):
        if base is not None and value.is_relative_to(base):
            rest = value.relative_to(base)
            if label is None and "site-packages" not in rest.parts:
                return str(rest)
            if label:
                return f"{label}/{rest}"
    if "site-packages" in value.parts:
        return "/".join(value.parts[value.parts.index("site-packages") + 1:])
    return "/".join(value.parts[1:][-2:])
