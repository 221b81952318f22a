"""Section 6.3's text pipeline: corpora, tokenizers, token streams, windows."""


import numpy as np
import pytest
import torch

from assocmem.data import text
from assocmem.data.corpus import Corpus
from assocmem.training.tasks import TextDataset

BOOK = ("It was the best of times, it was the worst of times, it was the age of wisdom, it was "
        "the age of foolishness, it was the epoch of belief, it was the epoch of incredulity. ")


@pytest.fixture()
def books(tmp_path, monkeypatch):
    monkeypatch.setenv("ASSOCMEM_RUNS_DIR", str(tmp_path / "runs"))
    folder = tmp_path / "books"
    folder.mkdir()
    for i in range(3):
        (folder / f"book{i}.txt").write_text(f"[Book {i}]\n" + BOOK * (40 + 10 * i))
    return folder


def test_arrange_keeps_every_word_and_shuffles_pieces():
    corpus = Corpus("c", ["a b c d e f g h i j " * 50, "k l m n o p " * 50])
    whole = text.arrange(corpus, 0)
    mixed = text.arrange(corpus, 40, seed=1)
    assert sorted(whole.split()) == sorted(mixed.split())
    assert mixed != whole and mixed == text.arrange(corpus, 40, seed=1)
    with pytest.raises(ValueError, match="piece_chars"):
        text.arrange(corpus, -1)


def test_corpus_argument_names_the_problem(tmp_path, books):
    with pytest.raises(FileNotFoundError, match="corpus_path"):
        text.corpus_argument(tmp_path / "missing")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ValueError, match="no .txt files"):
        text.corpus_argument(empty)
    first = text.corpus_argument(books)
    assert first["bytes"] == sum(f.stat().st_size for f in books.glob("*.txt"))
    (books / "book0.txt").write_text("changed")
    assert text.corpus_argument(books)["fingerprint"] != first["fingerprint"]


def test_bpe_token_stream_is_lossless_and_cached(books):
    arg = text.corpus_argument(books)
    ids, vocab, name = text.token_stream(arg["corpus"], "bpe-300", 0, 0, arg["fingerprint"])
    assert vocab <= 300 and ids.max() < vocab and "3 documents" in name
    files = sorted((books.parent / "runs" / "tokens").glob("*.tokenizer.json"))
    from tokenizers import Tokenizer
    decoded = Tokenizer.from_file(str(files[0])).decode(ids.tolist())
    assert decoded == text.arrange(text.load_corpus(arg["corpus"]), 0)
    stamp = files[0].stat().st_mtime_ns
    meta = next((books.parent / "runs" / "tokens").glob("*[0-9a-f].json"))
    meta.write_text(meta.read_text().replace(name, "books (3 documents from /elsewhere/books)"))
    again, _, cached_name = text.token_stream(arg["corpus"], "bpe-300", 0, 0, arg["fingerprint"])
    assert np.array_equal(ids, again) and files[0].stat().st_mtime_ns == stamp
    assert cached_name == name  # the name is made now, never read from the cache
    with pytest.raises(ValueError, match="tokenizer"):
        text.token_stream(arg["corpus"], "words", 0, 0, arg["fingerprint"])


def test_gpt2_tokenizer_offline_fails_at_once(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", "/nonexistent-hf-home")
    with pytest.raises(RuntimeError, match="not available offline"):
        text.gpt2_tokenizer()


def test_split_holds_out_the_last_five_percent_and_checks_sizes():
    ids = np.arange(1000)
    train, val = text.split(ids, 300, context=16)
    assert np.array_equal(train, np.arange(300)) and np.array_equal(val, np.arange(950, 1000))
    with pytest.raises(ValueError, match="exceeds the corpus's 950 training tokens"):
        text.split(ids, 951, context=16)
    with pytest.raises(ValueError, match="context"):
        text.split(ids, 300, context=64)  # the 50 validation tokens are too few
    with pytest.raises(ValueError, match="train_tokens"):
        text.split(ids, 0, context=16)


def test_text_windows_stay_in_the_prefix_and_shift_by_one():
    data = TextDataset(torch.arange(100), torch.arange(1000, 1040), 2000, 8, "t")
    inputs, targets = data.train_batch(64, torch.Generator().manual_seed(0))
    assert inputs.shape == (64, 8) and torch.equal(targets, inputs + 1)
    assert targets.max() < 100 and torch.equal(inputs[:, 1:] - inputs[:, :-1],
                                               torch.ones(64, 7, dtype=torch.long))
    batches = list(data.val_batches(2, 10))
    starts = torch.cat([b[0][:, 0] for b in batches])
    assert starts.tolist() == [1000, 1008, 1016, 1024]  # consecutive, non-overlapping, fixed


def test_trained_tokenizer_never_sees_the_validation_tail(books):
    arg = text.corpus_argument(books)
    ids, _, _ = text.token_stream(arg["corpus"], "bpe-300", 0, 0, arg["fingerprint"])
    whole = text.arrange(text.load_corpus(arg["corpus"]), 0)
    from tokenizers import Tokenizer
    tok = Tokenizer.from_file(str(next((books.parent / "runs" / "tokens")
                                       .glob("*.tokenizer.json"))))
    n_train = len(ids) - int(np.ceil(len(ids) * text.VAL_FRACTION))
    assert len(tok.decode(ids[:n_train].tolist())) >= int(len(whole) * text.TOKENIZER_FRACTION)


def test_jensen_shannon_is_zero_for_equal_and_one_bit_for_disjoint_distributions():
    assert text.jensen_shannon([1, 2, 3], [2, 4, 6]) == pytest.approx(0.0, abs=1e-15)
    assert text.jensen_shannon([5, 0, 0], [0, 2, 7]) == pytest.approx(1.0)
    assert 0 < text.jensen_shannon([3, 1], [1, 3]) < 1
    with pytest.raises(ValueError, match="all zero"):
        text.jensen_shannon([0, 0], [1, 1])


def test_word_ids_number_words_by_first_appearance():
    ids = text.word_ids(["The cat, the DOG's bone.", "A cat!"])
    assert ids.tolist() == [0, 1, 0, 2, 3, 4, 1]


def test_a_tail_that_differs_falls_outside_the_random_splits_and_one_that_does_not_within():
    rng = np.random.default_rng(0)
    vocab = 2_000
    common = rng.dirichlet(np.full(vocab, 0.3))
    total = 400_000
    same = rng.choice(vocab, size=total, p=common)  # one distribution throughout
    shift = text.validation_unigram_shift(same, chunk=256, n_random=20, rng=rng)
    assert shift["random"].min() <= shift["tail"] <= shift["random"].max()
    # the last 5% drawn from another distribution over the same words: the tail fails
    other = rng.dirichlet(np.full(vocab, 0.3))
    n_val = int(np.ceil(total * text.VAL_FRACTION))
    shifted = np.concatenate([same[:total - n_val], rng.choice(vocab, size=n_val, p=other)])
    shift = text.validation_unigram_shift(shifted, chunk=256, n_random=20, rng=rng)
    assert shift["tail"] > 2 * shift["random"].max()
    assert shift["val_tokens"] == n_val and shift["chunks"] == round(n_val / 256)
    with pytest.raises(ValueError, match="non-negative integer ids"):
        text.validation_unigram_shift(np.array([0.5, 1.0]))
    with pytest.raises(ValueError, match="two chunks"):
        text.validation_unigram_shift(np.arange(100), chunk=1024)


def test_a_corpus_must_be_utf8_text_with_enough_letters(tmp_path):
    noise = tmp_path / "noise"
    noise.mkdir()
    (noise / "a.txt").write_bytes(np.random.default_rng(0).bytes(50_000))
    with pytest.raises(ValueError, match=r"corpus_path.*a\.txt is not UTF-8 text \("):
        text.corpus_argument(noise)
    tiny = tmp_path / "tiny"
    tiny.mkdir()
    (tiny / "a.txt").write_text("Call me Ishmael. " + "1234567890 " * 500)
    with pytest.raises(ValueError, match=r"corpus_path.*holds 13 letters"):
        text.corpus_argument(tiny)
