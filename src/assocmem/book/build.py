"""Assemble the book's source tree from the executed notebooks and the claims ledger.

Papermill never writes into ``notebooks/``: it executes a copy into ``_build/executed``. This
module lays out ``_build/book_src`` for Jupyter Book -- the prose pages, the configuration, the
executed notebooks and MathJax -- and generates the scorecard and the errata entries from the
ledger, replacing the marker comments in ``book/scorecard.md`` and ``book/errata.md``.

    python -m assocmem.book.build --executed _build/executed --ledger _build/ledger \
        --out _build/book_src --mathjax node_modules/mathjax/es5
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
from collections import Counter
from pathlib import Path

import yaml

from assocmem.book.claims import ERRATA_VERDICTS, VERDICTS, Claim, load_claims

SCORECARD_MARKER = "<!-- scorecard: generated from the claims ledger -->"
ERRATA_MARKER = "<!-- errata: generated from the claims ledger -->"


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


def _cell(text: str) -> str:
    return " ".join(text.split()) or "--"


def scorecard_markdown(claims: list[Claim]) -> str:
    """A summary line and a list-table of every claim, linking to the section that checks it."""
    counts = Counter(c.verdict for c in claims)
    summary = ", ".join(f"{counts[v]} {v}" for v in VERDICTS if counts[v])
    lines = [
        f"**{len(claims)} claims checked:** {summary}.",
        "",
        "```{list-table}",
        ":header-rows: 1",
        ":widths: 14 14 30 12 30",
        ":class: scorecard",
        "",
        "* - Claim",
        "  - Where in the paper",
        "  - Statement as printed",
        "  - Verdict",
        "  - Evidence (computed by the run)",
    ]
    for c in claims:
        lines += [
            f"* - {{ref}}`{c.id} <{c.id}>`",
            f"  - {_cell(c.where)}",
            f"  - {_cell(c.statement)}",
            f"  - **{c.verdict}**",
            f"  - {_cell(c.evidence)}",
        ]
    lines.append("```")
    return "\n".join(lines)


def errata_markdown(claims: list[Claim]) -> str:
    """One entry per claim that fails as printed: counterexample, correction and evidence."""
    failing = [c for c in claims if c.verdict in ERRATA_VERDICTS]
    if not failing:
        return "No statement checked so far fails as printed."
    parts = []
    for c in failing:
        parts += [
            f"## {c.where}",
            "",
            f"**As printed.** {c.statement}",
            "",
            f"**Counterexample.** {c.counterexample}",
            "",
            f"**Corrected statement.** {c.corrected or '(none derived: the claim stands refuted)'}",
            "",
            f"**Verdict: {c.verdict}.** {c.evidence} (checked in {{ref}}`{c.id} <{c.id}>`)",
            "",
        ]
    return "\n".join(parts)


def _fill(template: Path, marker: str, body: str) -> str:
    text = template.read_text()
    if marker not in text:
        raise ValueError(f"{template} lacks the marker line {marker!r}")
    return text.replace(marker, body)


_BAR = re.compile(r"\d+%\|.*\|.*(it/s|s/it|\?it/s)")


def without_progress_bars(notebook: dict) -> dict:
    """The notebook without the stderr outputs that only hold tqdm progress bars or blank lines
    (a fresh build prints them, a cached one does not; the page should read the same). Other
    stderr stays."""
    for cell in notebook.get("cells", []):
        kept = []
        for output in cell.get("outputs", []):
            text = output.get("text", "")
            text = "".join(text) if isinstance(text, list) else text
            lines = [line for line in re.split(r"[\r\n]+", text) if line.strip()]
            if output.get("name") == "stderr" and all(_BAR.search(x) for x in lines):
                continue
            kept.append(output)
        if "outputs" in cell:
            cell["outputs"] = kept
    return notebook


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

    if out.exists():
        shutil.rmtree(out)
    (out / "notebooks").mkdir(parents=True)
    for name in ("_config.yml", "_toc.yml"):
        shutil.copy2(root / name, out / name)
    shutil.copytree(root / "book", out / "book", ignore=shutil.ignore_patterns("_static"))
    if (root / "book" / "_static").is_dir():  # the theme includes every .css found there
        shutil.copytree(root / "book" / "_static", out / "_static")
    for stem in stems:
        notebook = json.loads((executed / f"{stem}.ipynb").read_text())
        (out / "notebooks" / f"{stem}.ipynb").write_text(
            json.dumps(without_progress_bars(notebook), indent=1))
    if mathjax is not None:
        if not (Path(mathjax) / "tex-chtml.js").is_file():
            raise FileNotFoundError(f"MathJax not found at {mathjax} (run `npm ci`)")
        shutil.copytree(mathjax, out / "_extra" / "mathjax")

    claims = [c for c in load_claims(ledger) if c.notebook in stems]
    for page, marker, body in (
        ("scorecard.md", SCORECARD_MARKER, scorecard_markdown(claims)),
        ("errata.md", ERRATA_MARKER, errata_markdown(claims)),
    ):
        (out / "book" / page).write_text(_fill(root / "book" / page, marker, body))
    return out


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
