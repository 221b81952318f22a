"""McCoy et al.'s question-formation task (Section 6.2): the grammar, a sampler, a parser, the
transformation to questions, a loader for the McCoy-format files, and the exact entropy rate of
the training data.

The probabilistic context-free grammar below is written out here (it is equivalent to the
``question.gr`` that ships with McCoy et al.'s data: the tests compare the two). It has no
recursion, so every derivation is finite and the exact entropy follows by dynamic programming.

A training example is ``SOURCE marker OUTPUT``: the declarative with its final ``.``, the task
marker ``decl`` or ``quest``, and the declarative again (``decl``) or its question (``quest``).

Two data designs (:class:`Design`, by name in :data:`DESIGNS`) sample from this grammar:

- ``"uniform"``: ``question.gr``'s rule weights (equal within each rule, except the relative
  clauses' 2:1:1:2) and a fair coin for the marker. The book's runs were trained on it.
- ``"mccoy"``: McCoy et al.'s in-distribution design, fitted on their dev file: each rule's
  probability is its share of the rule uses in the dev declaratives' parses (maximum
  likelihood), a sentence whose subject carries a relative clause is never made a question (that
  type is their generalization set), and the others are questions with the dev file's
  proportion. :func:`fit_design` re-fits it from any McCoy-format pairs.
"""

from __future__ import annotations

import bisect
import functools
import math
from dataclasses import dataclass
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
SUBJECT_TYPES = ("plain", "PP", "RC")  # the subject: Det N, with a prepositional phrase, with a RC

# How often each rule of GRAMMAR (in its order) is used in the parses of the 1,000 declaratives
# of McCoy et al.'s question.dev (each parses once), and its markers: 406 of the 806 examples
# whose subject carries no relative clause are questions; the 194 that carry one are all
# declarative. The tests re-count both from the file when it is present.
MCCOY_DEV_RULE_COUNTS: dict[str, tuple[int, ...]] = {
    "ROOT": (1000,), "S": (480, 520), "NP_M_S": (254, 134, 92), "NP_M_P": (286, 132, 102),
    "NP_O": (141, 129, 130, 124, 192, 186), "N": (340, 326), "VP_M_S": (45, 435),
    "VP_M_P": (53, 467), "RC_S": (138, 41, 38, 67), "RC_P": (112, 49, 48, 79),
    "Det": (422, 451, 498, 445, 444, 484),
    "N_S": (107, 97, 114, 90, 109, 105, 103, 123, 117, 98, 84, 107, 119),
    "N_P": (105, 106, 88, 105, 120, 111, 108, 118, 96, 107, 97, 115, 95),
    "V_intrans": (49, 33, 37, 53, 35, 40, 34, 35, 32),
    "V_trans": (125, 146, 141, 143, 108, 151, 123, 140, 147),
    "Aux_P": (397, 400), "Aux_S": (379, 396), "Prep": (65, 71, 64, 56, 63, 55, 75, 71),
    "Rel": (291, 281),
}
MCCOY_DEV_QUESTIONS = (406, 806)  # (quest examples, examples that may be questions)


@dataclass(frozen=True)
class Design:
    """How the training examples are drawn from the grammar.

    ``weights``: for each left-hand side of :data:`GRAMMAR`, its rules' weights in GRAMMAR's
    order (normalized per left-hand side; counts work). ``p_quest``: the probability that a
    sentence which may become a question gets the marker ``quest``. ``held_out``: when True, a
    sentence whose subject carries a relative clause is never a question (marker ``decl``)."""

    name: str
    weights: tuple[tuple[str, tuple[float, ...]], ...]
    p_quest: float
    held_out: bool

    def __post_init__(self):
        table = dict(self.weights)
        if set(table) != set(GRAMMAR) or len(table) != len(self.weights):
            raise ValueError(f"argument 'weights' must name each of {sorted(GRAMMAR)} once")
        for lhs, w in table.items():
            if (len(w) != len(GRAMMAR[lhs]) or not all(math.isfinite(v) and v >= 0 for v in w)
                    or not sum(w) > 0):
                raise ValueError(f"argument 'weights' of {lhs!r} must be {len(GRAMMAR[lhs])} "
                                 f"finite weights >= 0 with a positive sum; got {w}")
        if not 0 <= self.p_quest <= 1:
            raise ValueError(f"argument 'p_quest' must be in [0, 1]; got {self.p_quest}")

    def probabilities(self, symbol: str) -> list[tuple[float, tuple[str, ...]]]:
        """(probability, right-hand side) of each rule of ``symbol``."""
        return _design_probabilities(self, symbol)


@functools.cache
def _design_probabilities(design: Design, symbol: str):
    weights = dict(design.weights)[symbol]
    total = sum(weights)
    return [(w / total, rhs) for w, (_, rhs) in zip(weights, GRAMMAR[symbol], strict=True)]


def _counts_design(name: str, counts: dict, questions: tuple[int, int],
                   held_out: bool) -> Design:
    quest, eligible = questions
    return Design(name, tuple((lhs, tuple(float(c) for c in counts[lhs])) for lhs in GRAMMAR),
                  quest / eligible if eligible else 0.0, held_out)


DESIGNS: dict[str, Design] = {
    "uniform": Design("uniform", tuple((lhs, tuple(float(w) for w, _ in rules))
                                       for lhs, rules in GRAMMAR.items()), 0.5, False),
    "mccoy": _counts_design("mccoy", MCCOY_DEV_RULE_COUNTS, MCCOY_DEV_QUESTIONS, True),
}


def get_design(design: str | Design) -> Design:
    """A :class:`Design`, or the one :data:`DESIGNS` names."""
    if isinstance(design, Design):
        return design
    if not isinstance(design, str) or design not in DESIGNS:
        raise ValueError(f"argument 'design' must be one of {list(DESIGNS)} or a Design; "
                         f"got {design!r}")
    return DESIGNS[design]


def terminals() -> list[str]:
    """Every word the grammar can emit (including '.'), plus '?', 'decl' and 'quest'."""
    words = {s for rules in GRAMMAR.values() for _, rhs in rules for s in rhs if s not in GRAMMAR}
    return sorted(words | {"?", *MARKERS})


def _probabilities(symbol, design: str | Design = "uniform"):
    return get_design(design).probabilities(symbol)


@functools.cache
def _tables(design: Design) -> dict[str, tuple[list[float], list]]:
    """For each nonterminal, (the cumulative distribution of its rules, their right-hand
    sides): the table with which one uniform draw picks a rule exactly as
    ``Generator.choice(n, p=p)`` does (its normalized cumulative sum, searched to the right),
    without its per-call checks. A rule of probability 0 is never drawn."""
    tables = {}
    for symbol in GRAMMAR:
        probs = design.probabilities(symbol)
        cdf = np.array([p for p, _ in probs]).cumsum()
        cdf /= cdf[-1]
        tables[symbol] = (cdf.tolist(), [rhs for _, rhs in probs])
    return tables


def _choices(symbol: str, design: str | Design = "uniform") -> tuple[list[float], list]:
    """The rule table of ``symbol`` under ``design`` (see :func:`_tables`)."""
    return _tables(get_design(design))[symbol]


def sample_declarative(rng: np.random.Generator, symbol: str = "ROOT",
                       design: str | Design = "uniform") -> list[str]:
    """One sentence from the grammar under ``design``'s rule probabilities, as a list of
    tokens (ending in '.')."""
    tables = _tables(get_design(design))
    if symbol not in GRAMMAR:
        return [symbol]
    tokens: list[str] = []
    _expand_into(tokens, rng, symbol, tables)
    return tokens


def _expand_into(tokens: list[str], rng: np.random.Generator, symbol: str, tables) -> None:
    """Append a random derivation of the nonterminal ``symbol`` to ``tokens``, drawing one
    rule per nonterminal, depth first and left to right."""
    cdf, rhs = tables[symbol]
    for child in rhs[bisect.bisect_right(cdf, rng.random())]:
        if child in GRAMMAR:
            _expand_into(tokens, rng, child, tables)
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


def subject_type(declarative: str) -> str:
    """The main clause's subject of a grammatical declarative: ``"plain"`` (Det N), ``"PP"``
    (with a prepositional phrase) or ``"RC"`` (with a relative clause)."""
    return _subject_type(_tokens(declarative))


@functools.lru_cache(maxsize=1 << 16)
def _subject_type(tokens: tuple[str, ...]) -> str:
    trees = _parses(tokens)
    if not trees:
        raise ValueError(f"argument 'declarative' is not generated by the grammar: "
                         f"{' '.join(tokens)!r}")
    _, (sentence, _) = trees[0]  # ROOT -> S "."
    _, (subject, *_) = sentence  # S -> NP_M_x VP_M_x
    last = subject[1][-1]
    return "RC" if last[0].startswith("RC") else "PP" if len(subject[1]) > 2 else "plain"


def _rc_subject(tokens: list[str]) -> bool:
    """Whether a sampled sentence's subject carries a relative clause: its third token is then
    the relative pronoun (Det N Rel ...), where a plain subject has the auxiliary and a PP the
    preposition (the tests check it against :func:`subject_type`)."""
    return tokens[2] in ("who", "that")


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


def generate(n_examples: int, rng: np.random.Generator, p_quest: float | None = None,
             design: str | Design = "uniform") -> list[list[str]]:
    """``n_examples`` training examples sampled from the grammar under ``design`` (a name of
    :data:`DESIGNS` or a :class:`Design`): a sentence from its rule probabilities, then the
    marker ``quest`` with probability ``p_quest`` (None: the design's), except that a held-out
    design never makes a question of a sentence whose subject carries a relative clause. The
    ``"uniform"`` design draws the same examples as the first version of this sampler."""
    design = get_design(design)
    p_quest = design.p_quest if p_quest is None else p_quest
    if not 0 <= p_quest <= 1:
        raise ValueError(f"argument 'p_quest' must be in [0, 1]; got {p_quest}")
    examples, tables = [], _tables(design)
    for _ in range(n_examples):
        sentence: list[str] = []
        _expand_into(sentence, rng, "ROOT", tables)
        quest = rng.uniform() < p_quest and not (design.held_out and _rc_subject(sentence))
        examples.append(make_example(sentence, "quest" if quest else "decl"))
    return examples


def fit_design(pairs: list[tuple[str, str]], name: str = "fitted",
               pseudocount: float = 0.0) -> Design:
    """The :class:`Design` of McCoy-format ``pairs`` (as :func:`load_mccoy` returns them), by
    maximum likelihood: each rule's weight is how often the parses of the declaratives use it
    (plus ``pseudocount``); ``held_out`` when no question has a subject with a relative clause,
    and then ``p_quest`` is the share of questions among the other examples (else among all)."""
    if not pairs:
        raise ValueError("argument 'pairs' holds no examples")
    if not (isinstance(pseudocount, int | float) and math.isfinite(pseudocount)
            and pseudocount >= 0):
        raise ValueError(f"argument 'pseudocount' must be a finite number >= 0; got "
                         f"{pseudocount!r}")
    counts = {lhs: [0] * len(rules) for lhs, rules in GRAMMAR.items()}
    rules = {lhs: [rhs for _, rhs in r] for lhs, r in GRAMMAR.items()}

    def count(node):
        if isinstance(node, str):
            return
        symbol, kids = node
        counts[symbol][rules[symbol].index(tuple(k if isinstance(k, str) else k[0]
                                                 for k in kids))] += 1
        for kid in kids:
            count(kid)

    markers = {(m, t): 0 for m in MARKERS for t in SUBJECT_TYPES}
    for source, target in pairs:
        declarative, _, marker = source.rpartition(" ")
        tokens = _tokens(declarative) if declarative else ()
        trees = _parses(tokens) if tokens else []
        if len(trees) != 1 or marker not in MARKERS:
            raise ValueError(f"argument 'pairs': {source!r} is not 'DECLARATIVE . decl|quest' "
                             "with a single parse")
        if make_example(declarative, marker)[len(tokens) + 1:] != target.split():
            raise ValueError(f"argument 'pairs': {target!r} is not the {marker} output of "
                             f"{declarative!r}")
        count(trees[0])
        markers[marker, _subject_type(tokens)] += 1
    held_out = markers["quest", "RC"] == 0
    eligible = [t for t in SUBJECT_TYPES if not (held_out and t == "RC")]
    quest = sum(markers["quest", t] for t in eligible)
    total = sum(markers[m, t] for m in MARKERS for t in eligible)
    counts = {lhs: [c + pseudocount for c in v] for lhs, v in counts.items()}
    unused = [lhs for lhs, v in counts.items() if not sum(v)]
    if unused:
        raise ValueError(f"argument 'pairs' never uses {unused}: no probabilities to fit "
                         "(give a pseudocount)")
    return _counts_design(name, counts, (quest, total), held_out)


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
def _entropy_and_length(symbol: str, design: Design = DESIGNS["uniform"]) -> tuple[float, float]:
    """(derivation entropy in nats, expected number of tokens) of the strings under ``symbol``."""
    if symbol not in GRAMMAR:
        return 0.0, 1.0
    entropy = length = 0.0
    for p, rhs in design.probabilities(symbol):
        if p == 0:
            continue
        sub = [_entropy_and_length(child, design) for child in rhs]
        entropy += p * (-math.log(p) + sum(h for h, _ in sub))
        length += p * sum(n for _, n in sub)
    return entropy, length


def held_out_share(design: str | Design = "uniform") -> float:
    """The probability that a sentence's subject carries a relative clause (S's rules, then
    the subject NP's), whether or not ``design`` holds that type out of the questions."""
    design = get_design(design)
    return sum(p * q for p, (subject, _) in design.probabilities("S")
               for q, rhs in design.probabilities(subject) if rhs[-1].startswith("RC"))


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


def entropy_rate(p_quest: float | None = None, bos_eos: bool = True,
                 design: str | Design = "uniform") -> dict[str, float]:
    """The exact per-token entropy of the training stream of ``design`` (with ``p_quest``,
    None: the design's): the loss a perfect model reaches.

    The sentence's entropy (the grammar is unambiguous, so derivation and string entropy
    agree; the tests check it on samples), plus the task marker's given the sentence, over the
    expected number of predicted tokens: sentence, marker, output (same length) and, with
    ``bos_eos``, an EOS predicted after a BOS that is never predicted. The output and EOS are
    determined by the rest. A held-out design's marker is certain (``decl``) after a sentence
    whose subject carries a relative clause, so the marker's entropy is the coin's times the
    share of the other sentences.
    """
    design = get_design(design)
    p_quest = design.p_quest if p_quest is None else p_quest
    if not 0 <= p_quest <= 1:
        raise ValueError(f"argument 'p_quest' must be in [0, 1]; got {p_quest}")
    h_sentence, length = _entropy_and_length("ROOT", design)
    h_coin = 0.0 if p_quest in (0.0, 1.0) else -(
        p_quest * math.log(p_quest) + (1 - p_quest) * math.log(1 - p_quest))
    h_marker = h_coin * (1 - held_out_share(design)) if design.held_out else h_coin
    tokens = 2 * length + 1 + (1 if bos_eos else 0)  # a question has as many tokens as its source
    return {"sentence entropy": h_sentence, "marker entropy": h_marker,
            "expected tokens": tokens, "nats per token": (h_sentence + h_marker) / tokens}


def log_probability(declarative: str, design: str | Design = "uniform") -> float:
    """log P(sentence) under ``design``'s rule probabilities, summed over its parse trees (-inf
    if ungrammatical or if a parse needs a rule of probability 0)."""
    design = get_design(design)

    def tree_log_prob(node) -> float:
        if isinstance(node, str):
            return 0.0
        symbol, kids = node
        rhs = tuple(k if isinstance(k, str) else k[0] for k in kids)
        p = next(p for p, r in design.probabilities(symbol) if r == rhs)
        return (math.log(p) if p > 0 else -math.inf) + sum(tree_log_prob(k) for k in kids)

    trees = _parses(_tokens(declarative))
    logs = [tree_log_prob(t) for t in trees]
    if not logs or max(logs) == -math.inf:
        return -math.inf
    top = max(logs)
    return top + math.log(sum(math.exp(v - top) for v in logs))


def marker_log_probability(declarative: str, marker: str,
                           design: str | Design = "uniform") -> float:
    """log P(marker | sentence) under ``design`` (-inf when the design never gives it)."""
    design = get_design(design)
    if marker not in MARKERS:
        raise ValueError(f"argument 'marker' must be one of {MARKERS}; got {marker!r}")
    p = design.p_quest
    if design.held_out and subject_type(declarative) == "RC":
        p = 0.0
    p = p if marker == "quest" else 1 - p
    return math.log(p) if p > 0 else -math.inf


def log_likelihood(pairs, design: str | Design = "uniform") -> dict[str, float]:
    """The log-likelihood of McCoy-format ``pairs`` (or :func:`generate`'s token lists) under
    ``design``: each example's log P(sentence) + log P(marker | sentence), its output being
    determined by the two (an example whose output is wrong has probability 0). Returns the
    total, the examples, the predicted tokens (source with its marker, output, and the EOS,
    as :func:`entropy_rate` counts them), and the negative log-likelihood in nats per example
    and per token, the cross-entropy to compare with :func:`entropy_rate`."""
    design = get_design(design)
    total, examples, tokens = 0.0, 0, 0
    for example in pairs:
        words = " ".join(example).split() if isinstance(example, tuple) else list(example)
        cut = next((i for i, w in enumerate(words) if w in MARKERS), None)
        if cut is None or cut == 0:
            raise ValueError(f"argument 'pairs': an example has no sentence before a task "
                             f"marker: {' '.join(words)!r}")
        declarative, marker = " ".join(words[:cut]), words[cut]
        right = (is_grammatical(declarative)
                 and make_example(declarative, marker)[cut + 1:] == words[cut + 1:])
        total += (log_probability(declarative, design)
                  + marker_log_probability(declarative, marker, design)) if right else -math.inf
        examples += 1
        tokens += len(words) + 1
    if not examples:
        raise ValueError("argument 'pairs' holds no examples")
    return {"log-likelihood": total, "examples": examples, "tokens": tokens,
            "nats per example": -total / examples, "nats per token": -total / tokens}


def design_profile(pairs) -> dict:
    """McCoy et al.'s design, measured on examples (McCoy-format pairs or :func:`generate`'s
    token lists): for each subject type (:data:`SUBJECT_TYPES`), its examples, its questions
    and its declaratives' mean length in tokens (with the '.'); and the share of ``decl``."""
    table = {t: {"examples": 0, "quest": 0, "tokens": 0} for t in SUBJECT_TYPES}
    for example in pairs:
        words = " ".join(example).split() if isinstance(example, tuple) else list(example)
        cut = next((i for i, w in enumerate(words) if w in MARKERS), None)
        if not cut:
            raise ValueError(f"argument 'pairs': an example has no sentence before a task "
                             f"marker: {' '.join(words)!r}")
        row = table[subject_type(" ".join(words[:cut]))]
        row["examples"] += 1
        row["quest"] += words[cut] == "quest"
        row["tokens"] += cut
    n = sum(row["examples"] for row in table.values())
    if not n:
        raise ValueError("argument 'pairs' holds no examples")
    out = {t: {"examples": row["examples"], "share": row["examples"] / n, "quest": row["quest"],
               "mean tokens": row["tokens"] / row["examples"] if row["examples"] else math.nan}
           for t, row in table.items()}
    out["decl share"] = 1 - sum(row["quest"] for row in table.values()) / n
    return out


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
