"""Chapter 08 with another corpus finds none of the family's archived runs (a run is keyed by its
corpus): it says on which corpus the archive holds them."""

import json

from assocmem.experiments.radius import FAMILY, archived_corpora

BOOKS = {"corpus": "/data/gutenberg", "fingerprint": "aaaa", "bytes": 10}
OTHER = {"corpus": "/elsewhere/texts", "fingerprint": "bbbb", "bytes": 20}


def _archive(root, corpus, keys):
    for key in keys:
        cfg = FAMILY.configs(corpus)[key]
        run = root / f"{cfg.name}-{cfg.key()}"
        run.mkdir(parents=True)
        (run / "record.json").write_text("{}")
        (run / "config.json").write_text(json.dumps({"task_args": {
            "corpus": corpus["corpus"], "fingerprint": corpus["fingerprint"]}}))


def test_archived_corpora_names_the_corpus_the_family_was_made_on(tmp_path):
    keys = list(FAMILY.configs(BOOKS))
    _archive(tmp_path, BOOKS, keys)
    _archive(tmp_path, OTHER, keys[:2])
    (tmp_path / "unrelated-run-123").mkdir()
    rows = archived_corpora(OTHER, root=tmp_path)
    assert rows == [
        {"corpus": "/data/gutenberg", "fingerprint": "aaaa", "runs": len(keys), "this": False},
        {"corpus": "/elsewhere/texts", "fingerprint": "bbbb", "runs": 2, "this": True},
    ]
    assert archived_corpora(BOOKS, root=tmp_path / "empty") == []
