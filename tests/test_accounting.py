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
