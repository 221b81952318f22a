"""The mutation score of each module `make mutation` mutates, from mutmut's results in mutants/.

    python tests/mutation_report.py [--survivors]

A mutant counts as killed when a test failed under it (or it crashed the tests); as surviving
when the tests passed, or when no selected test calls its function ("no tests"). A timeout
(the tests ran past mutmut's limit) is shown apart and left out of the score: it is a mutant
that hangs, or tests slowed by a loaded machine, and only a rerun tells which. Of
``training/store.py`` only the verification code is scored (:data:`SCORED`, the mutant names
`make mutation` runs).
"""

from __future__ import annotations

import fnmatch
import json
import sys
from pathlib import Path

# the mutants `make mutation` runs (mutmut's names: module.x_function__mutmut_N)
SCORED = ("assocmem.theory.*", "assocmem.neighbors.*", "assocmem.training.integrity.*",
          "assocmem.training.store.x__verify_cached__*", "assocmem.training.store.x__complete__*",
          "assocmem.training.store.x__verify_archived__*", "assocmem.training.store.x__contents__*",
          "assocmem.training.store.x_verify__*", "assocmem.training.store.x_find__*",
          "assocmem.training.store.x__is_run__*")
KILLED = {1, 3, -11, -9}  # mutmut's exit codes: a test failed, pytest failed, a crash
SURVIVED = {0, 5, 33}  # passed, or no test selected
TIMEOUT = {36, -24, 24, 152, 255}


def results(root: Path = Path("mutants")) -> dict[str, dict[str, int | None]]:
    """Exit code by mutant name, by module file (relative to src/)."""
    found = {}
    for meta in sorted((root / "src").rglob("*.py.meta")):
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        codes = {k: v for k, v in codes.items() if any(fnmatch.fnmatch(k, p) for p in SCORED)}
        if any(v is not None for v in codes.values()):  # a module the run reached
            found[str(meta.relative_to(root / "src"))[:-len(".meta")]] = codes
    return found


def main(argv: list[str]) -> int:
    found = results()
    if not found:
        print("no results in mutants/: run `make mutation` first", file=sys.stderr)
        return 1
    print(f"{'module':34} {'mutants':>7} {'checked':>7} {'killed':>6} {'survived':>8} "
          f"{'timeout':>7} {'score':>6}")
    low = []
    for module, codes in found.items():
        killed = sum(v in KILLED for v in codes.values())
        survived = sum(v in SURVIVED for v in codes.values())
        timeout = sum(v in TIMEOUT for v in codes.values())
        checked = sum(v is not None for v in codes.values())  # less: a partial run
        score = killed / max(killed + survived, 1)
        print(f"{module:34} {len(codes):7d} {checked:7d} {killed:6d} {survived:8d} "
              f"{timeout:7d} {100 * score:5.1f}%")
        if score < 0.85:
            low.append(module)
    if "--survivors" in argv:
        for codes in found.values():
            for name, code in sorted(codes.items()):
                if code in SURVIVED:
                    print(f"survived{' (no tests)' if code in (5, 33) else ''}: {name}")
    if low:
        print(f"below 85%: {', '.join(low)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
