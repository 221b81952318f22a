"""The claims ledger: what a notebook computed for each checkable statement of the paper.

A notebook opens a :class:`Ledger` under its own name and records, for a claim id, only what it
computed: the booleans, the evidence and, for a statement that fails, its counterexample. What
a claim *is* (its place in the paper, the statement as printed, its correction, the impact of
its failure, the root cause it shares with other rows) is text, written once in the chapter's
data file ``notebooks/<chapter>.claims.yaml``; the book build joins the two
(:mod:`assocmem.book.catalogue`) and only then names the verdict:

- a statement that passes its check **holds**; one that fails is, as its data file classifies
  it, **holds except at an edge case**, **wrong as printed, conclusion kept** or **refuted**;
- an experiment is **reproduced** or **not reproduced** when the chapter's design can decide
  (``decisive``), else **inconclusive at this scale**; or it is **not checkable here**.

So editing a claim's text re-executes no notebook. Whatever must hold (a lemma, or the
corrected form of a statement that fails as printed) is asserted here, so that a regression
raises :class:`ClaimFailed` and stops the notebook, and with it ``make test``. Each record is
written at once to ``<ledger dir>/<notebook>.json`` (``$ASSOCMEM_LEDGER_DIR``, else
``_build/ledger`` under the project root).
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from assocmem.paths import project_path

STATEMENT_VERDICTS = ("holds", "holds except at an edge case",
                      "wrong as printed, conclusion kept", "refuted")
EXPERIMENT_VERDICTS = ("reproduced", "not reproduced", "inconclusive at this scale")
VERDICTS = STATEMENT_VERDICTS + EXPERIMENT_VERDICTS + ("not checkable here",)
ERRATA_VERDICTS = STATEMENT_VERDICTS[1:]
FAILURES = dict(zip(("edge case", "corrected", "refuted"), ERRATA_VERDICTS, strict=True))
IMPACTS = ("none", "bound or constant", "main result")
KINDS = ("statement", "experiment", "not checkable")
SCHEMA_VERSION = 2
CLAIM_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*\Z")


class ClaimFailed(AssertionError):
    """A statement that must hold (a lemma, or a corrected statement) failed its check."""


@dataclass(frozen=True)
class Record:
    """One ledger row: what a notebook computed for one claim, and nothing it did not compute.

    Statements carry ``holds`` (as printed), ``corrected_holds`` (the corrected form, where the
    run checked one) and a ``counterexample`` when they fail; experiments carry ``reproduced``,
    ``decisive`` (whether the design decides at this scale) and their ``scale`` as data.
    """

    id: str
    kind: str
    notebook: str
    evidence: str
    holds: bool | None = None
    corrected_holds: bool | None = None
    counterexample: str = ""
    reproduced: bool | None = None
    decisive: bool | None = None
    scale: dict = field(default_factory=dict)
    key: str = ""  # the row's key number, in words ("29% above 15.49"), for the findings box

    def __post_init__(self):
        if not CLAIM_ID.match(self.id):
            raise ValueError(f"claim id must be lower-case words joined by '-'; got {self.id!r}")
        if self.kind not in KINDS:
            raise ValueError(f"claim {self.id!r}: kind must be one of {KINDS}; got {self.kind!r}")
        if not self.evidence.strip():
            raise ValueError(f"claim {self.id!r}: 'evidence' must not be empty")
        wanted = {"statement": ("holds",), "experiment": ("reproduced", "decisive"),
                  "not checkable": ()}[self.kind]
        for name in ("holds", "reproduced", "decisive"):
            value = getattr(self, name)
            if (name in wanted) != isinstance(value, bool):
                raise ValueError(f"claim {self.id!r}: a {self.kind} record "
                                 f"{'needs' if name in wanted else 'takes no'} boolean {name!r}")
        if self.holds is False and not self.counterexample.strip():
            raise ValueError(f"claim {self.id!r} fails as printed: give its counterexample")

    @property
    def outcome(self) -> str:
        """What the run found, in words that need no catalogue (its classification, edge case
        or refuted, is the data file's and is joined at build time)."""
        if self.kind == "statement":
            if self.holds:
                return "holds as printed"
            return "fails as printed" + (", its corrected form holds" if self.corrected_holds
                                         else "")
        if self.kind == "not checkable":
            return "not checkable here"
        if not self.decisive:
            return "inconclusive at this scale"
        return "reproduced" if self.reproduced else "not reproduced"

    def _repr_markdown_(self) -> str:
        return f"**Claim `{self.id}`: {self.outcome}.** {self.evidence}"


def default_ledger_dir() -> Path:
    """``$ASSOCMEM_LEDGER_DIR``, else ``_build/ledger`` at the project root above the cwd."""
    return project_path("ASSOCMEM_LEDGER_DIR", "_build", "ledger")


@dataclass
class Ledger:
    """The claims checked by one notebook; each record is saved as soon as it is made."""

    notebook: str
    directory: Path | None = None
    records: dict[str, Record] = field(default_factory=dict)

    def __post_init__(self):
        self.directory = Path(self.directory) if self.directory else default_ledger_dir()
        self.path = self.directory / f"{self.notebook}.json"
        self.directory.mkdir(parents=True, exist_ok=True)
        self._save()  # a re-run starts its notebook's ledger afresh

    def statement(self, id: str, *, holds: bool, evidence: str, counterexample: str = "",
                  corrected_holds: bool | None = None, must_hold: bool = True,
                  key: str = "") -> Record:
        """Record a mathematical statement checked as printed (and, if it fails, corrected).

        A failing statement needs its ``counterexample``. If the run checked a corrected form
        (``corrected_holds``), that form must hold; with ``must_hold`` (the default), a
        statement that holds neither as printed nor corrected raises :class:`ClaimFailed`
        after it is recorded. ``must_hold=False`` is for a statement the book refutes. ``key``:
        the number the verdict rests on, in a few words, shown beside it in the chapter's
        findings box.
        """
        if not holds and not counterexample:
            raise ClaimFailed(f"{id} failed its check, which no counterexample explains: "
                              f"{evidence}")
        record = self._add(Record(id, "statement", self.notebook, evidence, holds=bool(holds),
                                  corrected_holds=(None if corrected_holds is None
                                                   else bool(corrected_holds)),
                                  counterexample=counterexample, key=key))
        if corrected_holds is False:
            raise ClaimFailed(f"{id}: the corrected statement fails too: {evidence}")
        if must_hold and not holds and not corrected_holds:
            raise ClaimFailed(f"{id} fails as printed and no corrected form was shown to hold: "
                              f"{evidence}")
        return record

    def experiment(self, id: str, *, reproduced: bool, evidence: str,
                   decisive: bool = True, scale: dict | None = None, key: str = "") -> Record:
        """Record an empirical claim: ``reproduced`` or not, and whether the chapter's design
        can decide at this scale (``decisive``; if not, the verdict is "inconclusive at this
        scale"). ``scale``: the evidence's scale as data (parameters, tokens, vocabulary; this
        run's and the paper's), published with the row."""
        return self._add(Record(id, "experiment", self.notebook, evidence,
                                reproduced=bool(reproduced), decisive=bool(decisive),
                                scale=json.loads(json.dumps(scale or {})), key=key))

    def not_checkable(self, id: str, *, reason: str, key: str = "") -> Record:
        """Record a claim this book cannot check, with the reason as its evidence."""
        return self._add(Record(id, "not checkable", self.notebook, reason, key=key))

    def _add(self, record: Record) -> Record:
        if record.id in self.records:
            raise ValueError(f"claim {record.id!r} recorded twice in {self.notebook}")
        self.records[record.id] = record
        self._save()
        return record

    def _save(self) -> None:
        tmp = self.path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps([asdict(r) for r in self.records.values()], indent=1))
        tmp.replace(self.path)

    def __repr__(self) -> str:  # short: no path of the machine it ran on
        return f"Ledger({self.notebook!r}, {len(self.records)} claims)"

    def _repr_markdown_(self) -> str:
        rows = [f"| {r.id} | **{r.outcome}** | {r.evidence} |" for r in self.records.values()]
        return "\n".join(["| claim | outcome | evidence |", "|---|---|---|", *rows])


def load_records(directory: Path) -> list[Record]:
    """Every record written under ``directory``, in file-name (reading) order; an id recorded
    by two notebooks is an error."""
    records = []
    for path in sorted(Path(directory).glob("*.json")):
        records.extend(Record(**row) for row in json.loads(path.read_text()))
    ids = [r.id for r in records]
    duplicated = sorted({i for i in ids if ids.count(i) > 1})
    if duplicated:
        raise ValueError(f"claim ids recorded by more than one notebook: {duplicated}")
    return records
