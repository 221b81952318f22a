"""The claims ledger: every checkable statement of the paper, with a verdict the code computes.

A notebook opens a :class:`Ledger` under its own name and records each statement it checks.
Each record is written at once to ``<ledger dir>/<notebook>.json``; the book build gathers the
files into the scorecard and the errata page (:mod:`assocmem.book.build`). Nobody writes a verdict
by hand: the verdict follows from the booleans that the checks compute. Whatever must hold (a
lemma, or the corrected form of a statement that fails as printed) is also asserted, so that a
regression raises :class:`ClaimFailed` and stops the notebook, and with it ``make test``.

The ledger directory is ``$ASSOCMEM_LEDGER_DIR`` when set (the Makefile sets it), otherwise
``_build/ledger`` under the project root found above the working directory.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from assocmem.paths import project_path

VERDICTS = (
    "holds",
    "fails as printed",
    "holds after correction",
    "reproduced",
    "not reproduced",
    "not checkable here",
)
ERRATA_VERDICTS = ("fails as printed", "holds after correction")
_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class ClaimFailed(AssertionError):
    """A statement that must hold (a lemma, or a corrected statement) failed its check."""


@dataclass(frozen=True)
class Claim:
    """One row of the ledger.

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

    def __post_init__(self):
        if not _ID.match(self.id):
            raise ValueError(f"claim id must be lower-case words joined by '-'; got {self.id!r}")
        if self.verdict not in VERDICTS:
            raise ValueError(f"claim verdict must be one of {VERDICTS}; got {self.verdict!r}")
        for name in ("where", "statement", "evidence"):
            if not getattr(self, name).strip():
                raise ValueError(f"claim {self.id!r}: {name!r} must not be empty")
        if self.verdict in ERRATA_VERDICTS and not self.counterexample.strip():
            raise ValueError(f"claim {self.id!r} fails as printed: give its counterexample")
        if self.verdict == "holds after correction" and not self.corrected.strip():
            raise ValueError(f"claim {self.id!r}: give the corrected statement")

    def _repr_markdown_(self) -> str:
        return f"**{self.id} ({self.where}): {self.verdict}.** {self.evidence}"


def default_ledger_dir() -> Path:
    """``$ASSOCMEM_LEDGER_DIR``, else ``_build/ledger`` at the project root above the cwd."""
    return project_path("ASSOCMEM_LEDGER_DIR", "_build", "ledger")


@dataclass
class Ledger:
    """The claims checked by one notebook; each record is saved as soon as it is made."""

    notebook: str
    directory: Path | None = None
    claims: dict[str, Claim] = field(default_factory=dict)

    def __post_init__(self):
        self.directory = Path(self.directory) if self.directory else default_ledger_dir()
        self.path = self.directory / f"{self.notebook}.json"
        self.directory.mkdir(parents=True, exist_ok=True)
        self._save()  # a re-run starts its notebook's ledger afresh

    def statement(
        self, id: str, *, where: str, statement: str, holds: bool, evidence: str,
        counterexample: str = "", corrected: str = "", corrected_holds: bool | None = None,
        must_hold: bool = True,
    ) -> Claim:
        """Record a mathematical statement checked as printed (and, if it fails, corrected).

        The verdict: ``holds`` when the printed statement passed; ``holds after correction`` when
        it failed and ``corrected`` passed; ``fails as printed`` otherwise. With ``must_hold``
        (the default), a statement that holds neither as printed nor corrected raises
        :class:`ClaimFailed` after it is recorded.
        """
        if not holds and not counterexample:
            raise ClaimFailed(f"{id} ({where}) failed its check, which no counterexample "
                              f"explains: {evidence}")
        if holds:
            verdict = "holds"
        elif corrected and corrected_holds:
            verdict = "holds after correction"
        else:
            verdict = "fails as printed"
        claim = self._add(Claim(id, where, statement, verdict, evidence, self.notebook,
                                counterexample, corrected))
        if corrected and corrected_holds is False:
            raise ClaimFailed(f"{id}: the corrected statement fails too: {evidence}")
        if must_hold and verdict == "fails as printed":
            raise ClaimFailed(f"{id} ({where}) fails: {evidence}")
        return claim

    def experiment(self, id: str, *, where: str, statement: str, reproduced: bool,
                   evidence: str) -> Claim:
        """Record an empirical claim: ``reproduced`` or ``not reproduced`` by our run."""
        verdict = "reproduced" if reproduced else "not reproduced"
        return self._add(Claim(id, where, statement, verdict, evidence, self.notebook))

    def not_checkable(self, id: str, *, where: str, statement: str, reason: str) -> Claim:
        """Record a claim this book cannot check, with the reason as its evidence."""
        return self._add(Claim(id, where, statement, "not checkable here", reason, self.notebook))

    def _add(self, claim: Claim) -> Claim:
        if claim.id in self.claims:
            raise ValueError(f"claim {claim.id!r} recorded twice in {self.notebook}")
        self.claims[claim.id] = claim
        self._save()
        return claim

    def _save(self) -> None:
        tmp = self.path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps([asdict(c) for c in self.claims.values()], indent=1))
        tmp.replace(self.path)

    def _repr_markdown_(self) -> str:
        rows = [f"| {c.id} | {c.where} | **{c.verdict}** | {c.evidence} |"
                for c in self.claims.values()]
        return "\n".join(["| claim | where | verdict | evidence |", "|---|---|---|---|", *rows])


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
