"""The claims catalogue: the text of every checkable statement, read from the chapters' data.

Each chapter ``notebooks/<chapter>.claims.yaml`` holds, keyed by claim id, what the paper
claims and what a failure would mean (:data:`FIELDS`): where it stands in the paper, the
statement as printed, the corrected statement, how a failing check is classified, the impact
with its reason, what the finding changes, the root cause it shares with other rows and the
related ids. The file is validated when loaded: an unknown field, a duplicate id, a word that
is not in the taxonomy or a related id that names no claim is refused, naming the file.

A ``reason`` or ``changes`` that interprets one particular outcome of an experiment is written
as a mapping from the verdicts it was written for to its text; the join refuses a verdict that
has no text, so an interpretation is never published beside an outcome it does not describe.

The notebooks never read these files: :func:`join` meets their records
(:class:`assocmem.book.claims.Record`) here, when the book is built, and names the verdicts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from assocmem.book.claims import (
    CLAIM_ID,
    ERRATA_VERDICTS,
    EXPERIMENT_VERDICTS,
    FAILURES,
    IMPACTS,
    KINDS,
    STATEMENT_VERDICTS,
    VERDICTS,
    Record,
)
from assocmem.paths import project_root

FIELDS = {  # field: (required, type, what it holds)
    "where": (True, str, "where it stands in the paper"),
    "statement": (True, str, "the statement as printed"),
    "kind": (True, str, f"one of {KINDS}"),
    "impact": (True, str, f"one of {IMPACTS}: the judgement of what a failure changes"),
    "reason": (True, (str, dict), "the impact's reason, or a mapping verdict -> reason"),
    "corrected": (False, str, "the corrected statement, where there is one"),
    "failure": (False, str, f"statements: one of {list(FAILURES)}, how a failure is classified"),
    "changes": (False, (str, dict), "what the finding changes (or a mapping verdict -> text)"),
    "root_cause": (False, str, "a name shared by rows that fail for one reason"),
    "related": (False, list, "ids of related claims"),
    "main": (False, bool, "one of the paper's main results"),
    "simulation": (False, bool, "an experiment the paper did not run: the book's own test"),
}


@dataclass(frozen=True)
class Entry:
    """A catalogue entry, as its chapter's data file gives it (``chapter``: that file's stem)."""

    id: str
    where: str
    statement: str
    kind: str
    chapter: str
    impact: str
    reason: str | dict = ""
    corrected: str = ""
    failure: str = ""
    changes: str | dict = ""
    root_cause: str = ""
    related: tuple[str, ...] = ()
    main: bool = False
    simulation: bool = False

    def __post_init__(self):
        where = f"claim {self.id!r} ({self.chapter})"
        if not CLAIM_ID.match(self.id):
            raise ValueError(f"{where}: an id is lower-case words joined by '-'")
        if self.kind not in KINDS:
            raise ValueError(f"{where}: kind must be one of {KINDS}; got {self.kind!r}")
        if self.impact not in IMPACTS:
            raise ValueError(f"{where}: impact must be one of {IMPACTS}; got {self.impact!r}")
        for name in ("where", "statement", "reason"):
            value = getattr(self, name)
            if not (value and all(str(v).strip() for v in _texts(value))):
                raise ValueError(f"{where}: {name!r} must not be empty")
        if self.failure and (self.kind != "statement" or self.failure not in FAILURES):
            raise ValueError(f"{where}: failure must be one of {list(FAILURES)} and only for "
                             f"statements; got {self.failure!r}")
        if self.simulation and self.kind != "experiment":
            raise ValueError(f"{where}: only an experiment can be a simulation")
        allowed = {"statement": STATEMENT_VERDICTS, "experiment": EXPERIMENT_VERDICTS,
                   "not checkable": ("not checkable here",)}[self.kind]
        for name in ("reason", "changes"):
            value = getattr(self, name)
            unknown = [v for v in value if v not in allowed] if isinstance(value, dict) else []
            if unknown:
                raise ValueError(f"{where}: {name} is written for {unknown}, which are not "
                                 f"verdicts of a {self.kind} ({allowed})")
        object.__setattr__(self, "related", tuple(self.related))

    def text(self, name: str, verdict: str) -> str:
        """``reason`` or ``changes`` for ``verdict``: the one text, or the one written for it."""
        value = getattr(self, name)
        if not isinstance(value, dict):
            return value
        if verdict not in value:
            raise ValueError(f"claim {self.id!r}: the run says {verdict!r}, but its {name} in "
                             f"notebooks/{self.chapter}.claims.yaml was written for "
                             f"{' or '.join(map(repr, value))}: write one for {verdict!r}")
        return value[verdict]


def _texts(value):
    return value.values() if isinstance(value, dict) else [value]


class _UniqueKeys(yaml.SafeLoader):
    """A YAML loader that refuses a key given twice in one mapping (a duplicate claim id)."""


def _mapping(loader, node, deep=False):
    keys = [loader.construct_object(k, deep=deep) for k, _ in node.value]
    duplicated = sorted({k for k in keys if keys.count(k) > 1}, key=str)
    if duplicated:
        raise ValueError(f"line {node.start_mark.line + 1}: {duplicated} given twice")
    return loader.construct_mapping(node, deep=deep)


_UniqueKeys.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def claims_files(folder: Path | None = None) -> list[Path]:
    """The chapters' claim files, ``<folder>/*.claims.yaml`` (default: the project's
    ``notebooks/``), in reading order."""
    folder = Path(folder) if folder is not None else project_root() / "notebooks"
    return sorted(folder.glob("*.claims.yaml"))


def read_entries(path: Path) -> list[Entry]:
    """The entries of one chapter's file, validated; an error names the file and the id."""
    path = Path(path)
    chapter = path.name.removesuffix(".claims.yaml")
    try:
        data = yaml.load(path.read_text(), Loader=_UniqueKeys) or {}
    except (yaml.YAMLError, ValueError) as error:
        raise ValueError(f"{path.name}: {error}") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path.name}: expected a mapping from claim id to its fields")
    entries = []
    for cid, row in data.items():
        if not isinstance(row, dict):
            raise ValueError(f"{path.name}: claim {cid!r} must map field names to values")
        unknown = sorted(set(row) - set(FIELDS))
        if unknown:
            raise ValueError(f"{path.name}: claim {cid!r} has unknown fields {unknown}; the "
                             f"fields are {list(FIELDS)}")
        for name, (required, kind, _) in FIELDS.items():
            if required and name not in row:
                raise ValueError(f"{path.name}: claim {cid!r} lacks {name!r}")
            if name in row and not isinstance(row[name], kind):
                raise ValueError(f"{path.name}: claim {cid!r}: {name!r} must be "
                                 f"{getattr(kind, '__name__', 'a text or a mapping')}")
        try:
            entries.append(Entry(id=str(cid), chapter=chapter, **row))
        except (TypeError, ValueError) as error:
            raise ValueError(f"{path.name}: {error}") from None
    return entries


def load_catalogue(folder: Path | None = None) -> dict[str, Entry]:
    """Every chapter's entries by id, in reading order; an id in two files, or a related id
    that names no entry, is an error."""
    catalogue: dict[str, Entry] = {}
    for path in claims_files(folder):
        for entry in read_entries(path):
            if entry.id in catalogue:
                raise ValueError(f"claim {entry.id!r} is in both "
                                 f"{catalogue[entry.id].chapter}.claims.yaml and {path.name}")
            catalogue[entry.id] = entry
    for entry in catalogue.values():
        missing = [r for r in entry.related if r not in catalogue]
        if missing:
            raise ValueError(f"{entry.chapter}.claims.yaml: claim {entry.id!r} relates to "
                             f"{missing}, which are not claims")
    return catalogue


@dataclass(frozen=True)
class Claim:
    """One row of the published ledger: a record joined to its entry, with its verdict.

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
    scale: dict = field(default_factory=dict)
    simulation: bool = False
    key: str = ""  # the number the verdict rests on, in a few words (the run's)

    def __post_init__(self):
        if self.verdict not in VERDICTS:
            raise ValueError(f"claim verdict must be one of {VERDICTS}; got {self.verdict!r}")
        if self.verdict in ERRATA_VERDICTS and not self.counterexample.strip():
            raise ValueError(f"claim {self.id!r} fails as printed: give its counterexample")
        object.__setattr__(self, "related", tuple(self.related))


def verdict(record: Record, entry: Entry) -> str:
    """The verdict of ``record`` under ``entry``'s classification of a failure."""
    if record.kind != entry.kind:
        raise ValueError(f"claim {record.id!r} is a {entry.kind} in "
                         f"{entry.chapter}.claims.yaml, recorded as a {record.kind}")
    if record.kind == "not checkable":
        return "not checkable here"
    if record.kind == "experiment":
        if not record.decisive:
            return "inconclusive at this scale"
        return "reproduced" if record.reproduced else "not reproduced"
    if record.holds:
        return "holds"
    if not entry.failure:
        raise ValueError(f"claim {record.id!r} failed its check ({record.evidence}), but "
                         f"{entry.chapter}.claims.yaml does not classify its failure")
    if record.corrected_holds and not entry.corrected:
        raise ValueError(f"claim {record.id!r}: the run checked a corrected form, but "
                         f"{entry.chapter}.claims.yaml gives no corrected statement")
    return FAILURES[entry.failure]


def join(records: list[Record], catalogue: dict[str, Entry]) -> list[Claim]:
    """The published rows: each record with its entry's text and its verdict."""
    unknown = sorted(r.id for r in records if r.id not in catalogue)
    if unknown:
        raise ValueError(f"claims recorded by the notebooks have no entry in any "
                         f"notebooks/*.claims.yaml: {unknown}")
    claims = []
    for r in records:
        e = catalogue[r.id]
        v = verdict(r, e)
        fails = v in ERRATA_VERDICTS  # a counterexample and correction only where it fails
        claims.append(Claim(r.id, e.where, e.statement, v, r.evidence, r.notebook,
                            r.counterexample if fails else "", e.corrected if fails else "",
                            e.impact, e.text("reason", v), e.text("changes", v), e.root_cause,
                            e.related, e.main, r.scale, e.simulation, r.key))
    return claims
