"""Parameter accounting (Eq. 2, Appendix E for GPT-2, Appendix F.1 for OpenELM).

GPT-2 is counted module by module from formulas and compared with a real ``transformers``
model built on the meta device (no weights are allocated or downloaded). OpenELM follows the
layer-wise scaling rules of its reference configuration (Mehta et al., 2024): per-layer query
heads from the linearly interpolated QKV multiplier, KV heads from the GQA group count, SwiGLU
FFN widths from the FFN multiplier, RMSNorm (also on queries and keys), no biases, tied
embeddings.
"""

from __future__ import annotations

from assocmem.training.openelm import OpenELMConfig
from assocmem.validate import check_int


# ---- GPT-2 ------------------------------------------------------------------------------------
def gpt2_counts(n_layer: int = 24, d_emb: int = 1024, n_ctx: int = 1024,
                vocab: int = 50257, d_ff: int | None = None) -> dict[str, int]:
    """Parameters of a GPT-2 model by module, from the architecture (App. E's groups)."""
    for name, value in (("n_layer", n_layer), ("d_emb", d_emb), ("n_ctx", n_ctx),
                        ("vocab", vocab)):
        check_int(name, value, low=1)
    d_ff = 4 * d_emb if d_ff is None else check_int("d_ff", d_ff, low=1)
    return {
        "token embedding": vocab * d_emb,
        "position embedding": n_ctx * d_emb,
        "attention qkv (weights + biases)": n_layer * (3 * d_emb * d_emb + 3 * d_emb),
        "attention output projection (weights + biases)": n_layer * (d_emb * d_emb + d_emb),
        "layer norms in blocks": n_layer * 2 * 2 * d_emb,
        "feed-forward (weights + biases)": n_layer * (2 * d_emb * d_ff + d_ff + d_emb),
        "final layer norm": 2 * d_emb,
    }


def gpt2_transformers_counts(n_layer: int = 24, d_emb: int = 1024, n_head: int = 16,
                             n_ctx: int = 1024, vocab: int = 50257) -> dict[str, int]:
    """The same groups, counted on a real ``transformers.GPT2LMHeadModel`` (meta device)."""
    import warnings

    import torch

    with warnings.catch_warnings():  # transformers imports tqdm.auto, which warns without widgets
        warnings.simplefilter("ignore")
        from transformers import GPT2Config, GPT2LMHeadModel

    config = GPT2Config(n_layer=n_layer, n_embd=d_emb, n_head=n_head, n_positions=n_ctx,
                        vocab_size=vocab)
    with torch.device("meta"):
        model = GPT2LMHeadModel(config)
    groups = {"token embedding": "wte", "position embedding": "wpe",
              "attention qkv (weights + biases)": "attn.c_attn",
              "attention output projection (weights + biases)": "attn.c_proj",
              "final layer norm": "ln_f", "layer norms in blocks": ".ln_",
              "feed-forward (weights + biases)": "mlp."}
    counts = dict.fromkeys(groups, 0)
    seen = set()
    for name, p in model.named_parameters():  # lm_head is tied to wte and not listed again
        if id(p) in seen:
            continue
        seen.add(id(p))
        group = next(g for g, key in groups.items() if key in name)
        counts[group] += p.numel()
    counts["total (unique parameters)"] = sum(counts.values())
    return counts


def gpt2_paper_groups(n_layer: int = 24, d_emb: int = 1024, n_head: int = 16) -> dict[str, int]:
    """Appendix E's three formulas, evaluated (not copied): attention, dense + LN, FFN."""
    d_ff = 3 * d_emb  # App. E states d_FF = 3072 = 3 d_emb for GPT-2 medium
    return {
        "multi-head attention, l n_h (3 d_emb d_emb / n_h)": n_layer * n_head * (
            3 * d_emb * d_emb // n_head),
        "dense weights and layer norm, l (d_emb^2 + 2 d_emb)": n_layer * (d_emb**2 + 2 * d_emb),
        "feed-forward, l (2 d_emb d_FF + d_emb + d_FF)": n_layer * (2 * d_emb * d_ff + d_emb
                                                                  + d_ff),
        "feed-forward as simplified, 6 l d_emb^2 + 4 l d_emb": 6 * n_layer * d_emb**2
        + 4 * n_layer * d_emb,
    }


# ---- OpenELM ----------------------------------------------------------------------------------
def openelm_layer_counts(cfg: OpenELMConfig) -> list[dict[str, int]]:
    """Per-layer parameter counts: attention (qkv, out, QK norms), SwiGLU FFN, two RMSNorms."""
    layers = []
    for q, kv, ffn in zip(cfg.query_heads, cfg.kv_heads, cfg.ffn_dims, strict=True):
        layers.append({
            "qkv projection": cfg.model_dim * (q + 2 * kv) * cfg.head_dim,
            "output projection": q * cfg.head_dim * cfg.model_dim,
            "q and k RMSNorm": 2 * cfg.head_dim,
            "SwiGLU FFN": cfg.model_dim * 2 * ffn + ffn * cfg.model_dim,
            "attention and FFN RMSNorm": 2 * cfg.model_dim,
        })
    return layers


def openelm_counts(cfg: OpenELMConfig) -> dict[str, int]:
    """Totals: transformer layers (N of Eq. 2), token embedding (tied), final norm, all."""
    layers = sum(sum(layer.values()) for layer in openelm_layer_counts(cfg))
    embedding = cfg.vocab_size * cfg.model_dim
    return {"transformer layers": layers, "token embedding (tied)": embedding,
            "final RMSNorm": cfg.model_dim, "total": layers + embedding + cfg.model_dim}


def openelm_nearest_count(cfg: OpenELMConfig, target: float) -> int:
    """The transformer-parameter count nearest ``target`` that ``cfg``'s heads allow under any
    FFN widths whatsoever.

    Each layer's SwiGLU FFN adds ``3 d_model w`` parameters for a width ``w`` that OpenELM
    rounds to a multiple of ``ffn_dim_divisor``; everything else is fixed by the heads. So the
    reachable counts are ``base + 3 d_model divisor k`` for integers ``k >= n_layers`` (every
    layer has a width of at least one divisor), whatever the FFN multipliers are.
    """
    if not target > 0:
        raise ValueError(f"parameter 'target' must be a positive count; got {target!r}")
    layers = openelm_layer_counts(cfg)
    base = sum(sum(v for k, v in layer.items() if k != "SwiGLU FFN") for layer in layers)
    step = 3 * cfg.model_dim * cfg.ffn_dim_divisor
    k = max(cfg.n_layers, round((target - base) / step))
    return base + step * k


# ---- App. E's "transformer encoder blocks": does an output see later tokens? ---------------------
def future_token_influence(model, length: int = 12, vocab: int = 100, seed: int = 0) -> float:
    """The largest change in a ``transformers`` model's last hidden states at positions before
    t when every token from t on is replaced, over all t: 0 for causally masked (decoder-style)
    blocks, positive for an encoder's bidirectional self-attention. The model runs in eval mode
    (no dropout), in float64."""
    import torch

    length = check_int("length", length, low=2)
    generator = torch.Generator().manual_seed(check_int("seed", seed, low=0))
    model = model.double().eval()
    ids = torch.randint(vocab, (1, length), generator=generator)
    worst = 0.0
    with torch.no_grad():
        base = model(input_ids=ids).last_hidden_state
        for t in range(1, length):
            changed = ids.clone()
            changed[0, t:] = torch.randint(vocab, (length - t,), generator=generator)
            out = model(input_ids=changed).last_hidden_state
            worst = max(worst, float((out[0, :t] - base[0, :t]).abs().max()))
    return worst


def small_gpt2(n_layer: int = 2, d_emb: int = 64, n_head: int = 4, vocab: int = 100,
               seed: int = 0):
    """A randomly initialized ``transformers.GPT2Model`` of GPT-2's architecture (built from
    its configuration: nothing is downloaded)."""
    import torch
    from transformers import GPT2Config, GPT2Model

    torch.manual_seed(seed)
    return GPT2Model(GPT2Config(n_layer=n_layer, n_embd=d_emb, n_head=n_head, n_positions=64,
                                vocab_size=vocab, bos_token_id=0, eos_token_id=0,
                                attn_pdrop=0.0, embd_pdrop=0.0, resid_pdrop=0.0))


def small_bert(n_layer: int = 2, d_emb: int = 64, n_head: int = 4, vocab: int = 100,
               seed: int = 0):
    """A randomly initialized ``transformers.BertModel``: a stack of Transformer encoder blocks
    (bidirectional self-attention), for contrast with :func:`small_gpt2`."""
    import torch
    from transformers import BertConfig, BertModel

    torch.manual_seed(seed)
    return BertModel(BertConfig(num_hidden_layers=n_layer, hidden_size=d_emb,
                                num_attention_heads=n_head, intermediate_size=4 * d_emb,
                                vocab_size=vocab, max_position_embeddings=64,
                                hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0))


def encoder_block_count(d_emb: int, d_ff: int | None = None) -> int:
    """Parameters of one Transformer block with self-attention and no cross-attention (the
    encoder block of Vaswani et al., as GPT-2 uses it with a causal mask): Q, K, V and output
    projections with biases, the feed-forward pair with biases, two layer norms. A decoder
    block of Vaswani et al. adds a cross-attention and a third norm, 4 d^2 + 6 d more."""
    d_emb = check_int("d_emb", d_emb, low=1)
    d_ff = 4 * d_emb if d_ff is None else check_int("d_ff", d_ff, low=1)
    return (4 * d_emb * d_emb + 4 * d_emb) + (2 * d_emb * d_ff + d_ff + d_emb) + 4 * d_emb
