"""Every number the book quotes rather than computes: the paper's printed values (Table 3,
Appendix F.1's configurations, Eq. 1's constants, Section 6.3's sizes and threshold) and the
published fits the paper's quotation is compared with, and the text of a cited theorem whose
citation a chapter checks (Ramsauer et al.'s Theorem 4).

Nothing here is a result of the book. Chapters compare these quotations with what the code
computes; a quoted number has exactly this one home, so it is never mistaken for a computed one.
"""

from __future__ import annotations

# ---- Eq. 1: the Chinchilla parametric loss, name -> (E, A, B, alpha, beta) ---------------------
CHINCHILLA_FITS = {
    "as quoted by the paper (Eq. 1)": (1.61, 406.4, 410.7, 0.34, 0.28),
    # Hoffmann et al. (2022), Approach 3, their Eq. 10.
    "Hoffmann et al. 2022 (Approach 3)": (1.69, 406.4, 410.7, 0.34, 0.28),
    # Besiroglu et al. (2024), Epoch AI's replication of Approach 3, their Table 1.
    "Besiroglu et al. 2024 (replication)": (1.8172, 482.01, 2085.43, 0.3478, 0.3658),
}

# ---- Appendix F.1 as printed: model dimension, layers, KV heads, query heads per layer ---------
PAPER_OPENELM = {
    "Model 1": {"N": 39.95e6, "model_dim": 954, "n_layers": 8,
                "kv": (3, 3, 3, 3, 4, 4, 4, 5), "q": (6, 6, 6, 6, 8, 8, 8, 10)},
    "Model 2": {"N": 60.26e6, "model_dim": 1280, "n_layers": 8,
                "kv": (3, 3, 3, 3, 4, 4, 4, 5), "q": (6, 6, 6, 6, 8, 8, 8, 10)},
    "Model 3": {"N": 80.20e6, "model_dim": 1440, "n_layers": 8,
                "kv": (3, 3, 3, 4, 4, 4, 5, 5), "q": (6, 6, 6, 8, 8, 8, 10, 10)},
}

# ---- Section 6.3 and Table 3 --------------------------------------------------------------------
# Table 3's eight sizes in tokens ("ranging uniformly from D = 167.06M to D = 333.17M").
PAPER_SIZES = [int(d * 1e4) for d in (16706, 19038, 21418, 23798, 26178, 28557, 30937, 33317)]
PAPER_SIGMA2 = 0.04  # the threshold on Table 3's MSE
PAPER_WINDOW = 1000  # iterations after the validation minimum that Table 3's MSE averages over

# Table 3 as printed: MSE per data size (tokens), the reported D* and N/D*^2 in units of 1e-10.
PAPER_TABLE3 = {
    "Model 1": {"mse": {167_060_000: 0.07, 190_380_000: 0.05, 214_180_000: 0.04,
                        237_980_000: 0.04}, "d_star": 214_180_000, "ratio_e10": 8.71},
    "Model 2": {"mse": {214_180_000: 0.05, 237_980_000: 0.04, 261_780_000: 0.02,
                        285_570_000: 0.02}, "d_star": 261_780_000, "ratio_e10": 8.79},
    "Model 3": {"mse": {261_780_000: 0.05, 285_570_000: 0.04, 309_370_000: 0.02,
                        333_170_000: 0.02}, "d_star": 309_370_000, "ratio_e10": 8.38},
}

# ---- Section 6.1 as printed: GPT-2 medium on OpenWebText -----------------------------------
PAPER_SEC61 = {
    "d_emb": 1024,  # "The hidden dimension is d_emb = 1024"
    "nn_distance": 20.0,  # "the mean and median equals approximately 20"
    "ball_radius": 10.0,  # "a typical B_i of pattern rho^i has radius 10"
    "radius_printed": 7.74,  # "sqrt(1024/(2 pi e)) = 7.74"
    "chunks": 100_000,  # "100K chunks of 256 tokens"
    "chunk_tokens": 256,
    "dataset_tokens": 9e9,  # "The dataset contains 9B tokens from 8,013,769 documents"
    "dataset_documents": 8_013_769,
    "documents_pct": 1.3,  # "These cover approximately 1.3% of the documents"
    "tokens_pct": 0.25,  # "and constitute approximately 0.25% of the tokens"
}

# ---- Section 1: "Recent models (Smith et al., 2022) can reach up to 530 billion parameters,
# trained on hundreds of billions of tokens with more than 10K GPUs." ---------------------------
PAPER_SEC1_MTNLG = {"parameters": 530e9, "gpus_more_than": 10_000}
# and the hardware of MT-NLG's training cluster (Selene), as the Microsoft/NVIDIA announcement of
# October 2021 describes it: "560 DGX A100 servers ... Each DGX A100 has eight NVIDIA A100 80GB
# Tensor Core GPUs" (Smith et al., 2022 describe the same cluster; not read offline here).
SMITH2022_MTNLG = {"servers": 560, "gpus_per_server": 8}

# ---- Appendix B, Table 2 (Chinchilla row) and Appendix F: training volume -----------------
PAPER_TABLE2_CHINCHILLA = {"N": 70e9, "D": 1.4e12, "loss": 2.2}  # "Chinchilla 70B 1.4T 2.2"
PAPER_TOKENS_PER_ITERATION = 491_520  # App. F.1, "Tokens per iteration 491,520"
PAPER_F2_STEP = 6000  # App. F.2, minimum "achieved at approximately the 6000th training step"

# ---- Appendix E as printed: GPT-2 medium's parameter groups, and Sec. 6.1's model size ----------
PAPER_APP_E = {
    "n_layer": 24, "d_emb": 1024, "n_head": 16, "vocab": 50_257, "d_ff": 3072,
    "attention": 75_497_472,  # "l n_h (3 d_emb d_emb / n_h) = 3 l d_emb^2 = 75,497,472"
    "dense and layer norm": 25_214_976,  # "l(d_emb^2 + 2 d_emb) = ... = 25,214,976"
    "feed-forward": 151_093_248,  # "l(2 d_emb d_FF + d_emb + d_FF) = ... = 151,093,248"
}
PAPER_SEC61_PARAMETERS = 355e6  # Sec. 6.1: "The medium size model has 355M parameters."

# ---- Section 6.2 as printed, and the code it follows -------------------------------------------
PAPER_SEC62 = {"d_emb": 512, "t_max": 5000, "layers": (6, 10)}  # "(d_emb = 512, T_max = 5000)"
# Murty et al. (2023)'s code, MurtyShikhar/structural-grokking, models/transformer_lm.py:
# "class TransformerLM(torch.nn.Module): def __init__(self, n_input_tokens: int, state_size: int
# = 512, ff_multiplier: float = 1, max_len: int = 5000, ..." (commit aa87d45), the length of
# its positional-encoding table;
# its create_lm (transformer_helpers.py) does not pass max_len.
MURTY2023_LM_MAX_LEN = 5000

# ---- Appendix B, Table 1, Krotov & Hopfield row: capacity as a power of n for an energy
# F of polynomial order r, written as r + offset. The paper prints "Theta(n^r)". Krotov &
# Hopfield (2016) give, for F(x) = x^n in a network of N neurons, K^max = alpha_n N^(n-1)
# (alpha_n a constant set by the tolerated error), n = 2 being the standard Hopfield network of
# Table 1's first row, O(n); for recall of every pattern with no errors, K^max ~ N^(n-1) /
# (2 (2n - 3)!! ln N) (not checked verbatim offline). Demircigil et al. (2017), abstract
# (paraphrased, not checked verbatim offline): Krotov & Hopfield consider a polynomial
# interaction function and claim it increases the storage capacity; Demircigil et al. prove
# the claim.
TABLE1_KROTOV_EXPONENT_OFFSET = {"as printed (Table 1)": 0, "Krotov & Hopfield 2016": -1}

# ---- Sec. 4 cites "Theorem 4 in (Ramsauer et al., 2020)" for a layer's density. Ramsauer et al.,
# "Hopfield Networks is All You Need", ICLR 2021 (arXiv 2008.02217v3), Sec. 2, Theorem 4 with
# its Eqs. (6)-(7), in plain text (xi the query, x_i the i-th of N patterns, x_i* the fixed point
# near it, Delta_i its separation, M the largest pattern norm, beta the inverse temperature),
# compared with two stored copies of that text (not with the PDF itself).
RAMSAUER2020_THEOREM_4 = (
    "With query xi, after one update the distance of the new point f(xi) to the fixed point "
    "x_i* is exponentially small in the separation Delta_i. The precise bounds using the "
    "Jacobian J = df(xi)/dxi and its value J^m in the mean value theorem are: "
    "||f(xi) - x_i*|| <= ||J^m||_2 ||xi - x_i*||, "
    "||J^m||_2 <= 2 beta N M^2 (N - 1) exp(-beta (Delta_i - 2 max{||xi - x_i||, "
    "||x_i* - x_i||} M)). "
    "For given epsilon and sufficient large Delta_i, we have ||f(xi) - x_i*|| < epsilon, that "
    "is, retrieval with one update."
)

# ---- Quoted by the second reading's rows (assocmem.theory.checks.reading) --------------------
# App. B, Table 2: each model's reported cross-entropy loss L, and App. A's sentence "the
# majority of transformer models at the commercial level tend to achieve a cross-entropy loss
# of approximately 2.2".
PAPER_TABLE2_LOSSES = {"Transformer (Kaplan et al.)": 2.5, "Chinchilla": 2.2, "PaLM 2": 2.4,
                       "GPT-2 (Muennighoff et al.)": 2.3, "MiniCPM": 2.4, "Nanotron": 2.4}
PAPER_APP_A_COMMERCIAL_LOSS = 2.2
# App. C as printed: the results it gives a "Proof." of (Lemma 3 is stated without one; C.1 is
# "PROOF OF PROPOSITION 2"). Sec. 4 says Proposition 1's proof "is deferred to Appendix C".
PAPER_APP_C_PROOFS = ("Lemma 1", "Lemma 2", "Lemma 4", "Proposition 2")
# Sec. 6.2: "The dataset contains D = 2M tokens ... a vocabulary size of 68 words".
PAPER_SEC62_DATA = {"tokens": 2e6, "vocab": 68}
# McCoy et al. (2020)'s question-formation training split: 100,000 examples (not shipped with
# the reference data; its README gives the figure).
MCCOY2020_TRAIN_EXAMPLES = 100_000
# Sec. 6.3: "the first 180M words of the SPGC, and we use the last 5% tokens as the validation
# set"; the largest D is PAPER_SIZES[-1].
PAPER_SEC63_DATA = {"words": 180e6, "val_fraction": 0.05}
# App. F.1: "Max Context Length 1024", "Batch size 12" (with PAPER_TOKENS_PER_ITERATION).
PAPER_F1_BATCH = {"context": 1024, "batch_size": 12}
