"""Chapter 08's tables and texts around :mod:`assocmem.experiments.radius`: Section 6.1's
nearest-neighbour distances set beside Eq. 13's 2 sqrt(d/(2 pi e)) for one model, for chapter
10's causal models across widths, and for the archived family across widths and seeds; the
pair of twin runs; and the evidence text of the chapter's verdict."""

from __future__ import annotations

import numpy as np
import pandas as pd

from assocmem.experiments.fits import power_law_fit
from assocmem.experiments.radius import FAMILY, Family, isotropic_nn_medians

#: the family's slope measures (keys of :data:`assocmem.experiments.radius.MEASURES`), named
SLOPE_NAMES = {
    "median": "median NN",
    "scaled": "median NN / RMS (scale-free)",
    "gauss": "matched Gaussian's median NN",
    "gauss_scaled": "matched Gaussian's, scale-free",
    "vs_gauss": "median NN / matched Gaussian's",
}
#: the columns of the summary tables: (title, field of a radius_summary)
SUMMARY_COLUMNS = (("median NN", "median"), ("ratio", "ratio"),
                   ("scale-free ratio", "scaled_ratio"), ("vs matched Gaussian", "gauss_ratio"),
                   ("RMS", "rms"), ("median ~ M^", "shrink"))


def describe_summary(s: dict) -> str:
    """One line of a :func:`~assocmem.experiments.radius.radius_summary`: the median against
    2 sqrt(d/(2 pi e)), absolute and scale-free, the RMS coordinate, the matched Gaussian and
    the shrinkage with the sample size M."""
    return (f"median {s['median']:.3f} = {s['ratio']:.2f} x 2 sqrt(d/(2 pi e)); "
            f"scale-free {s['scaled_ratio']:.3f}; RMS coordinate {s['rms']:.3f}; "
            f"matched Gaussian {s['gauss_median']:.3f} (ratio {s['gauss_ratio']:.2f}); "
            f"median ~ M^{s['shrink']:.2f}")


def causal_family(corpus: dict, n_chunks: int, chunk_tokens: int, seed: int = 0,
                  device: str = "cpu") -> dict:
    """Chapter 10's ``cpu`` models (three widths) trained on its largest prefix (trained here if
    the cache lacks them), each scored by ``radius_summary`` on its final-position activations
    over ``n_chunks`` random windows of its training text, after and before its final RMSNorm:
    {label: (after, before)}."""
    from assocmem.experiments.openelm_scaling import PRESETS as ELM_PRESETS
    from assocmem.experiments.radius import causal_activations, radius_summary
    from assocmem.training.runs import cached_train_many, load_run

    elm = ELM_PRESETS["cpu"]
    runs = cached_train_many([elm.run_config(m, elm.sizes[-1], corpus, device=device)
                              for m in elm.models],
                             workers=1 if device == "cuda" else 2,
                             desc="chapter 10's largest runs")
    window = min(chunk_tokens, elm.context)
    family = {}
    for run in runs:
        model, _, data = load_run(run, device=device)
        family[f"OpenELM-style (causal), d = {model.cfg.model_dim}"] = [
            radius_summary(causal_activations(model, data.train.numpy(), n_chunks, window,
                                              seed=seed, normalized=normalized), seed=seed)
            for normalized in (True, False)]
    return family


def summary_rows(family: dict) -> dict:
    """{(model, "after" | "before"): summary} of a {model: (after, before)} family."""
    return {(name, where): s for name, pair in family.items()
            for where, s in zip(("after", "before"), pair, strict=True)}


def summary_table(rows: dict) -> pd.DataFrame:
    """:func:`summary_rows` as a table: each summary's median beside 2 sqrt(d/2 pi e), the
    ratio, scale-free and to the matched Gaussian, and the shrinkage with the sample size."""
    columns = {"median NN": "median", "2 sqrt(d/2 pi e)": "target", "ratio": "ratio",
               "scale-free ratio": "scaled_ratio", "vs matched Gaussian": "gauss_ratio",
               "median ~ M^": "shrink"}
    return pd.DataFrame({title: [s[field] for s in rows.values()]
                         for title, field in columns.items()},
                        index=pd.MultiIndex.from_tuples(rows, names=["model", "final norm"])
                        ).round(3)


def width_slopes(rows: dict) -> tuple[dict, dict]:
    """The causal models of :func:`summary_rows` by final norm ({"after" | "before": [summary]},
    in width order), and the least-squares slope k of median ~ d^k across their widths,
    absolute ("median") and scale-free ("scaled"), NaN with one width: {(where, key): k}.
    Three widths, one seed each: a bootstrap interval over them would mean nothing."""
    causal = {where: [s for (n, w), s in rows.items() if w == where and "causal" in n]
              for where in ("after", "before")}
    slopes = {}
    for where in ("after", "before"):
        for key in ("median", "scaled"):
            pts = causal[where]
            if not pts:
                continue
            ds = np.array([s["d"] for s in pts])
            ys = np.array([s["median"] / (1 if key == "median" else s["rms"]) for s in pts])
            slopes[where, key] = power_law_fit(ds, ys)["k"] if len(pts) > 1 else np.nan
    return causal, slopes


def archive_line(records: dict, family: Family = FAMILY) -> str:
    """Where and when the family's archived runs (``records``: their run records) were made,
    their wall time, how many were continued and censored, and where they stopped."""
    when = sorted(r["finished"] for r in records.values())
    hours = sum(r["wall_s"] for r in records.values()) / 3600  # includes continued runs
    return ("measured on " + ", ".join(sorted({r["device"] for r in records.values()}))
            + f", {when[0][:10]} to {when[-1][:10]}; {hours:.1f} hours of wall time in all; "
            f"{sum('extends' in r for r in records.values())} continued past 3,000 steps, "
            f"{sum(r['censored'] for r in records.values())} of {len(records)} censored at "
            f"{family.cap():,}; stopped at steps "
            f"{min(r['last_step'] for r in records.values()):,}-"
            f"{max(r['last_step'] for r in records.values()):,}")


def family_mean_table(scores: dict, family: Family = FAMILY) -> pd.DataFrame:
    """The archived family's summaries by width (``scores``: {(width, seed): {"after",
    "before"}}, missing runs left out), each field the mean over the seeds present."""
    widths = sorted({w for w, _ in scores})
    return pd.DataFrame(
        {(where, col): [np.mean([scores[w, s][where][field] for s in family.seeds
                                 if (w, s) in scores]) for w in widths]
         for where in ("after", "before") for col, field in SUMMARY_COLUMNS},
        index=pd.Index(widths, name="d_emb (mean over seeds)")).round(3)


def slope_table(slopes: dict, seeds) -> pd.DataFrame:
    """The family's slopes (:func:`~assocmem.experiments.radius.family_slopes`) with their
    bootstrap intervals, one row per measure of :data:`SLOPE_NAMES`, after and before the
    final norm."""
    return pd.DataFrame(
        {where: [f"{f['k']:.2f} [{f['low']:.2f}, {f['high']:.2f}]"
                 for f in (slopes[where, m] for m in SLOPE_NAMES)]
         for where in ("after", "before")},
        index=pd.Index(list(SLOPE_NAMES.values()),
                       name=f"slope in d_emb, seeds {seeds} (bootstrap)"))


def within(fit: dict, k: float) -> str:
    """Whether the interval of ``fit`` contains the slope ``k``, in words."""
    return ("contains " if fit["low"] <= k <= fit["high"] else "excludes ") + str(k)


def slope_lines(slopes: dict) -> str:
    """For each side of the final norm: the scale-free slope against 1/2 and 1, the matched
    Gaussian's against 1/2, and the model's excess over the Gaussian against 0."""
    lines = []
    for where in ("after", "before"):
        f, g = slopes[where, "scaled"], slopes[where, "gauss_scaled"]
        e = slopes[where, "vs_gauss"]
        lines.append(f"{where} the final norm: scale-free k = {f['k']:.2f} "
                     f"({within(f, 0.5)}, {within(f, 1)}); the matched Gaussian's "
                     f"{g['k']:.2f} ({within(g, 0.5)}); the model's excess over it "
                     f"{e['k']:.2f} ({within(e, 0)})")
    return "\n".join(lines)


def isotropic_slopes(family: Family = FAMILY, seed: int = 0,
                     beyond=(256, 512, 1024, 2048)) -> tuple[float, float, str]:
    """What sampling alone does: the slope of the median NN of ``family.n_chunks`` draws of
    N(0, I_d) across the family's widths, the local slope between the last two of ``beyond``,
    and the printed line."""
    widths = [*family.widths, *beyond]
    iso = isotropic_nn_medians(widths, family.n_chunks, seed=seed)
    n_fam = len(family.widths)
    slope = np.polyfit(np.log(widths[:n_fam]), np.log(iso[:n_fam]), 1)[0]
    last = np.log(iso[-1] / iso[-2]) / np.log(widths[-1] / widths[-2])
    return slope, last, (
        f"sampling alone: {family.n_chunks:,} draws of N(0, I_d) give a median NN ~ "
        f"d^{slope:.2f} over d = {family.widths[0]}-{family.widths[-1]}, "
        f"and d^{last:.2f} from d = {widths[-2]:,} to {widths[-1]:,}")


def twin_lines(twin_rows: list, records: dict) -> str:
    """The twin pairs (:func:`~assocmem.experiments.radius.twin_pairs`): the range of the gaps
    in best validation loss, the machines, the signs, and the spread between the family's
    seeds at the same widths."""
    gaps = np.abs([r["gap"] for r in twin_rows])
    machines = {(r["device, here"], r["device, twin"]) for r in twin_rows}
    spread = [np.ptp([r["best_val"] for (v, _), r in records.items() if v == w])
              for w in sorted({r["d_emb"] for r in twin_rows})]
    return "\n".join([
        f"{len(twin_rows)} pairs of one configuration; |gap| in best validation loss "
        f"{gaps.min():.4f}-{gaps.max():.4f} nats/token (median {np.median(gaps):.4f}); "
        + ("same machine" if all(a == b for a, b in machines)
           else "machines: " + "; ".join(f"{a} vs {b}" for a, b in sorted(machines))),
        f"{sum(r['gap'] < 0 for r in twin_rows)} of {len(twin_rows)} gaps negative "
        "(this machine's minimum lower)",
        "spread (max - min) of the best validation loss between this family's seeds at "
        f"those widths: {min(spread):.4f}-{max(spread):.4f} nats/token"])


def pretraining_heads() -> dict:
    """The output heads of BERT's and GPT-2's pre-training models, built tiny and offline
    (random weights): {model: sorted names of the outputs ending in "logits"}, with BERT's
    next-sentence logits' shape and the size of GPT-2's last logits axis."""
    import warnings

    import torch

    with warnings.catch_warnings():  # tqdm.auto's notice in a kernel without ipywidgets
        warnings.filterwarnings("ignore", message="IProgress not found")
        from transformers import BertConfig, BertForPreTraining, GPT2Config, GPT2LMHeadModel

    bert = BertForPreTraining(BertConfig(vocab_size=50, hidden_size=16, num_hidden_layers=1,
                                         num_attention_heads=2, intermediate_size=32))
    gpt2 = GPT2LMHeadModel(GPT2Config(vocab_size=50, n_embd=16, n_layer=1, n_head=2,
                                      bos_token_id=0, eos_token_id=0))
    ids = torch.randint(0, 50, (1, 8))
    with torch.no_grad():
        bert_out, gpt2_out = bert(ids), gpt2(ids)
    return {"BERT": sorted(k for k in bert_out.keys() if k.endswith("logits")),
            "GPT-2": sorted(k for k in gpt2_out.keys() if k.endswith("logits")),
            "nsp shape": tuple(bert_out.seq_relationship_logits.shape),
            "gpt2 vocab": gpt2_out.logits.shape[-1]}


def causal_text(after: list, slopes: dict) -> str:
    """The verdict's sentence on chapter 10's causal models (``after``: their summaries after
    the final norm, ``slopes``: :func:`width_slopes`'s)."""
    return ("Causal OpenELM-style models of widths " + ", ".join(str(s["d"]) for s in after)
            + ": medians " + ", ".join(f"{s['median']:.2f}" for s in after)
            + " against " + ", ".join(f"{s['target']:.2f}" for s in after)
            + " (scale-free ratios " + ", ".join(f"{s['scaled_ratio']:.2f}" for s in after)
            + "); across widths the median grows as "
            f"d^{slopes['after', 'median']:.2f} after the final norm and "
            f"d^{slopes['before', 'median']:.2f} before it (theory 0.5), from "
            f"{len(after)} widths. ")


def family_text(slopes: dict, records: dict, family: Family, seeds, iso_slope: float) -> str:
    """The verdict's sentence on the archived family: its slopes with their intervals against
    the matched and the isotropic Gaussian's (empty without slopes)."""
    if not slopes:
        return ""

    def fit(where, measure):
        f = slopes[where, measure]
        return f"d^{f['k']:.2f} [{f['low']:.2f}, {f['high']:.2f}]"

    censored = sum(r["censored"] for r in records.values())
    g = slopes["after", "gauss_scaled"]
    # a structureless cloud of the activations' shape already misses 0.5
    confounded = not g["low"] <= 0.5 <= g["high"]
    return (
        f"Archived family (widths {family.widths[0]}-{family.widths[-1]}, "
        f"seeds {seeds}, trained to their validation minimum, "
        f"{censored} of {len(records)} censored at {family.cap():,} "
        f"steps; bootstrap intervals over the seeds, with three seeds their "
        "range): the median grows as "
        f"{fit('after', 'median')} after the final norm and "
        f"{fit('before', 'median')} before it; scale-free, "
        f"{fit('after', 'scaled')} and {fit('before', 'scaled')} (theory 0.5), "
        f"against {fit('after', 'gauss_scaled')} and "
        f"{fit('before', 'gauss_scaled')} for a Gaussian of the same "
        f"covariance and d^{iso_slope:.2f} for an isotropic one of as many "
        "vectors: "
        + (f"at {family.n_chunks:,} vectors a structureless cloud of the "
           "activations' shape already misses 0.5, so the family cannot test "
           "Eq. 13's radius"
           if confounded
           else "the matched Gaussian's scale-free slope contains 0.5")
        + f"; the models' excess over the matched Gaussian is "
        f"{fit('after', 'vs_gauss')} "
        f"and {fit('before', 'vs_gauss')}. ")
