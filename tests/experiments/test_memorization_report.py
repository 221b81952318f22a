"""Chapter 12's reading of the memorization searches (assocmem.experiments.memorization_report)."""

import math

import numpy as np
import pytest

from assocmem.experiments import memorization_report as report
from assocmem.experiments.memorization import PRESETS, Outcome, Threshold

CPU, LONG = PRESETS["cpu"], PRESETS["cpu-long"]


def outcome(d, width, seed=0, memorized=True, loss=0.5, best=None, n=1000):
    floor = math.log(d) / 12
    return Outcome(d, width, seed, n, loss, loss if best is None else best, floor, 1.0,
                   memorized, memorized, False, 400, False)


def test_chapter_parameters_completes_and_checks(monkeypatch):
    monkeypatch.setattr("assocmem.training.store.largest_present", lambda presets: None)
    p = report.chapter_parameters("cpu", [], [32, 8, 16], 0, 4000, "")
    assert p["d_values"] == list(CPU.d_values) and p["widths"] == [8, 16, 32]
    assert p["archived_preset"] is LONG and p["live_preset"] is CPU
    gpu = report.chapter_parameters("cpu", [], [], 1, 100, "gpu")["archived_preset"]
    assert gpu is PRESETS["gpu"]
    with pytest.raises(ValueError, match="at least 5"):
        report.chapter_parameters("cpu", [8, 16, 32, 64], [], 0, 4000, "")
    with pytest.raises(ValueError, match="1.5 decades"):
        report.chapter_parameters("cpu", [8, 16, 32, 64, 128], [], 0, 4000, "")
    with pytest.raises(ValueError, match="'widths'"):
        report.chapter_parameters("cpu", [], [8, 16], 0, 4000, "")


def test_pattern_bits_counts_the_set_not_its_order():
    assert report.pattern_bits(1, CPU) == pytest.approx(12 * 4)
    assert report.pattern_bits(2, CPU) == pytest.approx(2 * 12 * 4 - 1)
    assert "T = 12 tokens over V = 16" in report.describe(CPU)


def test_live_search_stops_at_the_top_and_marks_censored(monkeypatch):
    answers = {8: 0, 16: 1, 32: None}

    def walk(d, widths, start, preset, seed, workers):
        i = answers[d]
        return i, [outcome(d, w, n=100 * w, memorized=j == i) for j, w in enumerate(widths)]

    monkeypatch.setattr(report, "smallest_memorizing", walk)
    live = report.live_search([8, 16, 32, 64], [8, 16, 32], CPU)
    assert live["n_star"] == {8: 800, 16: 1600} and live["censored"] == {8}
    assert live["lines"][-1].startswith("d = 32: no width up to 32")
    assert len(live["outcomes"]) == 9


def test_live_exponent_leaves_censored_d_out():
    n_star = {8: 50, 16: 100, 32: 400, 64: 1600, 128: 6400}
    fit = report.live_exponent(n_star, {8}, n_boot=200, seed=0)
    assert fit["d"].tolist() == [16, 32, 64, 128] and fit["k"] == pytest.approx(2, abs=0.2)


def rows_and_result():
    rows = [Threshold("memorized", 0, 8, 768, 0, False),
            Threshold("memorized", 0, 16, 1424, 768, False),
            Threshold("memorized", 0, 32, 1000, 768, True)]
    result = {"found": {("memorized", 0, 8): 0, ("memorized", 0, 16): 1,
                        ("memorized", 0, 32): 1, ("saturated", 0, 8): None}}
    return rows, result


def test_threshold_table_says_why_a_bracket_is_open():
    rows, result = rows_and_result()
    text = report.threshold_table(result, rows, LONG)
    assert "(0, 768] (smallest width passes); not run; not run" in text
    assert "(768, 1,000] (width below censored)" in text
    assert "d =     8: above the ladder; not run" in text
    assert text.endswith("memorized, seed 0: d = 16 -> 32")


def test_threshold_fits_needs_three_bracketed_d():
    rows, _ = rows_and_result()
    fits, text = report.threshold_fits(rows, n_boot=100, seed=0)
    assert fits == {} and "memorized: fewer than 3" in text and "saturated: fewer" in text


def test_bits_report_uses_bracketed_thresholds_only():
    rows, _ = rows_and_result()
    text = report.bits_report({8: 1000}, CPU, rows, LONG)
    per = report.pattern_bits(16, LONG) / 1424
    assert f"{per:.2f}-{per:.2f} bits" in text
    assert f"d =    8: {report.pattern_bits(8, CPU) / 1000:.2f} bits" in text


def fit(k, low, high, d, **extra):
    return {"k": k, "low": low, "high": high, "log_c": 0.0, "d": d, **extra}


def test_balance_falls_back_to_the_live_fit():
    live = fit(1.5, 0.8, 2.2, np.array([8, 16, 32, 64, 256]))
    b = report.balance({}, live, set(), {"found": {}}, {}, LONG, CPU)
    assert not b["long_decides"] and b["scale"]["preset"] == "cpu" and b["top"] == ""
    assert b["source"].startswith("cpu (live") and "1 seed" in b["notes"]
    evidence = report.balance_evidence(b, {}, live, LONG, CPU)
    assert "k = 2 inside, k = 1 inside" in evidence and "Live" not in evidence


def test_balance_from_the_archive_reports_the_top():
    sat = fit(1.9, 1.7, 2.1, [8, 16, 32, 64, 128, 256, 512], seeds=[0, 1, 2], halves={})
    result = {"found": {("saturated", 0, 1024): None, ("saturated", 0, 512): 6}}
    runs = {(1024, 128, 0): outcome(1024, 128, best=0.61),
            (1024, 128, 1): outcome(1024, 128, seed=1, best=0.60)}
    live = fit(0.6, 0.3, 0.9, np.array([8, 256]))
    b = report.balance({"saturated": sat}, live, set(), result, runs, LONG, CPU)
    assert b["verdict"]["reproduced"] and b["verdict"]["decisive"]
    assert "width 128 0.605 (2 seeds)" in b["top"] and b["notes"] == b["top"].strip()
    evidence = report.balance_evidence(b, {"saturated": sat}, live, LONG, CPU)
    assert "k = 2 inside, k = 1 outside" in evidence
    assert evidence.endswith("Live cpu preset (one seed, fixed budget): k = 0.60 [0.30, 0.90].")


def test_floor_evidence_counts_each_run_once():
    live = [outcome(8, 8, loss=0.2), outcome(8, 4, memorized=False, loss=0.3, best=0.1)]
    archived = {(8, 8, 0): outcome(8, 8, loss=0.25), (16, 8, 0): outcome(16, 8, loss=0.4)}
    floor, evidence = report.floor_evidence(live, archived)
    assert not floor["reproduced"] and floor["lowest"].final_loss == 0.2
    assert evidence.startswith("3 memorizing runs") and "of 1 runs" in evidence
    assert evidence.endswith("0 stay at or above their floors.")
