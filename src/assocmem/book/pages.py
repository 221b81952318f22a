"""The claims rendered into pages: the headline and the book's verdict, the scorecard, the
errata, the published ``claims.json``/``claims.csv``, and, in each chapter, the claim boxes and
the findings box. Every function takes the joined rows (:func:`assocmem.book.catalogue.join`);
none types a verdict.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from dataclasses import asdict
from pathlib import Path

from assocmem.book.catalogue import Claim, Entry
from assocmem.book.claims import ERRATA_VERDICTS, IMPACTS, SCHEMA_VERSION


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


# Two drop-downs over the scorecard's table, filled from the table itself by
# book/js/claim-filter.js, which the build serves at the site's root (_extra/js) and this page
# alone loads: a reader can show only the refuted rows, or only those with impact "main result".
FILTER_HTML = """```{raw} html
<p class="claim-filter">Show verdict <select id="filter-verdict"><option value="">all</option>
</select> and impact <select id="filter-impact"><option value="">all</option></select>
<span id="filter-count"></span></p>
<script src="../js/claim-filter.js"></script>
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
              "chapter", "schema_version", "key")  # a new column goes last: cited positions hold


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
    the number it rests on (the run's ``key``), the impact and a link to the section that
    checks it. Empty when the chapter records none."""
    if not claims:
        return ""
    rows = sorted(claims, key=lambda c: SEVERITY.index(c.verdict))
    lines = ["```{admonition} Findings of this chapter", ":class: tip findings", "",
             f"{len(claims)} claim{'s' * (len(claims) != 1)} checked when this page was "
             f"built ({_counts([c.verdict for c in claims], SEVERITY)}); each links to the "
             "section that checks it.", ""]
    for c in rows:
        key = f" \u2014 {c.key}" if c.key else ""
        lines.append(f"- **{c.verdict}**{key} (impact: {c.impact}): {{ref}}`{_cell(c.where)} "
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
