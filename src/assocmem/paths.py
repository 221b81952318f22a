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
    here = Path.cwd().resolve()
    root = next((f for f in (here, *here.parents) if (f / "_toc.yml").is_file()), here)
    return root.joinpath(*relative)


def runs_root() -> Path:
    """Where trained runs and cached data live: ``$ASSOCMEM_RUNS_DIR``, else ``runs/`` at the
    project root."""
    return project_path("ASSOCMEM_RUNS_DIR", "runs")
