"""Language models for the experiments: Murty et al.'s vanilla transformer (Section 6.2) and an
OpenELM-style decoder (Section 6.3). Each is one small file; both map token ids (batch, time) to
logits (batch, time, vocab)."""

from assocmem.models.openelm import OpenELM
from assocmem.models.vanilla import VanillaTransformer

__all__ = ["OpenELM", "VanillaTransformer"]
