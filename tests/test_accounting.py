"""Parameter accounting (Eq. 2, App. E, F.1) against real models and by hand."""

import pytest

from assocmem.accounting import gpt2_counts, gpt2_transformers_counts, openelm_counts
from assocmem.training.openelm import OpenELMConfig, make_divisible


def test_gpt2_formulas_match_transformers():
    for shape in ((24, 1024, 16), (2, 64, 4)):
        formula = gpt2_counts(shape[0], shape[1])
        real = gpt2_transformers_counts(*shape)
        assert all(formula[k] == real[k] for k in formula)
    assert real["total (unique parameters)"] == sum(gpt2_counts(2, 64).values())


def test_gpt2_medium_total_is_the_known_355m():
    assert sum(gpt2_counts().values()) == 354_823_168


def test_openelm_rules():
    assert make_divisible(477.0, 128) == 512
    cfg = OpenELMConfig(model_dim=954, n_layers=8, num_gqa_groups=2)
    assert cfg.query_heads[0] == 8 and cfg.kv_heads == [q // 2 for q in cfg.query_heads]
    assert cfg.ffn_dims[0] == 512 and cfg.ffn_dims[-1] == 3840
    counts = openelm_counts(cfg)
    assert counts["total"] == counts["transformer layers"] + 50257 * 954 + 954
    with pytest.raises(ValueError, match="query_heads_override"):
        OpenELMConfig(model_dim=954, n_layers=8, query_heads_override=(6, 6))


def test_nearest_openelm_count_is_never_beaten_by_any_ffn_multipliers():
    import itertools

    import numpy as np

    from assocmem.accounting import openelm_nearest_count

    heads = dict(query_heads_override=(2, 3, 4), kv_heads_override=(1, 1, 2))
    grid = np.arange(0.25, 6.01, 0.1)
    counts = {openelm_counts(OpenELMConfig(96, 3, head_dim=16, ffn_dim_divisor=32,
                                           ffn_multipliers=(lo, hi), **heads))
              ["transformer layers"] for lo, hi in itertools.product(grid, grid) if hi >= lo}
    cfg = OpenELMConfig(96, 3, head_dim=16, ffn_dim_divisor=32, **heads)
    for target in (min(counts) - 10_000, 150_000.0, 151_234, max(counts) + 5):
        nearest = openelm_nearest_count(cfg, target)
        assert abs(nearest - target) <= min(abs(c - target) for c in counts)
        assert (nearest - min(counts)) % (3 * 96 * 32) == 0
    assert 150_000 < max(counts) and openelm_nearest_count(cfg, min(counts)) == min(counts)
    with pytest.raises(ValueError, match="target"):
        openelm_nearest_count(cfg, 0)


def test_gpt2_blocks_are_causal_and_bert_blocks_are_not():
    from assocmem.accounting import future_token_influence, small_bert, small_gpt2

    assert future_token_influence(small_gpt2()) < 1e-12  # later tokens never reach earlier ones
    assert future_token_influence(small_bert()) > 1e-4  # an encoder's self-attention sees them


def test_a_gpt2_block_has_an_encoder_blocks_parameters():
    from assocmem.accounting import encoder_block_count, small_gpt2

    model = small_gpt2(d_emb=64)
    assert sum(p.numel() for p in model.h[0].parameters()) == encoder_block_count(64)
    counts = gpt2_counts()
    blocks = sum(v for k, v in counts.items() if "embedding" not in k and "final" not in k)
    assert blocks == 24 * encoder_block_count(1024)


def test_app_e_printed_groups_are_their_formulas():
    from assocmem.accounting import gpt2_paper_groups
    from assocmem.quotations import PAPER_APP_E

    groups = list(gpt2_paper_groups().values())
    assert groups[:3] == [PAPER_APP_E[k] for k in ("attention", "dense and layer norm",
                                                   "feed-forward")]
    assert groups[2] == groups[3]  # the simplified FF form equals the expanded one
