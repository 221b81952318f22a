"""Keep ``environment.yml`` in step with ``requirements.txt`` (the single list of pins).

``python -m assocmem.book.lock`` rewrites ``environment.yml`` from ``requirements.txt``;
``tests/test_environment.py`` checks that the two agree.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

PYTHON = "3.11"


def read_requirements(path: Path) -> list[str]:
    """The ``name==version`` lines of a requirements file, comments and blanks dropped."""
    pins = []
    for line in Path(path).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            if "==" not in line:
                raise ValueError(f"{path}: {line!r} is not pinned with ==")
            pins.append(line)
    return pins


def environment_pins(path: Path) -> tuple[list[str], list[str]]:
    """(conda dependencies, pip pins) of a conda ``environment.yml``."""
    env = yaml.safe_load(Path(path).read_text())
    conda, pip = [], []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip.extend(dep.get("pip", []))
        else:
            conda.append(dep)
    return conda, pip


def environment_yaml(pins: list[str]) -> str:
    body = {
        "name": "assocmem",
        "channels": ["conda-forge"],
        "dependencies": [f"python={PYTHON}", "make", "nodejs", "pip",
                         {"pip": pins}],
    }
    header = ("# Generated from requirements.txt by `python -m assocmem.book.lock`; do not edit.\n"
              "# The same pins as the Makefile's .venv; also the Binder environment.\n"
              "#   conda env create -f environment.yml && conda activate assocmem\n"
              "#   pip install --no-deps -e .\n")
    return header + yaml.safe_dump(body, sort_keys=False)


def main() -> None:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(".")
    pins = read_requirements(root / "requirements.txt")
    (root / "environment.yml").write_text(environment_yaml(pins))
    print(f"environment.yml: {len(pins)} pins")


if __name__ == "__main__":
    main()
