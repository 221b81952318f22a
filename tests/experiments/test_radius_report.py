"""Chapter 08's tables and texts (assocmem.experiments.radius_report)."""

import math

import numpy as np
import pytest

from assocmem.experiments import radius_report as report
from assocmem.experiments.radius import Family


def summary(d, median, rms=1.0, gauss=None):
    target = 2 * math.sqrt(d / (2 * math.pi * math.e))
    gauss = gauss or 2 * median
    return {"d": d, "median": median, "target": target, "ratio": median / target,
            "rms": rms, "scaled_ratio": median / rms / target, "gauss_median": gauss,
            "gauss_ratio": median / gauss, "shrink": -0.1}


def test_describe_summary():
    text = report.describe_summary(summary(64, 3.0, gauss=6.0))
    assert text.startswith("median 3.000 = ")
    assert "matched Gaussian 6.000 (ratio 0.50)" in text


def test_summary_rows_table_and_width_slopes():
    family = {"MiniLM (encoder), d = 384": (summary(384, 3.0), summary(384, 9.0))}
    for d in (16, 32, 64):
        family[f"OpenELM-style (causal), d = {d}"] = [summary(d, d**0.5, rms=d / 16),
                                                      summary(d, 2 * d)]
    rows = report.summary_rows(family)
    assert len(rows) == 8 and rows["MiniLM (encoder), d = 384", "before"]["median"] == 9.0
    table = report.summary_table(rows)
    assert table.shape == (8, 6)
    assert table.loc[("MiniLM (encoder), d = 384", "after"), "median NN"] == 3.0
    causal, slopes = report.width_slopes(rows)
    assert [s["d"] for s in causal["after"]] == [16, 32, 64]  # MiniLM left out
    assert slopes["after", "median"] == pytest.approx(0.5)
    assert slopes["after", "scaled"] == pytest.approx(-0.5)
    assert slopes["before", "median"] == pytest.approx(1.0)
    one = report.summary_rows({"OpenELM-style (causal), d = 8": [summary(8, 1.0)] * 2})
    assert math.isnan(report.width_slopes(one)[1]["after", "median"])


def fit(k, low, high):
    return {"k": k, "low": low, "high": high}


SLOPES = {(where, m): fit(0.5, 0.4, 0.6) for where in ("after", "before")
          for m in report.SLOPE_NAMES}


def test_within_and_slope_lines():
    assert report.within(fit(0.5, 0.4, 0.6), 0.5) == "contains 0.5"
    assert report.within(fit(0.5, 0.4, 0.6), 1) == "excludes 1"
    lines = report.slope_lines(SLOPES).splitlines()
    assert len(lines) == 2 and lines[0].startswith("after the final norm")
    assert "(contains 0.5, excludes 1)" in lines[0]
    table = report.slope_table(SLOPES, [0, 1])
    assert table.shape == (5, 2) and table.iloc[0, 0] == "0.50 [0.40, 0.60]"


def test_family_mean_table_averages_present_seeds():
    family = Family(widths=(8, 16), seeds=(0, 1))
    scores = {(w, s): {"after": summary(w, w + s), "before": summary(w, 2 * w + s)}
              for w in (8, 16) for s in (0, 1)}
    del scores[16, 1]
    table = report.family_mean_table(scores, family)
    assert table.loc[8, ("after", "median NN")] == pytest.approx(8.5)
    assert table.loc[16, ("after", "median NN")] == pytest.approx(16.0)
    assert table.loc[16, ("before", "median NN")] == pytest.approx(32.0)


def test_archive_line_and_twin_lines():
    records = {(8, s): {"finished": f"2026-12-0{s + 1}T00", "wall_s": 1800, "device": "cpu",
                        "censored": s == 1, "last_step": 1000 * (s + 1), "best_val": 2 + s / 10,
                        **({"extends": "x"} if s else {})} for s in (0, 1)}
    line = report.archive_line(records, Family(extend_cap=500))
    assert "2026-12-01 to 2026-12-02; 1.0 hours" in line
    assert "1 continued past 3,000 steps, 1 of 2 censored at 500" in line
    assert line.endswith("1,000-2,000")
    twins = [{"gap": -0.01, "device, here": "a", "device, twin": "b", "d_emb": 8},
             {"gap": 0.03, "device, here": "a", "device, twin": "a", "d_emb": 8}]
    text = report.twin_lines(twins, records).splitlines()
    assert "0.0100-0.0300" in text[0] and "machines: a vs a; a vs b" in text[0]
    assert text[1].startswith("1 of 2 gaps negative")
    assert "0.1000-0.1000" in text[2]


def test_isotropic_slopes_sampling_alone():
    slope, last, line = report.isotropic_slopes(Family(widths=(4, 8, 16), n_chunks=300),
                                                beyond=(256, 512))
    assert slope > 0.5  # below log M dimensions the nearest neighbour grows faster
    assert abs(last - 0.5) < abs(slope - 0.5)
    assert "300 draws of N(0, I_d)" in line


def test_causal_and_family_text():
    after = [summary(16, 1.0), summary(32, 2.0)]
    text = report.causal_text(after, {("after", "median"): 0.5, ("before", "median"): 1.5})
    assert text.startswith("Causal OpenELM-style models of widths 16, 32: medians 1.00, 2.00")
    assert "d^0.50 after the final norm and d^1.50 before it" in text
    assert report.family_text({}, {}, Family(), [0], 0.8) == ""
    records = {(8, 0): {"censored": True}, (8, 1): {"censored": False}}
    text = report.family_text(SLOPES, records, Family(), [0, 1], 0.84)
    assert "1 of 2 censored" in text and "contains 0.5" in text
    confounded = dict(SLOPES)
    confounded["after", "gauss_scaled"] = fit(0.9, 0.8, 1.0)
    text = report.family_text(confounded, records, Family(), [0, 1], 0.84)
    assert "cannot test Eq. 13's radius" in text


def test_pretraining_heads():
    heads = report.pretraining_heads()
    assert heads["GPT-2"] == ["logits"]
    assert "seq_relationship_logits" in heads["BERT"]
    assert heads["nsp shape"] == (1, 2) and heads["gpt2 vocab"] == 50
    assert np.isfinite(heads["gpt2 vocab"])
