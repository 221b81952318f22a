"""Notebook dependency files: computed from the code, transitively, plus declared data."""

from pathlib import Path

import pytest

from assocmem.book.deps import cell_code, imported_modules, notebook_dependencies

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"


def names(notebook):
    return {str(p.relative_to(ROOT)) for p in notebook_dependencies(
        ROOT / "notebooks" / notebook, SRC, ROOT)}


def test_a_theory_chapter_depends_on_what_it_imports_and_nothing_else():
    deps = names("01_logsumexp.md")
    assert {"src/assocmem/theory/logsumexp.py", "src/assocmem/book/claims.py",
            "src/assocmem/paths.py",  # imported by claims: found transitively
            "notebooks/01_logsumexp.md"} <= deps
    assert not any("training" in d or "experiments" in d or "energy" in d for d in deps)


def test_lazy_imports_and_declared_data_count():
    deps = names("10_openelm_scaling.md")
    assert "src/assocmem/training/loop.py" in deps  # through experiments.openelm_scaling
    assert "archive/2026-11-26-h100/gpu_check.json" in deps  # `% data: archive/...`
    assert "src/assocmem/theory/energy.py" in names("06_cross_entropy.md")  # a lazy import


def test_cell_options_and_magics_are_not_code(tmp_path):
    assert cell_code(":tags: [parameters]\n\nx = 1").strip() == "x = 1"
    assert cell_code("---\ntags: [hide-input]\n---\n%matplotlib inline\nimport os").strip() \
        == "import os"
    assert imported_modules("from . import claims", "assocmem.book.build") == {
        "assocmem.book", "assocmem.book.claims"}
    bad = tmp_path / "nb.md"
    bad.write_text("% data: no/such/file\n")
    with pytest.raises(FileNotFoundError, match="no/such/file"):
        notebook_dependencies(bad, SRC, ROOT)
