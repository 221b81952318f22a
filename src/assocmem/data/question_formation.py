"""McCoy et al.'s question-formation task (Section 6.2): the grammar, a sampler, a parser, the
transformation to questions, a loader for the McCoy-format files, and the exact entropy rate of
the training data.

The probabilistic context-free grammar below is written out here (it is equivalent to the
``question.gr`` that ships with McCoy et al.'s data: the tests compare the two). It has no
recursion, so every derivation is finite and the exact entropy follows by dynamic programming.

A training example is ``SOURCE marker OUTPUT``: the declarative with its final ``.``, the task
marker ``decl`` or ``quest``, and the declarative again (``decl``) or its question (``quest``).
"""

from __future__ import annotations

import bisect
import functools
import math
from pathlib import Path

import numpy as np

_NOUNS = ("newt orangutan peacock quail raven salamander tyrannosaurus unicorn vulture walrus "
          "xylophone yak zebra").split()
_PLURALS = {"tyrannosaurus": "tyrannosauruses", "walrus": "walruses"}

# LHS -> list of (weight, right-hand side)
GRAMMAR: dict[str, list[tuple[float, tuple[str, ...]]]] = {
    "ROOT": [(1, ("S", "."))],
    "S": [(1, ("NP_M_S", "VP_M_S")), (1, ("NP_M_P", "VP_M_P"))],
    "NP_M_S": [(1, ("Det", "N_S")), (1, ("Det", "N_S", "Prep", "Det", "N")),
               (1, ("Det", "N_S", "RC_S"))],
    "NP_M_P": [(1, ("Det", "N_P")), (1, ("Det", "N_P", "Prep", "Det", "N")),
               (1, ("Det", "N_P", "RC_P"))],
    "NP_O": [(1, ("Det", "N_S")), (1, ("Det", "N_P")), (1, ("Det", "N_S", "Prep", "Det", "N")),
             (1, ("Det", "N_P", "Prep", "Det", "N")), (1, ("Det", "N_S", "RC_S")),
             (1, ("Det", "N_P", "RC_P"))],
    "N": [(1, ("N_S",)), (1, ("N_P",))],
    "VP_M_S": [(1, ("Aux_S", "V_intrans")), (1, ("Aux_S", "V_trans", "NP_O"))],
    "VP_M_P": [(1, ("Aux_P", "V_intrans")), (1, ("Aux_P", "V_trans", "NP_O"))],
    "RC_S": [(2, ("Rel", "Aux_S", "V_intrans")), (1, ("Rel", "Det", "N_S", "Aux_S", "V_trans")),
             (1, ("Rel", "Det", "N_P", "Aux_P", "V_trans")),
             (2, ("Rel", "Aux_S", "V_trans", "Det", "N"))],
    "RC_P": [(2, ("Rel", "Aux_P", "V_intrans")), (1, ("Rel", "Det", "N_S", "Aux_S", "V_trans")),
             (1, ("Rel", "Det", "N_P", "Aux_P", "V_trans")),
             (2, ("Rel", "Aux_P", "V_trans", "Det", "N"))],
    "Det": [(1, (w,)) for w in "the some my your our her".split()],
    "N_S": [(1, (w,)) for w in _NOUNS],
    "N_P": [(1, (_PLURALS.get(w, w + "s"),)) for w in _NOUNS],
    "V_intrans": [(1, (w,)) for w in "giggle smile sleep swim wait move change read eat".split()],
    "V_trans": [(1, (w,)) for w in
                "entertain amuse high_five applaud confuse admire accept remember comfort".split()],
    "Aux_P": [(1, ("do",)), (1, ("don't",))],
    "Aux_S": [(1, ("does",)), (1, ("doesn't",))],
    "Prep": [(1, (w,)) for w in "around near with upon by behind above below".split()],
    "Rel": [(1, ("who",)), (1, ("that",))],
}
MARKERS = ("decl", "quest")
MAIN_AUX = ("Aux_S", "Aux_P")


def terminals() -> list[str]:
    """Every word the grammar can emit (including '.'), plus '?', 'decl' and 'quest'."""
    words = {s for rules in GRAMMAR.values() for _, rhs in rules for s in rhs if s not in GRAMMAR}
    return sorted(words | {"?", *MARKERS})


def _probabilities(symbol):
    rules = GRAMMAR[symbol]
    total = sum(w for w, _ in rules)
    return [(w / total, rhs) for w, rhs in rules]


@functools.cache
def _choices(symbol: str) -> tuple[list[float], list]:
    """(the cumulative distribution of ``symbol``'s rules, their right-hand sides): the table
    with which one uniform draw picks a rule exactly as ``Generator.choice(n, p=p)`` does (its
    normalized cumulative sum, searched to the right), without its per-call checks."""
    probs = _probabilities(symbol)
    cdf = np.array([p for p, _ in probs]).cumsum()
    cdf /= cdf[-1]
    return cdf.tolist(), [rhs for _, rhs in probs]


def sample_declarative(rng: np.random.Generator, symbol: str = "ROOT") -> list[str]:
    """One sentence from the grammar, as a list of tokens (ending in '.')."""
    if symbol not in GRAMMAR:
        return [symbol]
    tokens: list[str] = []
    _expand_into(tokens, rng, symbol)
    return tokens


def _expand_into(tokens: list[str], rng: np.random.Generator, symbol: str) -> None:
    """Append a random derivation of the nonterminal ``symbol`` to ``tokens``, drawing one
    rule per nonterminal, depth first and left to right."""
    cdf, rhs = _choices(symbol)
    for child in rhs[bisect.bisect_right(cdf, rng.random())]:
        if child in GRAMMAR:
            _expand_into(tokens, rng, child)
        else:
            tokens.append(child)


# ---- parsing ---------------------------------------------------------------------------------
def _parses(tokens: tuple[str, ...]):
    """All parse trees of ``tokens`` from ROOT, as nested (symbol, children) / token leaves."""

    @functools.cache
    def expand(symbol: str, start: int) -> tuple[tuple[int, object], ...]:
        if symbol not in GRAMMAR:
            ok = start < len(tokens) and tokens[start] == symbol
            return ((start + 1, symbol),) if ok else ()
        out = []
        for _, rhs in GRAMMAR[symbol]:
            partial = [(start, ())]
            for child in rhs:
                partial = [(end, kids + (tree,)) for pos, kids in partial
                           for end, tree in expand(child, pos)]
            out += [(end, (symbol, kids)) for end, kids in partial]
        return tuple(out)

    return [tree for end, tree in expand("ROOT", 0) if end == len(tokens)]


def _tokens(sentence: str) -> tuple[str, ...]:
    if not isinstance(sentence, str) or not sentence.strip():
        raise ValueError(f"argument 'declarative' must be a non-empty string; got {sentence!r}")
    tokens = tuple(sentence.split())
    return tokens if tokens[-1] == "." else (*tokens, ".")


def is_grammatical(declarative: str) -> bool:
    """True when the grammar generates the sentence (written with or without the final ' .')."""
    return bool(_parses(_tokens(declarative)))


def _main_aux_index(tree) -> int:
    """Token index of the auxiliary directly under the main-clause VP (VP_M_S / VP_M_P)."""
    position = 0

    def walk(node, in_main_vp):
        nonlocal position
        if isinstance(node, str):
            position += 1
            return None
        symbol, kids = node
        if symbol in MAIN_AUX and in_main_vp:
            return position
        for kid in kids:
            found = walk(kid, symbol.startswith("VP_M"))
            if found is not None:
                return found
        return None

    return walk(tree, False)


def to_question(declarative: str) -> str:
    """Move the main-clause auxiliary to the front and end with ' ?', as McCoy et al.'s data do."""
    return _question(_tokens(declarative))


@functools.lru_cache(maxsize=1 << 16)
def _question(tokens: tuple[str, ...]) -> str:
    declarative = " ".join(tokens)
    trees = _parses(tokens)
    if not trees:
        raise ValueError(f"argument 'declarative' is not generated by the grammar: {declarative!r}")
    positions = {_main_aux_index(t) for t in trees}
    if len(positions) != 1:
        raise ValueError(f"the main auxiliary of {declarative!r} is ambiguous: {positions}")
    i = positions.pop()
    words = list(tokens[:-1])
    return " ".join([words[i], *words[:i], *words[i + 1:], "?"])


def make_example(declarative: list[str] | str, marker: str) -> list[str]:
    """``SOURCE marker OUTPUT`` as tokens: the training format of Section 6.2."""
    sentence = " ".join(declarative) if isinstance(declarative, list) else declarative
    tokens = list(_tokens(sentence))
    if marker == "decl":
        return [*tokens, "decl", *tokens]
    if marker == "quest":
        return [*tokens, "quest", *to_question(sentence).split()]
    raise ValueError(f"argument 'marker' must be one of {MARKERS}; got {marker!r}")


def generate(n_examples: int, rng: np.random.Generator, p_quest: float = 0.5) -> list[list[str]]:
    """``n_examples`` training examples sampled from the grammar."""
    if not 0 <= p_quest <= 1:
        raise ValueError(f"argument 'p_quest' must be in [0, 1]; got {p_quest}")
    return [make_example(sample_declarative(rng), "quest" if rng.uniform() < p_quest else "decl")
            for _ in range(n_examples)]


def load_mccoy(path: Path) -> list[tuple[str, str]]:
    """(SOURCE, TARGET) pairs of a McCoy-format file (one ``SOURCE<TAB>TARGET`` per line)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"question-formation file not found: {path}")
    pairs = []
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) != 2 or parts[0].split()[-1] not in MARKERS:
            raise ValueError(f"{path}:{number}: expected 'SOURCE . decl|quest<TAB>TARGET'")
        pairs.append((parts[0].strip(), parts[1].strip()))
    if not pairs:
        raise ValueError(f"{path} holds no examples")
    return pairs


# ---- exact entropy -----------------------------------------------------------------------------
@functools.cache
def _entropy_and_length(symbol: str) -> tuple[float, float]:
    """(derivation entropy in nats, expected number of tokens) of the strings under ``symbol``."""
    if symbol not in GRAMMAR:
        return 0.0, 1.0
    entropy = length = 0.0
    for p, rhs in _probabilities(symbol):
        sub = [_entropy_and_length(child) for child in rhs]
        entropy += p * (-math.log(p) + sum(h for h, _ in sub))
        length += p * sum(n for _, n in sub)
    return entropy, length


@functools.cache
def longest_derivation(symbol: str = "ROOT") -> int:
    """The most tokens a string derived from ``symbol`` can have (the grammar has no recursion,
    so the maximum is finite and follows by dynamic programming over the rules)."""
    if symbol not in GRAMMAR:
        return 1
    return max(sum(longest_derivation(child) for child in rhs) for _, rhs in GRAMMAR[symbol])


def longest_example(bos_eos: bool = True) -> int:
    """The most tokens a training example ``SOURCE marker OUTPUT`` can have: the longest
    declarative, its marker and an output of the same length (a question has as many tokens as
    its declarative), plus BOS and EOS when ``bos_eos``. Section 6.2's T_max bounds this."""
    return 2 * longest_derivation("ROOT") + 1 + (2 if bos_eos else 0)


def entropy_rate(p_quest: float = 0.5, bos_eos: bool = True) -> dict[str, float]:
    """The exact per-token entropy of the training stream: the loss a perfect model reaches.

    The sentence's entropy (the grammar is unambiguous, so derivation and string entropy
    agree; the tests check it on samples), plus the task marker's, over the expected number of
    predicted tokens: sentence, marker, output (same length) and, with ``bos_eos``, an EOS
    predicted after a BOS that is never predicted. The output and EOS are determined by the rest.
    """
    h_sentence, length = _entropy_and_length("ROOT")
    h_marker = 0.0 if p_quest in (0.0, 1.0) else -(
        p_quest * math.log(p_quest) + (1 - p_quest) * math.log(1 - p_quest))
    tokens = 2 * length + 1 + (1 if bos_eos else 0)  # a question has as many tokens as its source
    return {"sentence entropy": h_sentence, "marker entropy": h_marker,
            "expected tokens": tokens, "nats per token": (h_sentence + h_marker) / tokens}


def log_probability(declarative: str) -> float:
    """log P(sentence) under the grammar, summed over its parse trees (-inf if ungrammatical)."""

    def tree_log_prob(node) -> float:
        if isinstance(node, str):
            return 0.0
        symbol, kids = node
        rhs = tuple(k if isinstance(k, str) else k[0] for k in kids)
        p = next(p for p, r in _probabilities(symbol) if r == rhs)
        return math.log(p) + sum(tree_log_prob(k) for k in kids)

    trees = _parses(_tokens(declarative))
    if not trees:
        return -math.inf
    logs = [tree_log_prob(t) for t in trees]
    top = max(logs)
    return top + math.log(sum(math.exp(v - top) for v in logs))


def describe_pairs(pairs) -> dict:
    """What Section 6.2 says of the data, measured on its examples: (SOURCE, TARGET) pairs as
    :func:`load_mccoy` returns them, or token lists as :func:`generate` does. Returns the token
    types (words, markers and punctuation), the mean tokens per example (source with its marker,
    plus target) and the examples per task marker. Section 6.2: "The dataset contains D = 2M
    tokens. The sentences are context-free with a vocabulary size of 68 words, and the task is to
    convert declarative sentences into questions."
    """
    vocab, tokens, markers = set(), 0, dict.fromkeys(MARKERS, 0)
    for example in pairs:
        words = (" ".join(example).split() if isinstance(example, tuple)
                 else list(example))
        marker = next((w for w in words if w in MARKERS), None)
        if marker is None:
            raise ValueError(f"an example has no task marker: {' '.join(words)!r}")
        vocab.update(words)
        tokens += len(words)
        markers[marker] += 1
    if not sum(markers.values()):
        raise ValueError("argument 'pairs' holds no examples")
    return {"vocab": vocab, "mean tokens": tokens / sum(markers.values()), "markers": markers}
