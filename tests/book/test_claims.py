"""The claims ledger computes verdicts, asserts what must hold, and feeds the generated pages."""

import json

import pytest

from assocmem.book.build import errata_markdown, notebook_stems, scorecard_markdown, stage
from assocmem.book.claims import Claim, ClaimFailed, Ledger, load_claims


def test_verdicts_follow_the_checks(tmp_path):
    ledger = Ledger("01_x", tmp_path)
    first = ledger.statement("a", where="w", statement="s", holds=True, evidence="e")
    assert first.verdict == "holds"
    fixed = ledger.statement("b", where="w", statement="s", holds=False, evidence="e",
                             counterexample="n = 1", corrected="s'", corrected_holds=True)
    assert fixed.verdict == "holds after correction"
    refuted = ledger.statement("c", where="w", statement="s", holds=False, evidence="e",
                               counterexample="x", must_hold=False)
    assert refuted.verdict == "fails as printed"
    assert ledger.experiment("d", where="w", statement="s", reproduced=False,
                             evidence="e").verdict == "not reproduced"
    assert ledger.not_checkable("e", where="w", statement="s", reason="r").verdict == \
        "not checkable here"
    saved = json.loads((tmp_path / "01_x.json").read_text())
    assert [row["id"] for row in saved] == ["a", "b", "c", "d", "e"]


def test_a_failing_statement_that_must_hold_raises_after_recording(tmp_path):
    ledger = Ledger("01_x", tmp_path)
    with pytest.raises(ClaimFailed, match="lemma-9"):
        ledger.statement("lemma-9", where="w", statement="s", holds=False, evidence="e",
                         counterexample="x")
    assert load_claims(tmp_path)[0].verdict == "fails as printed"
    with pytest.raises(ClaimFailed, match="corrected statement fails"):
        ledger.statement("lemma-8", where="w", statement="s", holds=False, evidence="e",
                         counterexample="x", corrected="s'", corrected_holds=False)


def test_bad_claims_are_refused(tmp_path):
    ledger = Ledger("01_x", tmp_path)
    with pytest.raises(ClaimFailed, match="no counterexample"):
        ledger.statement("a", where="w", statement="s", holds=False, evidence="e",
                         corrected="s'", corrected_holds=True)
    with pytest.raises(ValueError, match="claim id"):
        ledger.statement("Lemma 1", where="w", statement="s", holds=True, evidence="e")
    ledger.statement("a", where="w", statement="s", holds=True, evidence="e")
    with pytest.raises(ValueError, match="recorded twice"):
        ledger.statement("a", where="w", statement="s", holds=True, evidence="e")
    with pytest.raises(ValueError, match="verdict"):
        Claim("x", "w", "s", "probably", "e", "nb")


def test_rerun_starts_the_notebook_ledger_afresh(tmp_path):
    Ledger("01_x", tmp_path).statement("a", where="w", statement="s", holds=True, evidence="e")
    Ledger("01_x", tmp_path)
    assert load_claims(tmp_path) == []


def test_duplicate_ids_across_notebooks_are_refused(tmp_path):
    Ledger("01_x", tmp_path).statement("a", where="w", statement="s", holds=True, evidence="e")
    Ledger("02_y", tmp_path).statement("a", where="w", statement="s", holds=True, evidence="e")
    with pytest.raises(ValueError, match="more than one notebook"):
        load_claims(tmp_path)


def test_generated_pages(tmp_path):
    ledger = Ledger("01_x", tmp_path)
    ledger.statement("a", where="App. C", statement="$x$", holds=True, evidence="ok")
    ledger.statement("b", where="Lemma 2", statement="s", holds=False, evidence="e",
                     counterexample="n = 1", corrected="s'", corrected_holds=True)
    claims = load_claims(tmp_path)
    card = scorecard_markdown(claims)
    assert "{ref}`a <a>`" in card and "**holds after correction**" in card
    assert "1 holds, 1 holds after correction" in card
    errata = errata_markdown(claims)
    assert "n = 1" in errata and "## Lemma 2" in errata and "App. C" not in errata


def test_stage_refuses_missing_notebooks_and_ledgers(tmp_path):
    root = tmp_path / "root"
    (root / "book").mkdir(parents=True)
    (root / "_toc.yml").write_text("root: book/intro\nchapters:\n- file: notebooks/01_x\n")
    assert notebook_stems(root / "_toc.yml") == ["01_x"]
    with pytest.raises(FileNotFoundError, match="executed notebooks missing"):
        stage(root, tmp_path / "ex", tmp_path / "led", tmp_path / "out", None)
    (tmp_path / "ex").mkdir()
    (tmp_path / "ex" / "01_x.ipynb").write_text("{}")
    with pytest.raises(FileNotFoundError, match="no ledger file"):
        stage(root, tmp_path / "ex", tmp_path / "led", tmp_path / "out", None)


def test_progress_bars_leave_the_page_but_other_stderr_stays():
    from assocmem.book.build import without_progress_bars

    bar = ("Table 3 runs:   0%|          | 0/23 [00:00<?, ?it/s]\r"
           "Table 3 runs:   4%|▍         | 1/23 [00:20<07:36, 20.75s/it]\n")
    notebook = {"cells": [{"cell_type": "code", "outputs": [
        {"output_type": "stream", "name": "stderr", "text": "\n"},
        {"output_type": "stream", "name": "stderr", "text": [bar]},
        {"output_type": "stream", "name": "stderr", "text": "UserWarning: something real\n"},
        {"output_type": "stream", "name": "stdout", "text": "50%|done| 1/2 [00:01, 1.0it/s]\n"},
    ]}, {"cell_type": "markdown", "source": "text"}]}
    kept = without_progress_bars(notebook)["cells"][0]["outputs"]
    assert [o["text"] for o in kept] == ["UserWarning: something real\n",
                                        "50%|done| 1/2 [00:01, 1.0it/s]\n"]
