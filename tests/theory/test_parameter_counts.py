"""Chapter 07's parameter accounting (assocmem.theory.checks.parameter_counts)."""

import pytest

from assocmem.accounting import gpt2_transformers_counts
from assocmem.quotations import PAPER_APP_E, PAPER_OPENELM, PAPER_TABLE3
from assocmem.theory.checks import parameter_counts as counts


def test_app_e_groups_small_gpt2():
    layers, d_emb, heads = 2, 64, 4
    groups = counts.app_e_groups(gpt2_transformers_counts(layers, d_emb, heads), layers,
                                 d_emb, heads)
    rel = groups.relative()
    assert rel["attention"] == pytest.approx(1 / (d_emb + 1))  # only the biases left out
    assert rel["feed-forward"] > 0.2  # d_FF = 3 d_emb in App. E, 4 d_emb in GPT-2
    assert groups.ffn_corrected == groups.ffn_real == 8 * layers * d_emb**2 + 5 * layers * d_emb
    assert groups.attn_real == layers * (3 * d_emb**2 + 3 * d_emb)
    assert groups.report().count("\n") == 2


def test_app_e_totals():
    totals = counts.app_e_totals()
    assert totals.arithmetic_ok
    assert totals.word_embedding == 50_257 * 1024
    assert totals.app_e_total == totals.word_embedding + 75_497_472 + 25_214_976 + 151_093_248
    assert totals.shortfall == 355e6 - totals.app_e_total
    # d_FF = 4096 instead of 3072 adds 2 l d_emb (4096 - 3072) + l (4096 - 3072) parameters
    assert totals.dff_part == 24 * (2 * 1024 * 1024 + 1024) + (
        24 * (2 * 1024 * 4096 + 1024 + 4096) - 24 * (2 * 1024 * 3072 + 1024 + 3072)
        - 24 * (2 * 1024 * 1024 + 1024))
    assert totals.position_part == 1024 * 1024
    assert 0 < totals.dff_part + totals.position_part < totals.missing
    assert "short of 355M" in totals.report()
    assert PAPER_APP_E["d_ff"] == 3072


def test_openelm_head_rows():
    rows = counts.openelm_head_rows()
    assert len(rows) == 3 * len(PAPER_OPENELM)
    paper_rows = [r for r in rows if r[1] == "paper's heads, default FFN"]
    assert [r[2] for r in paper_rows] == [s["q"] for s in PAPER_OPENELM.values()]
    assert all(r[4] > 0 and r[5] == PAPER_OPENELM[r[0]]["N"] for r in rows)
    assert counts.format_head_rows(rows).count("\n") == len(rows) - 1


def test_ffn_multiplier_fits_coarse_grid_is_no_better():
    fine = counts.ffn_multiplier_fits()
    coarse = counts.ffn_multiplier_fits(step=1.0)
    for name in PAPER_OPENELM:
        err, lo, hi, n = fine[name]
        assert lo <= hi
        assert err == pytest.approx(abs(n / PAPER_OPENELM[name]["N"] - 1))
        assert err <= coarse[name][0]


def test_openelm_reach():
    reach = counts.openelm_reach()
    assert set(reach.nearest) == set(PAPER_OPENELM)
    for name, spec in PAPER_OPENELM.items():
        assert reach.reachable[name] == (abs(reach.nearest[name] - spec["N"]) <= 5_000)
        lo, hi = reach.fractions[name]
        assert lo == pytest.approx(spec["q"][0] * 64 / spec["model_dim"])
        assert hi == pytest.approx(spec["q"][-1] * 64 / spec["model_dim"])
    assert "nearest reachable N" in reach.report()


def test_openelm_shares():
    share, a_const, text = counts.openelm_shares()
    for name, spec in PAPER_OPENELM.items():
        assert 0 < share[name] < 1
        assert a_const[name] == pytest.approx(spec["N"] / (8 * spec["model_dim"] ** 2))
    assert text.count("\n") == len(PAPER_OPENELM) - 1


def test_table3_ratios():
    t3 = counts.table3_ratios()
    for row in PAPER_TABLE3.values():
        n = next(s["N"] for m, s in PAPER_OPENELM.items() if PAPER_TABLE3[m] is row)
        assert t3.ratios[n] == pytest.approx(n / row["d_star"] ** 2 * 1e10)
        assert round(t3.ratios[n], 2) == pytest.approx(row["ratio_e10"], abs=0.011)
    assert t3.k_low < t3.k < t3.k_high
    assert counts.table3_ratios(step=0.0).k_low == pytest.approx(t3.k)
    assert "fitted D* ~ N^k" in t3.report()
