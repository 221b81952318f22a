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
import csv
import json
import re
import shutil
from collections import Counter
from dataclasses import asdict
from pathlib import Path

import yaml

from assocmem.book.catalogue import Claim, Entry, join, load_catalogue
from assocmem.book.claims import ERRATA_VERDICTS, IMPACTS, SCHEMA_VERSION, load_records

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


def _cell(text: str) -> str:
    return " ".join(text.split()) or "\u2014"


# Most severe first: a group of rows sharing a root cause takes its most severe verdict.
SEVERITY = ("refuted", "not reproduced", "wrong as printed, conclusion kept",
            "inconclusive at this scale", "holds except at an edge case", "not checkable here",
            "not checked yet", "holds", "reproduced")


def root_causes(claims: list[Claim]) -> list[tuple[str, str, str]]:
    """(root cause, verdict, impact) once per root cause: rows that share one are counted once,
    with their most severe verdict and largest impact."""
    groups: dict[str, list[Claim]] = {}
    for c in claims:
        groups.setdefault(c.root_cause or c.id, []).append(c)
    return [(cause, min((c.verdict for c in rows), key=SEVERITY.index),
             max((c.impact for c in rows), key=IMPACTS.index))
            for cause, rows in groups.items()]


def _counts(values, order) -> str:
    counts = Counter(values)
    return "; ".join(f"{counts[v]} {v}" for v in order if counts[v])


# Rows that connect the theory to the experiments: the introduction's verdict names them
CONNECTING = ("sec-4-energy-is-mchn", "sec-5-loss-unit", "sec-6-3-route-constant")


def _ref(c: Claim) -> str:
    return f"{{ref}}`{c.id} <{c.id}>`"


def verdict_paragraph(claims: list[Claim], catalogue: dict[str, Entry]) -> str:
    """The book's verdict on the paper in one paragraph, generated from the paper's main
    results (not the book's own simulations, not the connecting rows) counted once per root
    cause and split by kind, then the rows that connect its theory to its experiments
    (:data:`CONNECTING`; a test keeps them in the catalogue)."""
    paper = [c for c in claims if c.main and not c.simulation and c.id not in CONNECTING]
    parts = ["**The book's verdict.**"]
    for kind, label in (("statement", "theoretical results"), ("experiment", "experiments")):
        rows = [c for c in paper if catalogue[c.id].kind == kind]
        if not rows:
            continue
        causes = root_causes(rows)
        refuted = [c for c in rows if c.verdict == "refuted"]
        parts.append(f"The paper's main {label}, each root cause counted once: "
                     f"{_counts([v for _, v, _ in causes], SEVERITY)}"
                     + (f" ({', '.join(_ref(c) for c in refuted)})" if refuted else "")
                     + (", on evidence below the paper's scale"
                        if any(v == "inconclusive at this scale" for _, v, _ in causes)
                        else "") + ".")
    for cid in CONNECTING:
        row = next((c for c in claims if c.id == cid), None)
        if row is not None:
            parts.append(f"{_ref(row)} ({row.where}): **{row.verdict}**. "
                         f"{row.changes or row.reason}")
    return " ".join(parts)


def headline_markdown(claims: list[Claim], catalogue: dict[str, Entry]) -> str:
    """The book's verdict in one paragraph, the paper's main results, one line each, then the
    counts with each root cause once."""
    checked = {c.id for c in claims}
    lines = [
        verdict_paragraph(claims, catalogue),
        "",
        "```{list-table} The paper's main results",
        ":header-rows: 1",
        ":widths: 16 18 14 12 40",
        ":class: scorecard-main",
        "",
        "* - Claim",
        "  - Where in the paper",
        "  - Verdict",
        "  - Impact",
        "  - What it changes",
    ]
    for c in claims:
        if c.main:
            stands = c.verdict in ("holds", "reproduced")
            own = " (the book's simulation)" if c.simulation else ""
            lines += [f"* - {{ref}}`{c.id} <{c.id}>`", f"  - {_cell(c.where)}",
                      f"  - **{c.verdict}**{own}", f"  - {c.impact}",
                      f"  - {_cell(c.reason if stands or not c.changes else c.changes)}"]
    own = [c for c in claims if c.simulation]
    causes = root_causes([c for c in claims if not c.simulation])
    lines += ["```", "",
              f"**{len(claims) - len(own)} of the paper's statements and experiments checked, "
              f"{len(causes)} root causes.** Each root cause counted once, by verdict: "
              f"{_counts([v for _, v, _ in causes], SEVERITY)}. By impact on the paper: "
              f"{_counts([i for _, _, i in causes], IMPACTS[::-1])}."]
    if own:
        lines += ["", f"**{len(own)} simulations of the book's own** test the paper's "
                      f"statements by experiments the paper did not run (counted apart): "
                      f"{_counts([c.verdict for c in own], SEVERITY)}."]
    missing = [i for i in catalogue if i not in checked]
    if missing:
        lines += ["", f"**Not checked yet** ({len(missing)} of {len(catalogue)} catalogue "
                      f"entries): {', '.join(missing)}."]
    return "\n".join(lines)


# Two drop-downs over the scorecard's table, filled from the table itself (no network, no
# library): a reader can show only the refuted rows, or only those with impact "main result".
FILTER_HTML = """```{raw} html
<p class="claim-filter">Show verdict <select id="filter-verdict"><option value="">all</option>
</select> and impact <select id="filter-impact"><option value="">all</option></select>
<span id="filter-count"></span></p>
<script>
document.addEventListener("DOMContentLoaded", function () {
  var table = document.querySelector("table.scorecard");
  if (!table) { return; }
  var rows = Array.from(table.querySelectorAll("tbody tr"));
  var pick = {verdict: [3, document.getElementById("filter-verdict")],
              impact: [4, document.getElementById("filter-impact")]};
  var text = function (row, col) { return row.cells[col].textContent.trim(); };
  Object.values(pick).forEach(function (p) {
    Array.from(new Set(rows.map(function (r) { return text(r, p[0]); }))).sort()
      .forEach(function (v) { p[1].add(new Option(v, v)); });
  });
  var apply = function () {
    var shown = 0;
    rows.forEach(function (r) {
      var keep = Object.values(pick).every(function (p) {
        return !p[1].value || text(r, p[0]) === p[1].value; });
      r.style.display = keep ? "" : "none";
      shown += keep ? 1 : 0;
    });
    document.getElementById("filter-count").textContent = shown + " of " + rows.length + " claims";
  };
  Object.values(pick).forEach(function (p) { p[1].addEventListener("change", apply); });
  apply();
});
</script>
```"""


def scorecard_markdown(claims: list[Claim], catalogue: dict[str, Entry] | None = None) -> str:
    """The headline, then a list-table of every claim, linking to the section that checks it;
    catalogue entries that no notebook checked are listed as not checked yet."""
    catalogue = {c.id: c for c in claims} if catalogue is None else catalogue
    lines = [
        headline_markdown(claims, catalogue),
        "",
        FILTER_HTML,
        "",
        "```{list-table} Every claim",
        ":header-rows: 1",
        ":widths: 13 13 28 11 9 26",
        ":class: scorecard",
        "",
        "* - Claim",
        "  - Where in the paper",
        "  - Statement as printed",
        "  - Verdict",
        "  - Impact",
        "  - Evidence (computed by the run)",
    ]
    for c in claims:
        lines += [
            f'* - <span id="{c.id}"></span>{{ref}}`{c.id} <{c.id}>`',
            f"  - {_cell(c.where)}",
            f"  - {_cell(c.statement)}",
            f"  - **{c.verdict}**" + (" (the book's simulation)" if c.simulation else ""),
            f"  - {c.impact}",
            f"  - {_cell(c.evidence)}",
        ]
    checked = {c.id for c in claims}
    for entry in catalogue.values():
        if entry.id not in checked and isinstance(entry, Entry):
            lines += [f'* - <span id="{entry.id}"></span>{entry.id}', f"  - {_cell(entry.where)}",
                      f"  - {_cell(entry.statement)}", "  - not checked yet",
                      f"  - {entry.impact}", "  - \u2014"]
    lines.append("```")
    return "\n".join(lines)


def errata_markdown(claims: list[Claim]) -> str:
    """One entry per statement that fails as printed: counterexample, correction, what it
    changes for the paper, verdict and impact."""
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
            (f"**What holds instead.** {c.corrected or '(nothing derived here)'}"
             if c.verdict == "refuted" else f"**Corrected statement.** {c.corrected}"),
            "",
            f"**What it changes.** {c.changes or c.reason}",
            "",
            f"**Verdict: {c.verdict}; impact: {c.impact}.** {c.evidence} (checked in "
            f"{{ref}}`{c.id} <{c.id}>`)",
            "",
        ]
    return "\n".join(parts)


CSV_FIELDS = ("id", "where", "statement", "verdict", "impact", "reason", "evidence",
              "counterexample", "corrected", "changes", "root_cause", "related", "main",
              "chapter", "schema_version")


def ledger_rows(claims: list[Claim]) -> list[dict]:
    """The published ledger: one row per claim, with a link to the section that checks it."""
    return [{**asdict(c), "related": list(c.related),
             "chapter": f"notebooks/{c.notebook}.html#{c.id}",
             "schema_version": SCHEMA_VERSION} for c in claims]


def write_ledger_files(claims: list[Claim], folder: Path) -> None:
    """``claims.json`` and ``claims.csv`` (fields :data:`CSV_FIELDS`) in ``folder``."""
    rows = ledger_rows(claims)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "claims.json").write_text(json.dumps(
        {"schema_version": SCHEMA_VERSION, "paper": "arXiv:2405.08707", "claims": rows},
        indent=1))
    with open(folder / "claims.csv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, CSV_FIELDS, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "related": " ".join(row["related"])})


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


# A markdown cell asks for a claim's box with a fence naming its catalogue id:
#     ```{claim} prop-4
#     ```
# The build replaces it by a proof-style box holding the statement as printed, from the catalogue,
# so that no statement is typed twice (an interactive session shows the fence and its id).
CLAIM_FENCE = re.compile(r"^```\{claim\}[ \t]*(\S*)[ \t]*\n```[ \t]*$", re.MULTILINE)


def claim_box(entry: Entry, page: str = "page") -> str:
    """The MyST proof-style box of a catalogue entry: where it stands and the statement as
    printed; a lemma or theorem gets its own box type, an experiment an observation. Its label
    names the page, so that boxes of one claim on two pages stay distinct."""
    if entry.kind != "statement":
        kind = "observation"
    else:
        kind = next((k for k in ("lemma", "theorem") if k in entry.where.lower()), "proposition")
    return (f"```{{prf:{kind}}} {entry.where}\n:label: box-{page}-{entry.id}\n:nonumber:\n"
            f"{entry.statement}\n\n*Claim `{entry.id}`: its verdict is computed below and "
            f"listed in the {{doc}}`scorecard <../book/scorecard>`.*\n```")


def with_claim_boxes(notebook: dict, catalogue: dict[str, Entry], name: str = "notebook") -> dict:
    """``notebook`` with every ``{claim}`` fence of its markdown cells replaced by
    :func:`claim_box`; an id missing from the catalogue is an error naming the notebook."""
    def replace(match: re.Match) -> str:
        cid = match.group(1)
        if cid not in catalogue:
            raise ValueError(f"{name}: claim box {cid!r} names no catalogue entry")
        return claim_box(catalogue[cid], name)

    for cell in notebook.get("cells", []):
        if cell.get("cell_type") == "markdown":
            text = cell["source"]
            text = "".join(text) if isinstance(text, list) else text
            cell["source"] = CLAIM_FENCE.sub(replace, text)
    return notebook


def findings_box(claims: list[Claim]) -> str:
    """A chapter's findings at a glance, from the rows its run wrote to the ledger: every
    claim it checks, most severe verdict first, with where it stands in the paper, the verdict,
    the impact and a link to the section that checks it. Empty when the chapter records none."""
    if not claims:
        return ""
    rows = sorted(claims, key=lambda c: SEVERITY.index(c.verdict))
    lines = ["```{admonition} Findings of this chapter", ":class: tip findings", "",
             f"{len(claims)} claim{'s' * (len(claims) != 1)} checked when this page was "
             f"built ({_counts([c.verdict for c in claims], SEVERITY)}); each links to the "
             "section that checks it.", ""]
    for c in rows:
        lines.append(f"- **{c.verdict}** (impact: {c.impact}): {{ref}}`{_cell(c.where)} "
                     f"<{c.id}>`" + (" *(a main result)*" if c.main else ""))
    return "\n".join([*lines, "```"])


def with_findings(notebook: dict, claims: list[Claim]) -> dict:
    """``notebook`` with :func:`findings_box` right under its title: the first markdown cell is
    split after its ``# heading`` line, so that the box is the first thing a reader sees (a
    first cell without a heading keeps the box after it)."""
    box = findings_box(claims)
    if box:
        cells = notebook.get("cells", [])
        first = next((i for i, c in enumerate(cells) if c.get("cell_type") == "markdown"), -1)
        if first < 0:
            cells.insert(0, {"cell_type": "markdown", "metadata": {}, "source": box})
            return notebook
        text = cells[first]["source"]
        text = "".join(text) if isinstance(text, list) else text
        title = re.match(r"\s*# [^\n]*\n", text)
        if title and text[title.end():].strip():
            cells[first]["source"] = title.group(0)
            cells[first + 1:first + 1] = [
                {"cell_type": "markdown", "metadata": {}, "source": box},
                {"cell_type": "markdown", "metadata": {}, "source": text[title.end():]}]
        else:
            cells.insert(first + 1, {"cell_type": "markdown", "metadata": {}, "source": box})
    return notebook


_PARAM = re.compile(r"^(\w+)\s*=\s*(.+?)(?:\s+#\s*(.*))?$")


def rerun_section(notebook: dict, stem: str) -> str:
    """A closing section for a chapter: how long its executed run took (papermill's own record
    in the notebook's metadata, never typed) and the command that re-runs it with other values
    of its parameters, listed from its parameters cell."""
    params = []
    for cell in notebook.get("cells", []):
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            source = cell["source"]
            source = "".join(source) if isinstance(source, list) else source
            params = [m.groups() for m in map(_PARAM.match, source.splitlines()) if m]
            break
    duration = notebook.get("metadata", {}).get("papermill", {}).get("duration")
    took = (f"This page was executed in {duration:,.0f} s by papermill when the book was built."
            if duration is not None else "This page's run time was not recorded.")
    example = next((f"-p {n} {v}" for n, v, _ in params if n == "preset"),
                   f"-p {params[0][0]} {params[0][1]}" if params else "")
    lines = ["## Re-run this chapter", "", took + " To run it again, with other parameters:",
             "", "```console", f"make run NB={stem} ARGS='{example}'", "```", ""]
    if params:
        lines += ["| parameter | default | meaning |", "|---|---|---|"]
        lines += [f"| `{n}` | `{v}` | {(c or '').replace('|', '/')} |" for n, v, c in params]
    return "\n".join(lines)


# The first cell of every published notebook: in Google Colab (and only there) it fetches the
# book's repository, installs its package and works in its notebooks/ folder, as `make run` does,
# so that a chapter opened from its Colab button runs. The page itself does not show it.
COLAB_SETUP = """\
# Set-up in Google Colab only (elsewhere this cell does nothing): fetch the book's
# repository, install its package and work in its notebooks/ folder, as `make` does.
import os
import subprocess
import sys

if "google.colab" in sys.modules and not os.path.isdir("/content/assocmem-book"):
    subprocess.run(["git", "clone", "-q", "--depth", "1", {url!r},
                    "/content/assocmem-book"], check=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "-e",
                    "/content/assocmem-book"], check=True)
    sys.path.insert(0, "/content/assocmem-book/src")
    os.chdir("/content/assocmem-book/notebooks")
"""


def with_colab_setup(notebook: dict, repository_url: str) -> dict:
    """``notebook`` with :data:`COLAB_SETUP` as its first cell (tagged ``remove-cell``, so the
    page does not show it; the downloaded and launched notebook has it)."""
    if not re.match(r"^https://github\.com/[\w.-]+/[\w.-]+/?$", repository_url or ""):
        raise ValueError(f"_config.yml repository.url must be a GitHub repository URL; got "
                         f"{repository_url!r}")
    cell = {"cell_type": "code", "execution_count": None, "id": "colab-setup", "outputs": [],
            "metadata": {"tags": ["remove-cell"]},
            "source": COLAB_SETUP.format(url=repository_url.rstrip("/") + ".git")}
    notebook.setdefault("cells", []).insert(0, cell)
    return notebook


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
    shutil.copytree(root / "book", out / "book", ignore=shutil.ignore_patterns("_static"))
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
