"""Chapter 07's parameter accounting: Appendix E's GPT-2 groups against a real model, its
printed totals, OpenELM's head lists and FFN widths against App. F.1's stated N, the share of
N among all parameters, and Table 3's ratios N / D*^2 recomputed from its own columns. Each
returns what the chapter prints and its verdicts read; ``report`` functions format the rows."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from assocmem.accounting import (
    gpt2_counts,
    gpt2_paper_groups,
    openelm_counts,
    openelm_nearest_count,
)
from assocmem.quotations import PAPER_APP_E, PAPER_OPENELM, PAPER_SEC61_PARAMETERS, PAPER_TABLE3
from assocmem.training.openelm import OpenELMConfig


@dataclass
class AppEGroups:
    """App. E's three groups, by its formulas, beside the real model's count of the same modules
    (Eq. 2's N is their sum)."""

    comparison: dict  # group: (App. E formula, real count)
    attn_real: int
    dense_real: int
    ffn_real: int
    ffn_corrected: int  # App. E's feed-forward formula with the real d_FF = 4 d_emb

    def relative(self) -> dict:
        """|formula / real - 1| per group."""
        return {k: abs(t / o - 1) for k, (t, o) in self.comparison.items()}

    def report(self) -> str:
        return "\n".join(f"{name:20s} App. E formula {theirs:>12,}  real {ours:>12,}  "
                         f"({theirs / ours - 1:+.2%})"
                         for name, (theirs, ours) in self.comparison.items())


def app_e_groups(real: dict, layers: int, d_emb: int, heads: int) -> AppEGroups:
    """App. E's attention, dense + layer norm and feed-forward formulas (Eq. 2's N, group by
    group) for a GPT-2 of the given shape against ``real``, the counts of
    :func:`assocmem.accounting.gpt2_transformers_counts` of the same shape."""
    paper = gpt2_paper_groups(layers, d_emb, heads)
    attn = real["attention qkv (weights + biases)"]
    dense = real["attention output projection (weights + biases)"] + real["layer norms in blocks"]
    ffn = real["feed-forward (weights + biases)"]
    d_ff = 4 * d_emb
    comparison = {
        "attention": (paper["multi-head attention, l n_h (3 d_emb d_emb / n_h)"], attn),
        "dense + layer norm": (paper["dense weights and layer norm, l (d_emb^2 + 2 d_emb)"],
                               dense),
        "feed-forward": (paper["feed-forward, l (2 d_emb d_FF + d_emb + d_FF)"], ffn),
    }
    return AppEGroups(comparison, attn, dense, ffn, layers * (2 * d_emb * d_ff + d_emb + d_ff))


@dataclass
class AppETotals:
    """App. E's printed group totals at GPT-2 medium's shape, their sum with the word embedding,
    and what that sum leaves out of the model counted from its architecture."""

    arithmetic_ok: bool  # each printed total is its formula evaluated
    word_embedding: int
    printed_sum: int  # the groups' printed totals
    app_e_total: int  # word embedding + groups
    shortfall: int  # Sec. 6.1's 355M minus app_e_total
    medium_total: int  # GPT-2 medium counted from its architecture
    dff_part: int  # what d_FF = 4096 instead of 3072 adds
    position_part: int  # the position embeddings

    @property
    def missing(self) -> int:
        return self.medium_total - self.app_e_total

    def report(self) -> str:
        rest = self.missing - self.dff_part - self.position_part
        return (f"printed totals are the formulas evaluated: {self.arithmetic_ok}; word "
                f"embedding {self.word_embedding:,} + groups {self.printed_sum:,} = "
                f"{self.app_e_total:,}, {self.shortfall / 1e6:.1f}M "
                f"({self.shortfall / PAPER_SEC61_PARAMETERS:.1%}) short of 355M\n"
                f"GPT-2 medium counted from its architecture: {self.medium_total:,}; of the "
                f"{self.missing / 1e6:.2f}M App. E leaves out, d_FF = 4096 accounts for "
                f"{self.dff_part / 1e6:.2f}M, the position embeddings for "
                f"{self.position_part / 1e6:.2f}M, biases and norms for {rest / 1e6:.2f}M")


def app_e_totals() -> AppETotals:
    """App. E's printed formulas at its printed shape (PAPER_APP_E) against its printed totals,
    added up with the word embedding n_voc d_emb, against GPT-2 medium's architecture count."""
    layers, d_emb = PAPER_APP_E["n_layer"], PAPER_APP_E["d_emb"]
    formula_values = list(gpt2_paper_groups(layers, d_emb, PAPER_APP_E["n_head"]).values())[:3]
    printed = [PAPER_APP_E[k] for k in ("attention", "dense and layer norm", "feed-forward")]
    word_embedding = PAPER_APP_E["vocab"] * d_emb
    total = word_embedding + sum(printed)
    medium = gpt2_counts(layers, d_emb)
    return AppETotals(formula_values == printed, word_embedding, sum(printed), total,
                      PAPER_SEC61_PARAMETERS - total, sum(medium.values()),
                      medium["feed-forward (weights + biases)"] - PAPER_APP_E["feed-forward"],
                      medium["position embedding"])


def _paper_heads(spec: dict, **kwargs) -> OpenELMConfig:
    return OpenELMConfig(spec["model_dim"], spec["n_layers"], query_heads_override=spec["q"],
                         kv_heads_override=spec["kv"], **kwargs)


def openelm_head_rows() -> list[tuple]:
    """App. F.1's models built two ways: by OpenELM's own layer-wise rules with 2 and 4 GQA
    groups, and with the paper's listed heads and the default FFN multipliers. Rows (model,
    how, query heads, KV heads, N of the transformer layers, the stated N)."""
    rows = []
    for name, spec in PAPER_OPENELM.items():
        for groups in (2, 4):
            cfg = OpenELMConfig(spec["model_dim"], spec["n_layers"], num_gqa_groups=groups)
            rows.append((name, f"OpenELM rule, {groups} GQA groups", cfg.query_heads,
                         cfg.kv_heads, openelm_counts(cfg)["transformer layers"], spec["N"]))
        rows.append((name, "paper's heads, default FFN", spec["q"], spec["kv"],
                     openelm_counts(_paper_heads(spec))["transformer layers"], spec["N"]))
    return rows


def format_head_rows(rows) -> str:
    """One line per row of :func:`openelm_head_rows`."""
    return "\n".join(f"{name} | {how:28s} | q {list(q)} | kv {list(kv)} | N = {n / 1e6:6.2f}M "
                     f"(paper {paper_n / 1e6:.2f}M)" for name, how, q, kv, n, paper_n in rows)


def ffn_multiplier_fits(step: float = 0.25, top: float = 4.0) -> dict:
    """For each App. F.1 model with the paper's heads: the FFN multiplier range (lo <= hi, both
    on a ``step`` grid up to ``top``) whose count comes closest to the stated N, as
    (relative error, lo, hi, N)."""
    best = {}
    for name, spec in PAPER_OPENELM.items():
        fits = []
        for lo, hi in itertools.product(np.arange(step, top + 0.01, step), repeat=2):
            if hi >= lo:
                n = openelm_counts(_paper_heads(spec, ffn_multipliers=(lo, hi)))
                n = n["transformer layers"]
                fits.append((abs(n / spec["N"] - 1), lo, hi, n))
        best[name] = min(fits)
    return best


@dataclass
class OpenELMReach:
    """Whether App. F.1's stated N and QKV multipliers fit its listed heads."""

    nearest: dict  # model: the count nearest the stated N that any FFN widths give
    fractions: dict  # model: the query width over the model dimension, first and last layer
    reachable: dict  # model: nearest within the printed precision (0.01M)
    heads_follow_qkv: bool  # the fractions are 0.5 and 1.0 up to one rounding (256 dims)

    def report(self) -> str:
        return "\n".join(
            f"{name}: nearest reachable N = {self.nearest[name]:,} (stated "
            f"{spec['N'] / 1e6:.2f}M, {self.nearest[name] / spec['N'] - 1:+.3%}); query "
            f"width / model dim {self.fractions[name][0]:.2f} -> "
            f"{self.fractions[name][1]:.2f} (stated 0.5 -> 1.0)"
            for name, spec in PAPER_OPENELM.items())


def openelm_reach() -> OpenELMReach:
    """The nearest count any FFN widths reach with the paper's heads (OpenELM rounds each
    layer's FFN width to a multiple of 256), and the listed query widths as fractions."""
    nearest, fractions = {}, {}
    for name, spec in PAPER_OPENELM.items():
        cfg = _paper_heads(spec)
        nearest[name] = openelm_nearest_count(cfg, spec["N"])
        q_dims = np.array(spec["q"]) * cfg.head_dim / spec["model_dim"]
        fractions[name] = (q_dims[0], q_dims[-1])
    # the printed precision is 0.01M; OpenELM rounds query widths to at most 4 GQA groups of
    # heads, 256 dimensions
    reachable = {k: abs(nearest[k] - s["N"]) <= 5_000 for k, s in PAPER_OPENELM.items()}
    follow = all(abs(fractions[k][0] - 0.5) <= 256 / s["model_dim"]
                 and abs(fractions[k][1] - 1.0) <= 256 / s["model_dim"]
                 for k, s in PAPER_OPENELM.items())
    return OpenELMReach(nearest, fractions, reachable, follow)


def openelm_shares() -> tuple[dict, dict, str]:
    """For App. F.1's models (stated N, tied embedding of 50,257 tokens): N's share of all
    parameters, Eq. 2's constant A = N / (l d_emb^2), and the printed lines."""
    share, a_const, lines = {}, {}, []
    for name, spec in PAPER_OPENELM.items():
        cfg = OpenELMConfig(spec["model_dim"], spec["n_layers"])  # vocab 50,257
        embedding = openelm_counts(cfg)["token embedding (tied)"]
        share[name] = spec["N"] / (spec["N"] + embedding)
        a_const[name] = spec["N"] / (spec["n_layers"] * spec["model_dim"] ** 2)
        lines.append(f"{name}: N = {spec['N'] / 1e6:.2f}M, embedding {embedding / 1e6:.2f}M "
                     f"-> N is {share[name]:.1%} of the parameters; A = N/(l d^2) = "
                     f"{a_const[name]:.2f}")
    return share, a_const, "\n".join(lines)


@dataclass
class Table3Ratios:
    """Table 3's N / D*^2 recomputed from its columns, and the exponent k of D* ~ N^k."""

    table3: dict  # N: (D*, printed ratio in 1e-10)
    ratios: dict  # N: recomputed N / D*^2 in 1e-10
    k: float
    k_low: float  # k with the end rows moved one grid step towards each other
    k_high: float  # ... and away from each other

    def report(self) -> str:
        rows = [f"N = {n / 1e6:.2f}M, D* = {d / 1e6:.2f}M: N/D*^2 = {self.ratios[n]:.3f}e-10 "
                f"(printed {printed})" for n, (d, printed) in self.table3.items()]
        return "\n".join(rows + [
            f"fitted D* ~ N^k: k = {self.k:.3f}; moving the end rows by one grid step: k in "
            f"[{self.k_low:.3f}, {self.k_high:.3f}]"])


def table3_ratios(step: float = 23.8e6) -> Table3Ratios:
    """N / D*^2 from Table 3's N and D*, and the log-log slope k of D* against N through its
    three rows, also with the first and last D* moved by ``step`` (the spacing of the
    data-size grid) in opposite directions."""
    table3 = {PAPER_OPENELM[m]["N"]: (row["d_star"], row["ratio_e10"])
              for m, row in PAPER_TABLE3.items()}
    ratios = {n: n / d**2 * 1e10 for n, (d, _) in table3.items()}
    n_arr = np.array(list(table3))
    d_arr = np.array([d for d, _ in table3.values()])
    k = np.polyfit(np.log(n_arr), np.log(d_arr), 1)[0]
    k_low = np.polyfit(np.log(n_arr), np.log(d_arr + np.array([step, 0, -step])), 1)[0]
    k_high = np.polyfit(np.log(n_arr), np.log(d_arr + np.array([-step, 0, step])), 1)[0]
    return Table3Ratios(table3, ratios, k, k_low, k_high)
