"""The claims ledger: every checkable statement of the paper, with a verdict the code computes.

What a claim *is* (its place in the paper, the statement as printed, its correction, the impact
of its failure, the root cause it shares with other rows) is written once, in the catalogue
(:mod:`assocmem.book.catalogue`). A notebook opens a :class:`Ledger` under its own name and
records, for a catalogue id, only what it computed: the booleans and the evidence. The verdict
follows from those booleans and from the catalogue's classification of a failure:

- a statement that passes its check **holds**; one that fails is, as the catalogue classifies
  it, **holds except at an edge case**, **wrong as printed, conclusion kept** or **refuted**;
- an experiment is **reproduced** or **not reproduced** when the chapter's design can decide
  (``decisive``), else **inconclusive at this scale**; or it is **not checkable here**.

Whatever must hold (a lemma, or the corrected form of a statement that fails as printed) is also
asserted, so that a regression raises :class:`ClaimFailed` and stops the notebook, and with it
``make test``. Each record is written at once to ``<ledger dir>/<notebook>.json``
(``$ASSOCMEM_LEDGER_DIR``, else ``_build/ledger`` under the project root); the book build
gathers the files into the scorecard, the errata page and the published ``claims.json``.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from assocmem.paths import project_path

STATEMENT_VERDICTS = ("holds", "holds except at an edge case",
                      "wrong as printed, conclusion kept", "refuted")
EXPERIMENT_VERDICTS = ("reproduced", "not reproduced", "inconclusive at this scale",
                       "not checkable here")
VERDICTS = STATEMENT_VERDICTS + EXPERIMENT_VERDICTS
ERRATA_VERDICTS = STATEMENT_VERDICTS[1:]
FAILURES = dict(zip(("edge case", "corrected", "refuted"), ERRATA_VERDICTS, strict=True))
IMPACTS = ("none", "bound or constant", "main result")
KINDS = ("statement", "experiment", "not checkable")
SCHEMA_VERSION = 2
_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class ClaimFailed(AssertionError):
    """A statement that must hold (a lemma, or a corrected statement) failed its check."""


def _check_row(row, required: tuple[str, ...]) -> None:
    """The checks a catalogue entry and a ledger row share: id, impact, non-empty texts."""
    if not _ID.match(row.id):
        raise ValueError(f"claim id must be lower-case words joined by '-'; got {row.id!r}")
    if row.impact not in IMPACTS:
        raise ValueError(f"claim {row.id!r}: impact must be one of {IMPACTS}; got {row.impact!r}")
    for name in required:
        if not getattr(row, name).strip():
            raise ValueError(f"claim {row.id!r}: {name!r} must not be empty")


@dataclass(frozen=True)
class Entry:
    """A catalogue entry: what the paper claims and what its failure would mean.

    ``failure`` (statements only) classifies a failing check: ``"edge case"``, ``"corrected"``
    (wrong as printed, the corrected form keeps the conclusion) or ``"refuted"``. ``impact`` is
    the judgement of what a failure changes for the paper, with its one-line ``reason``;
    ``changes`` says what the finding changes for the paper's conclusions; ``root_cause`` groups
    rows that fail for one reason (counted once in the headline); ``main`` marks the paper's main
    results, which lead the scorecard. An experiment whose ``reason`` and ``changes`` interpret a
    particular outcome names the verdicts they were written for in ``written_for``; the book
    build refuses a run whose verdict is not among them (:func:`stale_judgements`), so that an
    interpretation is never published beside a verdict it does not describe.
    """

    id: str
    where: str
    statement: str
    kind: str
    chapter: str
    impact: str
    reason: str
    corrected: str = ""
    failure: str = ""
    changes: str = ""
    root_cause: str = ""
    related: tuple[str, ...] = ()
    main: bool = False
    written_for: tuple[str, ...] = ()  # the verdicts its reason and changes were written for
    simulation: bool = False  # an experiment the paper did not run: the book's own test

    def __post_init__(self):
        _check_row(self, ("where", "statement", "reason"))
        unknown = [v for v in self.written_for if v not in VERDICTS]
        if unknown:
            raise ValueError(f"claim {self.id!r}: written_for names no verdict: {unknown}")
        if self.kind not in KINDS:
            raise ValueError(f"claim {self.id!r}: kind must be one of {KINDS}; got {self.kind!r}")
        if self.simulation and self.kind != "experiment":
            raise ValueError(f"claim {self.id!r}: only an experiment can be a simulation")
        if self.failure and (self.kind != "statement" or self.failure not in FAILURES):
            raise ValueError(f"claim {self.id!r}: failure must be one of {list(FAILURES)} and "
                             f"only for statements; got {self.failure!r}")


@dataclass(frozen=True)
class Claim:
    """One row of the ledger: the catalogue's entry and what the run computed.

    ``id`` doubles as the MyST label of the notebook section that checks the claim, so the
    scorecard links to it and a missing label breaks the strict book build.
    """

    id: str
    where: str
    statement: str
    verdict: str
    evidence: str
    notebook: str
    counterexample: str = ""
    corrected: str = ""
    impact: str = "none"
    reason: str = ""
    changes: str = ""
    root_cause: str = ""
    related: tuple[str, ...] = ()
    main: bool = False
    scale: dict = field(default_factory=dict)  # an experiment's scale: this run's and the paper's
    simulation: bool = False  # the book's own experiment, not one of the paper's

    def __post_init__(self):
        _check_row(self, ("where", "statement", "evidence"))
        if self.verdict not in VERDICTS:
            raise ValueError(f"claim verdict must be one of {VERDICTS}; got {self.verdict!r}")
        if self.verdict in ERRATA_VERDICTS and not self.counterexample.strip():
            raise ValueError(f"claim {self.id!r} fails as printed: give its counterexample")
        object.__setattr__(self, "related", tuple(self.related))

    def _repr_markdown_(self) -> str:
        return (f"**{self.id} ({self.where}): {self.verdict}** (impact: {self.impact}). "
                f"{self.evidence}")


def default_ledger_dir() -> Path:
    """``$ASSOCMEM_LEDGER_DIR``, else ``_build/ledger`` at the project root above the cwd."""
    return project_path("ASSOCMEM_LEDGER_DIR", "_build", "ledger")


def _catalogue() -> dict[str, Entry]:
    from assocmem.book.catalogue import CATALOGUE

    return CATALOGUE


@dataclass
class Ledger:
    """The claims checked by one notebook; each record is saved as soon as it is made."""

    notebook: str
    directory: Path | None = None
    catalogue: dict[str, Entry] | None = None
    claims: dict[str, Claim] = field(default_factory=dict)

    def __post_init__(self):
        self.directory = Path(self.directory) if self.directory else default_ledger_dir()
        self.catalogue = _catalogue() if self.catalogue is None else self.catalogue
        self.path = self.directory / f"{self.notebook}.json"
        self.directory.mkdir(parents=True, exist_ok=True)
        self._save()  # a re-run starts its notebook's ledger afresh

    def entry(self, id: str, kind: str) -> Entry:
        """The catalogue's entry for ``id``; an unknown id or another kind is an error."""
        if id not in self.catalogue:
            raise ValueError(f"claim id {id!r} is not in the catalogue "
                             f"(assocmem.book.catalogue): add it there first")
        entry = self.catalogue[id]
        if entry.kind != kind:
            raise ValueError(f"claim {id!r} is a {entry.kind} in the catalogue, recorded as a "
                             f"{kind}")
        return entry

    def statement(self, id: str, *, holds: bool, evidence: str, counterexample: str = "",
                  corrected_holds: bool | None = None, must_hold: bool = True) -> Claim:
        """Record a mathematical statement checked as printed (and, if it fails, corrected).

        A statement that fails takes the verdict of its catalogue ``failure`` class. The
        corrected statement, where the catalogue has one, must hold (``corrected_holds``);
        with ``must_hold`` (the default), a statement that holds neither as printed nor
        corrected raises :class:`ClaimFailed` after it is recorded.
        """
        entry = self.entry(id, "statement")
        if not holds and not counterexample:
            raise ClaimFailed(f"{id} ({entry.where}) failed its check, which no counterexample "
                              f"explains: {evidence}")
        if not holds and not entry.failure:
            raise ClaimFailed(f"{id} failed its check, but the catalogue does not classify "
                              f"its failure: {evidence}")
        verdict = "holds" if holds else FAILURES[entry.failure]
        claim = self._add(entry, verdict, evidence, counterexample)
        if entry.corrected and corrected_holds is False:
            raise ClaimFailed(f"{id}: the corrected statement fails too: {evidence}")
        if must_hold and not holds and not (entry.corrected and corrected_holds):
            raise ClaimFailed(f"{id} ({entry.where}) fails: {evidence}")
        return claim

    def experiment(self, id: str, *, reproduced: bool, evidence: str,
                   decisive: bool = True, scale: dict | None = None) -> Claim:
        """Record an empirical claim: ``reproduced`` or ``not reproduced`` when the chapter's
        design can decide (``decisive``), otherwise ``inconclusive at this scale``. ``scale``:
        the evidence's scale as data (parameters, tokens, vocabulary; this run's and the
        paper's), published with the row."""
        entry = self.entry(id, "experiment")
        if not decisive:
            verdict = "inconclusive at this scale"
        else:
            verdict = "reproduced" if reproduced else "not reproduced"
        return self._add(entry, verdict, evidence, scale=scale or {})

    def not_checkable(self, id: str, *, reason: str) -> Claim:
        """Record a claim this book cannot check, with the reason as its evidence."""
        return self._add(self.entry(id, "not checkable"), "not checkable here", reason)

    def _add(self, entry: Entry, verdict: str, evidence: str, counterexample: str = "",
             scale: dict | None = None) -> Claim:
        if entry.id in self.claims:
            raise ValueError(f"claim {entry.id!r} recorded twice in {self.notebook}")
        claim = Claim(entry.id, entry.where, entry.statement, verdict, evidence, self.notebook,
                      counterexample, entry.corrected if verdict in ERRATA_VERDICTS else "",
                      entry.impact, entry.reason, entry.changes, entry.root_cause,
                      entry.related, entry.main, json.loads(json.dumps(scale or {})),
                      entry.simulation)
        self.claims[claim.id] = claim
        self._save()
        return claim

    def _save(self) -> None:
        tmp = self.path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps([asdict(c) for c in self.claims.values()], indent=1))
        tmp.replace(self.path)

    def __repr__(self) -> str:  # short: no catalogue, no path of the machine it ran on
        return f"Ledger({self.notebook!r}, {len(self.claims)} claims)"

    def _repr_markdown_(self) -> str:
        rows = [f"| {c.id} | {c.where} | **{c.verdict}** | {c.impact} | {c.evidence} |"
                for c in self.claims.values()]
        return "\n".join(["| claim | where | verdict | impact | evidence |",
                          "|---|---|---|---|---|", *rows])


def load_claims(directory: Path) -> list[Claim]:
    """Every claim recorded under ``directory``, in file-name (reading) order."""
    claims = []
    for path in sorted(Path(directory).glob("*.json")):
        claims.extend(Claim(**row) for row in json.loads(path.read_text()))
    ids = [c.id for c in claims]
    duplicated = sorted({i for i in ids if ids.count(i) > 1})
    if duplicated:
        raise ValueError(f"claim ids recorded by more than one notebook: {duplicated}")
    return claims
