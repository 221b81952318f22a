"""Assemble the book's source tree from the executed notebooks, the ledger and the claims' text.

Papermill never writes into ``notebooks/``: it executes a copy into ``_build/executed``. This
module lays out ``_build/book_src`` for Jupyter Book -- the prose pages, the configuration, the
executed notebooks made into pages (:mod:`assocmem.book.staging`), MathJax and plotly.js -- joins
the ledger to the claims' text (:mod:`assocmem.book.catalogue`) and fills the marker comments of
``book/scorecard.md``, ``book/errata.md`` and ``book/intro.md`` with the pages rendered from the
joined rows (:mod:`assocmem.book.pages`). It writes only the files that changed.

    python -m assocmem.book.build --executed _build/executed --ledger _build/ledger \
        --out _build/book_src --mathjax node_modules/mathjax/es5
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import yaml

from assocmem.book.catalogue import join, load_catalogue
from assocmem.book.claims import load_records
from assocmem.book.pages import (
    errata_markdown,
    headline_markdown,
    scorecard_markdown,
    with_claim_boxes,
    with_findings,
    write_ledger_files,
)
from assocmem.book.staging import rerun_section, with_colab_setup, without_progress_bars

SCORECARD_MARKER = "<!-- scorecard: generated from the claims ledger -->"
ERRATA_MARKER = "<!-- errata: generated from the claims ledger -->"
HEADLINE_MARKER = "<!-- headline: generated from the claims ledger -->"


def toc_files(toc_path: Path) -> list[str]:
    """Every file entry of a Jupyter Book ``_toc.yml``, in reading order."""
    toc = yaml.safe_load(Path(toc_path).read_text())
    files = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                files.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk({k: v for k, v in toc.items() if k != "root"})
    return files


def notebook_stems(toc_path: Path) -> list[str]:
    """The stems of the notebooks the TOC lists (entries under ``notebooks/``)."""
    return [Path(f).name for f in toc_files(toc_path) if f.startswith("notebooks/")]


def _fill(template: Path, marker: str, body: str) -> str:
    text = template.read_text()
    if marker not in text:
        raise ValueError(f"{template} lacks the marker line {marker!r}")
    return text.replace(marker, body)


def copy_plotly(extra: Path) -> Path:
    """plotly.js from the installed plotly package, where the pages' interactive figures load it
    (:data:`assocmem.book.interactive.PLOTLY_JS` under the site's root): served by the book,
    never by a CDN."""
    from plotly.offline import get_plotlyjs

    from assocmem.book.interactive import PLOTLY_JS

    target = Path(extra) / PLOTLY_JS
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(get_plotlyjs())
    return target


def stage(root: Path, executed: Path, ledger: Path, out: Path, mathjax: Path | None) -> Path:
    """Lay out ``out`` as the Jupyter Book source tree; return it."""
    root, executed, ledger, out = map(Path, (root, executed, ledger, out))
    stems = notebook_stems(root / "_toc.yml")
    missing = [s for s in stems if not (executed / f"{s}.ipynb").is_file()]
    if missing:
        raise FileNotFoundError(f"executed notebooks missing from {executed}: {missing}")
    unrecorded = [s for s in stems if not (ledger / f"{s}.json").is_file()]
    if unrecorded:
        raise FileNotFoundError(f"no ledger file in {ledger} for notebooks {unrecorded}")

    final, out = out, out.with_name(out.name + ".new")
    if out.exists():
        shutil.rmtree(out)
    (out / "notebooks").mkdir(parents=True)
    for name in ("_config.yml", "_toc.yml"):
        shutil.copy2(root / name, out / name)
    shutil.copytree(root / "book", out / "book", ignore=shutil.ignore_patterns("_static", "js"))
    if (root / "book" / "js").is_dir():  # scripts a page loads itself, not every page
        shutil.copytree(root / "book" / "js", out / "_extra" / "js")
    if (root / "book" / "_static").is_dir():  # the theme includes every .css found there
        shutil.copytree(root / "book" / "_static", out / "_static")
    # the package's source beside the pages, so that a chapter's literalinclude of
    # ../src/assocmem/... resolves in the staged tree as it does in the repository
    if (root / "src").is_dir():
        shutil.copytree(root / "src", out / "src",
                        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    catalogue = load_catalogue(root / "notebooks")
    claims = join([r for r in load_records(ledger) if r.notebook in stems], catalogue)
    repository = yaml.safe_load((root / "_config.yml").read_text())["repository"]["url"]
    for stem in stems:
        notebook = json.loads((executed / f"{stem}.ipynb").read_text())
        notebook = with_claim_boxes(without_progress_bars(notebook), catalogue, stem)
        notebook = with_colab_setup(notebook, repository)
        notebook = with_findings(notebook, [c for c in claims if c.notebook == stem])
        notebook["cells"].append({"cell_type": "markdown", "metadata": {},
                                  "source": rerun_section(notebook, stem)})
        (out / "notebooks" / f"{stem}.ipynb").write_text(json.dumps(notebook, indent=1))
    if mathjax is not None:
        if not (Path(mathjax) / "tex-chtml.js").is_file():
            raise FileNotFoundError(f"MathJax not found at {mathjax} (run `npm ci`)")
        shutil.copytree(mathjax, out / "_extra" / "mathjax")
    copy_plotly(out / "_extra")

    write_ledger_files(claims, out / "_extra")
    for page, marker, body in (
        ("scorecard.md", SCORECARD_MARKER, scorecard_markdown(claims, catalogue)),
        ("errata.md", ERRATA_MARKER, errata_markdown(claims)),
        ("intro.md", HEADLINE_MARKER, headline_markdown(claims, catalogue)),
    ):
        (out / "book" / page).write_text(_fill(root / "book" / page, marker, body))
    changed = sync_tree(out, final)
    shutil.rmtree(out)
    print(f"{len(changed)} staged files changed: "
          f"{', '.join(changed[:8])}{' ...' if len(changed) > 8 else ''}")
    return final


def sync_tree(new: Path, out: Path) -> list[str]:
    """Make ``out`` a copy of ``new``, writing only the files whose bytes differ and deleting
    those ``new`` lacks, so that Sphinx's incremental build re-reads only the pages that
    changed (a claim's text edit rebuilds the pages that show it). Returns the changed paths."""
    new, out = Path(new), Path(out)
    wanted = {p.relative_to(new) for p in new.rglob("*") if p.is_file()}
    changed = []
    for rel in sorted(wanted):
        source, target = new / rel, out / rel
        if not target.is_file() or target.read_bytes() != source.read_bytes():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            changed.append(str(rel))
    if out.is_dir():
        for path in sorted(out.rglob("*"), reverse=True):
            rel = path.relative_to(out)
            if path.is_file() and rel not in wanted:
                path.unlink()
                changed.append(f"{rel} (deleted)")
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
    return changed


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=".", help="project root (holds _toc.yml and book/)")
    parser.add_argument("--executed", default="_build/executed")
    parser.add_argument("--ledger", default="_build/ledger")
    parser.add_argument("--out", default="_build/book_src")
    parser.add_argument("--mathjax", default="node_modules/mathjax/es5")
    args = parser.parse_args(argv)
    out = stage(args.root, args.executed, args.ledger, args.out, args.mathjax or None)
    print(f"book source staged in {out}")


if __name__ == "__main__":
    main()
