"""The claims ledger records what a notebook computed; the catalogue's data files give the text;
the build joins them, names the verdicts and feeds the generated pages."""

import csv
import json

import pytest

from assocmem.book.build import notebook_stems, stage
from assocmem.book.catalogue import Claim, Entry, join, load_catalogue, read_entries
from assocmem.book.claims import ClaimFailed, Ledger, Record, load_records
from assocmem.book.pages import errata_markdown, scorecard_markdown, write_ledger_files


def entry(id, kind="statement", **fields):
    return Entry(id, where=fields.pop("where", "w"), statement="s", kind=kind, chapter="01_x",
                 impact=fields.pop("impact", "none"), reason=fields.pop("reason", "r"), **fields)


CATALOGUE = {e.id: e for e in (
    entry("a"), entry("b", failure="edge case", corrected="s'", root_cause="n-1"),
    entry("b2", failure="edge case", root_cause="n-1", impact="bound or constant"),
    entry("c", failure="refuted", impact="main result", main=True, changes="the floor goes"),
    entry("f", failure="corrected", corrected="s'"),
    entry("d", "experiment"), entry("d2", "experiment"), entry("e", "not checkable"),
    entry("sim", "experiment", simulation=True),
    entry("lemma-9", failure="refuted"), entry("lemma-8", failure="corrected", corrected="t"),
    entry("z"))}


def ledger(tmp_path, name="01_x"):
    return Ledger(name, tmp_path)


def load_claims(tmp_path, catalogue=CATALOGUE):
    return join(load_records(tmp_path), catalogue)


def test_verdicts_follow_the_checks_and_the_catalogue(tmp_path):
    book = ledger(tmp_path)
    assert book.statement("a", holds=True, evidence="e").outcome == "holds as printed"
    assert book.statement("b", holds=False, evidence="e", counterexample="n = 1",
                          corrected_holds=True).outcome == \
        "fails as printed, its corrected form holds"
    book.statement("f", holds=False, evidence="e", counterexample="x", corrected_holds=True)
    book.statement("c", holds=False, evidence="e", counterexample="x", must_hold=False)
    book.experiment("d", reproduced=False, evidence="e")
    assert book.experiment("d2", reproduced=True, evidence="e", decisive=False).outcome == \
        "inconclusive at this scale"
    book.not_checkable("e", reason="r")
    saved = json.loads((tmp_path / "01_x.json").read_text())
    assert [row["id"] for row in saved] == ["a", "b", "f", "c", "d", "d2", "e"]
    assert "where" not in saved[0] and "verdict" not in saved[0]  # the text is joined later
    claims = {c.id: c for c in load_claims(tmp_path)}
    assert claims["a"].verdict == "holds" and claims["a"].where == "w"
    assert claims["b"].verdict == "holds except at an edge case" and claims["b"].corrected == "s'"
    assert claims["f"].verdict == "wrong as printed, conclusion kept"
    assert claims["c"].verdict == "refuted" and claims["c"].main
    assert claims["c"].changes == "the floor goes" and claims["a"].corrected == ""
    assert claims["d"].verdict == "not reproduced"
    assert claims["d2"].verdict == "inconclusive at this scale"
    assert claims["e"].verdict == "not checkable here"


def test_unknown_ids_and_wrong_kinds_are_refused_when_joined(tmp_path):
    ledger(tmp_path).statement("no-such-claim", holds=True, evidence="e")
    with pytest.raises(ValueError, match=r"no entry in any .*\['no-such-claim'\]"):
        load_claims(tmp_path)
    ledger(tmp_path).experiment("a", reproduced=True, evidence="e")
    with pytest.raises(ValueError, match="'a' is a statement in 01_x.claims.yaml, recorded as "
                                         "a experiment"):
        load_claims(tmp_path)
    with pytest.raises(ValueError, match="failure must be one of"):
        entry("x", failure="typo")
    with pytest.raises(ValueError, match="impact must be one of"):
        entry("x", impact="huge")


def test_the_real_catalogue_is_well_formed():
    real = load_catalogue()
    assert len(real) >= 70 and all(key == e.id for key, e in real.items())
    for e in real.values():
        assert all(r in real for r in e.related), e.id
    assert any(e.main for e in real.values())
    from assocmem.paths import project_root

    stems = notebook_stems(project_root() / "_toc.yml")
    assert {e.chapter for e in real.values()} <= set(stems)


def test_a_failing_statement_that_must_hold_raises_after_recording(tmp_path):
    book = ledger(tmp_path)
    with pytest.raises(ClaimFailed, match="lemma-9"):
        book.statement("lemma-9", holds=False, evidence="e", counterexample="x")
    assert load_claims(tmp_path)[0].verdict == "refuted"
    with pytest.raises(ClaimFailed, match="corrected statement fails"):
        book.statement("lemma-8", holds=False, evidence="e", counterexample="x",
                       corrected_holds=False)
    book.statement("b2", holds=False, evidence="e", counterexample="x", corrected_holds=True)
    with pytest.raises(ValueError, match="'b2': the run checked a corrected form, but "
                                         "01_x.claims.yaml gives no corrected statement"):
        load_claims(tmp_path)


def test_bad_claims_are_refused(tmp_path):
    book = ledger(tmp_path)
    with pytest.raises(ClaimFailed, match="no counterexample"):
        book.statement("b", holds=False, evidence="e", corrected_holds=True)
    book.statement("z", holds=False, evidence="e", counterexample="x", corrected_holds=True)
    with pytest.raises(ValueError, match="does not classify its failure"):
        load_claims(tmp_path)
    with pytest.raises(ValueError, match="claim id"):
        book.statement("Lemma 1", holds=True, evidence="e")
    with pytest.raises(ValueError, match="claim id"):
        Record("lemma-1\n", "statement", "01_x", "e", holds=True)  # the id's end is anchored
    with pytest.raises(ValueError, match="an id is"):
        entry("Lemma 1")
    book.statement("a", holds=True, evidence="e")
    with pytest.raises(ValueError, match="recorded twice"):
        book.statement("a", holds=True, evidence="e")
    with pytest.raises(ValueError, match="verdict"):
        Claim("x", "w", "s", "probably", "e", "nb")
    with pytest.raises(ValueError, match="give its counterexample"):
        Claim("x", "w", "s", "refuted", "e", "nb")  # an erratum needs its counterexample
    with pytest.raises(ValueError, match="give its counterexample"):
        Record("x", "statement", "nb", "e", holds=False)
    with pytest.raises(ValueError, match="needs boolean 'decisive'"):
        Record("x", "experiment", "nb", "e", reproduced=True)
    with pytest.raises(ValueError, match="takes no boolean 'reproduced'"):
        Record("x", "statement", "nb", "e", holds=True, reproduced=True)
    with pytest.raises(ValueError, match="'evidence' must not be empty"):
        book.experiment("d", reproduced=True, evidence=" ")


def test_rerun_starts_the_notebook_ledger_afresh(tmp_path):
    ledger(tmp_path).statement("a", holds=True, evidence="e")
    ledger(tmp_path)
    assert load_claims(tmp_path) == []


def test_duplicate_ids_across_notebooks_are_refused(tmp_path):
    ledger(tmp_path).statement("a", holds=True, evidence="e")
    ledger(tmp_path, "02_y").statement("a", holds=True, evidence="e")
    with pytest.raises(ValueError, match="more than one notebook"):
        load_claims(tmp_path)


def write(folder, name, text):
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text)
    return folder / name


GOOD = "a-b:\n  where: Sec. 1\n  statement: s\n  kind: statement\n  impact: none\n  reason: r\n"


@pytest.mark.parametrize("text, error", [
    (GOOD + "  colour: red\n", r"unknown fields \['colour'\]"),
    (GOOD + GOOD, r"\['a-b'\] given twice"),
    (GOOD.replace("impact: none", "impact: big"), "impact must be one of"),
    (GOOD + "  failure: edgy\n", "failure must be one of"),
    (GOOD.replace("kind: statement", "kind: experiment") + "  failure: refuted\n",
     "only for statements"),
    (GOOD.replace("reason: r", "reason: {reproduced: r}"), r"written for \['reproduced'\]"),
    (GOOD.replace("  reason: r\n", ""), "lacks 'reason'"),
    (GOOD.replace("reason: r", "reason: ''"), "'reason' must not be empty"),
    (GOOD + "  main: 'yes'\n", "'main' must be bool"),
    (GOOD + "  related: [nowhere]\n", r"relates to \['nowhere'\]"),
    (GOOD.replace("a-b:", "A b:"), "an id is"),
    ("- a list\n", "expected a mapping"),
])
def test_a_claims_file_is_validated_when_loaded(tmp_path, text, error):
    write(tmp_path, "01_x.claims.yaml", text)
    with pytest.raises(ValueError, match=error) as caught:
        load_catalogue(tmp_path)
    assert "01_x.claims.yaml" in str(caught.value)


def test_an_id_in_two_chapters_is_refused_and_entries_take_their_chapter(tmp_path):
    write(tmp_path, "01_x.claims.yaml", GOOD)
    (entry_,) = read_entries(tmp_path / "01_x.claims.yaml")
    assert entry_.chapter == "01_x" and entry_.reason == "r"
    write(tmp_path, "02_y.claims.yaml", GOOD)
    with pytest.raises(ValueError, match="'a-b' is in both 01_x.claims.yaml and 02_y"):
        load_catalogue(tmp_path)


def test_a_judgement_written_for_one_outcome_is_joined_only_to_that_outcome(tmp_path):
    catalogue = {**CATALOGUE, "g": entry("g", "experiment", reason={
        "not reproduced": "k is 0.26", "inconclusive at this scale": "too small"},
        changes={"not reproduced": "the fit goes"})}
    Ledger("01_x", tmp_path).experiment("g", reproduced=False, evidence="k = 0.26")
    (kept,) = load_claims(tmp_path, catalogue)
    assert (kept.reason, kept.changes) == ("k is 0.26", "the fit goes")
    Ledger("01_x", tmp_path).experiment("g", reproduced=False, decisive=False, evidence="k")
    with pytest.raises(ValueError, match="'g': the run says 'inconclusive at this scale', but "
                                         "its changes in notebooks/01_x.claims.yaml was "
                                         "written for 'not reproduced'"):
        load_claims(tmp_path, catalogue)
    Ledger("01_x", tmp_path).experiment("g", reproduced=True, evidence="k")
    with pytest.raises(ValueError, match="says 'reproduced', but its reason"):
        load_claims(tmp_path, catalogue)


def test_generated_pages_count_each_root_cause_once(tmp_path):
    book = ledger(tmp_path)
    book.statement("a", holds=True, evidence="ok")
    book.statement("b", holds=False, evidence="e", counterexample="n = 1",
                   corrected_holds=True)
    book.statement("b2", holds=False, evidence="e", counterexample="n = 1", must_hold=False)
    book.statement("c", holds=False, evidence="e", counterexample="x", must_hold=False)
    claims = load_claims(tmp_path)
    card = scorecard_markdown(claims, CATALOGUE)
    assert "{ref}`a <a>`" in card and "**holds except at an edge case**" in card
    assert "4 of the paper's statements and experiments checked, 3 root causes" in card
    assert "1 refuted; 1 holds except at an edge case; 1 holds" in card
    assert "1 main result; 1 bound or constant; 1 none" in card
    assert "the floor goes" in card  # the main result leads, with what it changes
    assert "not checked yet" in card and "lemma-9" in card
    assert "- --" not in card  # "- --" is a thematic break in Markdown, ending the table
    errata = errata_markdown(claims)
    assert "n = 1" in errata and "## w" in errata and "the floor goes" in errata
    write_ledger_files(claims, tmp_path / "site")
    published = json.loads((tmp_path / "site" / "claims.json").read_text())
    assert [c["id"] for c in published["claims"]] == ["a", "b", "b2", "c"]
    assert published["claims"][0]["chapter"] == "notebooks/01_x.html#a"
    rows = list(csv.DictReader(open(tmp_path / "site" / "claims.csv")))
    assert rows[3]["verdict"] == "refuted" and rows[3]["schema_version"] == "2"


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
    from assocmem.book.staging import without_progress_bars

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


def test_claim_boxes_render_from_the_catalogue_and_refuse_unknown_ids():
    from assocmem.book.pages import with_claim_boxes

    catalogue = {**CATALOGUE, "lemma-7": entry("lemma-7", where="App. C, Lemma 7")}
    text = "Intro.\n\n```{claim} lemma-7\n```\n\nMore.\n```{claim} d\n```"
    notebook = {"cells": [{"cell_type": "markdown", "source": [text]},
                          {"cell_type": "code", "source": "```{claim} zz\n```"}]}
    cells = with_claim_boxes(notebook, catalogue, "01_x")["cells"]
    assert "```{prf:lemma} App. C, Lemma 7\n:label: box-01_x-lemma-7\n:nonumber:\ns\n" in \
        cells[0]["source"]
    assert "```{prf:observation} w" in cells[0]["source"]  # an experiment
    assert "{claim}" not in cells[0]["source"] and "Claim `lemma-7`" in cells[0]["source"]
    assert cells[1]["source"] == "```{claim} zz\n```"  # code cells are left alone
    bad = {"cells": [{"cell_type": "markdown", "source": "```{claim} nope\n```"}]}
    with pytest.raises(ValueError, match="01_x: claim box 'nope'"):
        with_claim_boxes(bad, CATALOGUE, "01_x")


def test_every_claim_box_and_ledger_call_in_the_notebooks_names_a_catalogue_id():
    import re
    from pathlib import Path

    from assocmem.book.pages import CLAIM_FENCE
    real = load_catalogue()
    called = re.compile(r"ledger\.(?:statement|experiment|not_checkable)\(\s*\"([a-z0-9-]+)\"")
    for path in sorted(Path(__file__).parents[2].glob("notebooks/[0-9][0-9]_*.md")):
        text = path.read_text()
        ids = CLAIM_FENCE.findall(text) + called.findall(text)
        assert ids, f"{path.name} names no claim"
        for cid in ids:
            assert cid in real, f"{path.name} names {cid!r}, which is not in the catalogue"
        for cid in called.findall(text):  # its text lives beside the chapter that records it
            assert real[cid].chapter == path.stem, f"{cid} is in {real[cid].chapter}'s file"
        for call in re.finditer(r"ledger\.(?:statement|experiment|not_checkable)\(", text):
            depth, end = 0, call.end() - 1
            for end in range(call.end() - 1, len(text)):
                depth += {"(": 1, ")": -1}.get(text[end], 0)
                if depth == 0:
                    break
            assert "key=" in text[call.start():end], \
                f"{path.name}: a ledger call without its key number: {text[call.start():end][:60]}"
        for cid in called.findall(text):  # the scorecard links to the section checking it
            assert f"({cid})=" in text, f"{path.name} records {cid!r} but has no ({cid})= label"
    boxes = {cid for path in Path(__file__).parents[2].glob("notebooks/*.md")
             for cid in CLAIM_FENCE.findall(path.read_text())}
    assert {"prop-1", "prop-4", "prop-5", "table-3-dstar"} <= boxes


def test_every_chapter_ends_with_its_rerun_command_and_measured_time():
    from assocmem.book.staging import rerun_section

    notebook = {"metadata": {"papermill": {"duration": 12.3}}, "cells": [
        {"cell_type": "code", "metadata": {"tags": ["parameters"]},
         "source": ['preset = "cpu"  # "cpu" or "paper"\n', "seed = 0\n"]}]}
    text = rerun_section(notebook, "10_x")
    assert "executed in 12 s" in text
    assert "make run NB=10_x ARGS='-p preset \"cpu\"'" in text
    assert '| `preset` | `"cpu"` | "cpu" or "paper" |' in text and "| `seed` | `0` |" in text
    assert "not recorded" in rerun_section({"cells": []}, "01_x")


def test_each_chapter_opens_with_its_findings_from_the_ledger(tmp_path):
    from assocmem.book.pages import findings_box, with_findings

    book = ledger(tmp_path)
    book.statement("a", holds=True, evidence="e")
    book.statement("c", holds=False, evidence="e", counterexample="x", must_hold=False,
                   key="L = -3.2 < 1")
    book.experiment("d2", reproduced=False, evidence="e", decisive=False)
    rows = load_claims(tmp_path)
    box = findings_box(rows)
    assert box.startswith("```{admonition} Findings of this chapter")
    assert "3 claims checked" in box and "1 refuted; 1 inconclusive at this scale; 1 holds" in box
    lines = [line for line in box.splitlines() if line.startswith("- ")]
    assert lines[0].startswith("- **refuted** \u2014 L = -3.2 < 1 (impact: main result)")
    assert "<c>`" in lines[0] and lines[1].startswith("- **inconclusive at this scale** (impact")
    assert "a main result" in lines[0] and lines[-1].startswith("- **holds**")
    notebook = {"cells": [{"cell_type": "code", "source": "x = 1"},
                          {"cell_type": "markdown", "source": "# Title\n\nIntro."},
                          {"cell_type": "markdown", "source": "## Section"}]}
    cells = with_findings(notebook, rows)["cells"]  # the box goes under the title
    assert [c["source"] for c in cells[1:4]] == ["# Title\n", box, "\nIntro."]
    untitled = {"cells": [{"cell_type": "markdown", "source": "Intro."}]}
    assert [c["source"] for c in with_findings(untitled, rows)["cells"]] == ["Intro.", box]
    assert with_findings({"cells": []}, rows)["cells"][0]["source"] == box
    assert findings_box([]) == "" and len(with_findings({"cells": []}, [])["cells"]) == 0


def test_the_books_own_simulations_are_counted_apart_and_carry_their_scale(tmp_path):
    book = ledger(tmp_path)
    book.statement("a", holds=True, evidence="ok")
    book.experiment("d", reproduced=False, decisive=False, evidence="small",
                    scale={"params": [1, 2], "paper": {"params": [3, 4]}})
    book.experiment("sim", reproduced=True, evidence="ours")
    claims = load_claims(tmp_path)
    card = scorecard_markdown(claims, CATALOGUE)
    assert "2 of the paper's statements and experiments checked, 2 root causes" in card
    assert "1 inconclusive at this scale; 1 holds" in card  # the simulation is not counted
    assert "**1 simulations of the book's own**" in card and ": 1 reproduced." in card
    assert "**reproduced** (the book's simulation)" in card
    write_ledger_files(claims, tmp_path / "site")
    rows = json.loads((tmp_path / "site" / "claims.json").read_text())["claims"]
    assert rows[1]["scale"] == {"params": [1, 2], "paper": {"params": [3, 4]}}
    assert [r["simulation"] for r in rows] == [False, False, True]
    with pytest.raises(ValueError, match="only an experiment can be a simulation"):
        entry("s2", simulation=True)


def test_the_verdict_paragraph_is_generated_from_the_main_rows():
    from assocmem.book import pages

    catalogue = {e.id: e for e in (
        entry("p4", failure="refuted", main=True, root_cause="floor"),
        entry("p4b", failure="refuted", main=True, root_cause="floor"),
        entry("p1", main=True), entry("minor", failure="refuted"),
        entry("t3", "experiment", main=True), entry("sim", "experiment", simulation=True),
        *(entry(i, failure="refuted") for i in pages.CONNECTING))}

    def claim(id, verdict, main=True, simulation=False, changes="", root_cause=""):
        return Claim(id, "w", "s", verdict, "e", "01_x", counterexample="x", main=main,
                     simulation=simulation, changes=changes, root_cause=root_cause)

    text = pages.verdict_paragraph([
        claim("p4", "refuted", root_cause="floor"),
        claim("p4b", "refuted", root_cause="floor"), claim("p1", "holds"),
        claim("t3", "inconclusive at this scale"), claim("sim", "reproduced", simulation=True),
        claim("minor", "refuted", main=False),
        claim(pages.CONNECTING[-1], "refuted", main=False, changes="Off by 1e4.")], catalogue)
    assert "main theoretical results, each root cause counted once: 1 refuted; 1 holds" in text
    assert "{ref}`p4 <p4>`" in text and "minor" not in text
    assert "main experiments, each root cause counted once: 1 inconclusive at this scale" in text
    assert "sim" not in text  # the book's own simulation is not the paper's result
    assert "**refuted**. Off by 1e4." in text
    assert set(pages.CONNECTING) <= set(load_catalogue())  # the introduction's rows exist
