"""Data the experiments read or generate: text corpora and their token streams, the
question-formation grammar, random memorization patterns; ``data_dir`` finds the reference data."""

import os
from pathlib import Path


def data_dir() -> Path | None:
    """``$ASSOCMEM_DATA_DIR`` as a Path when it is set and exists, else None."""
    value = os.environ.get("ASSOCMEM_DATA_DIR")
    if not value:
        return None
    path = Path(value)
    if not path.is_dir():
        raise FileNotFoundError(f"ASSOCMEM_DATA_DIR={value!r} is not a directory")
    return path
