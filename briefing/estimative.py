"""Estimative language: do a key judgment's words match its likelihood and confidence?

ICD 203 (Analytic Standards) asks analysts to express likelihood with seven
fixed terms and to keep likelihood and confidence apart; it asks them to avoid
vague hedges such as "may" or "could" in judgments. Three checks follow, each a
warning (an error under ``--strict``):

* the statement uses probability words of another likelihood than its
  ``likelihood`` ("almost certainly" with ``likelihood: unlikely``), or uses
  them while the judgment gives no likelihood;
* the statement hedges ("may", "might", "could", "possibly", "perhaps");
* the statement names a confidence ("with high confidence") other than its
  ``confidence``.

The word lists live in ``site_config/vocabularies.yaml`` under ``estimative``;
:data:`DEFAULT_WORDS` applies when the file has none. Matching tokenises the
statement once (letters and digits) and looks each word up in a table of
phrases keyed by their first word: linear in the statement, no regular
expression touches the text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Protocol

import pydantic
from pydantic import BaseModel, ConfigDict, StringConstraints

Phrase = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

#: ICD 203's seven terms with their common synonyms, by ``likelihood`` value.
DEFAULT_LIKELIHOOD_WORDS: dict[str, list[str]] = {
    "almost-no-chance": ["almost no chance", "remote", "remotely", "almost certainly not", "nearly impossible"],
    "very-unlikely": ["very unlikely", "highly unlikely", "very improbable", "highly improbable"],
    "unlikely": ["unlikely", "improbable", "improbably", "probably not", "not likely"],
    "roughly-even-chance": ["roughly even chance", "even chance", "roughly even odds", "even odds", "toss-up"],
    "likely": ["likely", "probable", "probably"],
    "very-likely": ["very likely", "highly likely", "very probable", "highly probable"],
    "almost-certain": ["almost certain", "almost certainly", "nearly certain", "virtually certain", "virtually certainly"],
}
DEFAULT_HEDGES = ["may", "might", "could", "possibly", "perhaps"]
DEFAULT_CONFIDENCE_WORDS: dict[str, list[str]] = {
    "low": ["low confidence"],
    "moderate": ["moderate confidence", "medium confidence"],
    "high": ["high confidence"],
}


class EstimativeWords(BaseModel):
    """The ``estimative`` section of the vocabularies file; a list left out is the default one."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    likelihood: dict[
        pydantic.constr(pattern=r"^(almost-no-chance|very-unlikely|unlikely|roughly-even-chance|likely|very-likely|almost-certain)$"),  # type: ignore[valid-type]
        list[Phrase],
    ] | None = None
    hedges: list[Phrase] | None = None
    confidence: dict[
        pydantic.constr(pattern=r"^(low|moderate|high)$"),  # type: ignore[valid-type]
        list[Phrase],
    ] | None = None


DEFAULT_WORDS = EstimativeWords()


class _Judgment(Protocol):
    @property
    def statement(self) -> str: ...
    @property
    def likelihood(self) -> str | None: ...
    @property
    def confidence(self) -> str: ...


def tokens(text: str) -> list[tuple[str, int]]:
    """The words of ``text``, lower-cased, with their start offsets (one pass, no regex)."""
    words: list[tuple[str, int]] = []
    start = -1
    for i, char in enumerate(text):
        if char.isalnum():
            if start < 0:
                start = i
        elif start >= 0:
            words.append((text[start:i].lower(), start))
            start = -1
    if start >= 0:
        words.append((text[start:].lower(), start))
    return words


@dataclass(frozen=True)
class Match:
    phrase: str
    """The phrase as written in the word list."""
    label: str
    """What it stands for: a likelihood or confidence value, or "hedge"."""
    offset: int


class PhraseTable:
    """Phrases (word sequences) keyed by their first word; the longest match wins."""

    def __init__(self, phrases: dict[str, list[str]]) -> None:
        self._by_first: dict[str, list[tuple[tuple[str, ...], str, str]]] = {}
        for label, items in phrases.items():
            for phrase in items:
                words = tuple(w for w, _ in tokens(phrase))
                if words:
                    self._by_first.setdefault(words[0], []).append((words, phrase, label))
        for entries in self._by_first.values():
            entries.sort(key=lambda entry: -len(entry[0]))  # longest first: "very likely" before "likely"

    def find(self, text: str) -> list[Match]:
        words = tokens(text)
        found: list[Match] = []
        i = 0
        while i < len(words):
            width = 1
            for phrase_words, phrase, label in self._by_first.get(words[i][0], ()):
                n = len(phrase_words)
                if tuple(w for w, _ in words[i:i + n]) == phrase_words:
                    if not _is_month(text, words, i, phrase_words):
                        found.append(Match(phrase, label, words[i][1]))
                    width = n
                    break
            i += width
        return found


def _is_month(text: str, words: list[tuple[str, int]], i: int, phrase: tuple[str, ...]) -> bool:
    """'May' written with a capital inside a sentence is the month, not a hedge."""
    if phrase != ("may",):
        return False
    offset = words[i][1]
    if text[offset] != "M":
        return False
    before = text[:offset].rstrip()
    return bool(before) and before[-1] not in ".!?:;"


@dataclass
class Checker:
    """The three checks, with their phrase tables built once per vocabulary."""

    words: EstimativeWords = DEFAULT_WORDS

    def __post_init__(self) -> None:
        words = self.words
        self.likelihood = PhraseTable(DEFAULT_LIKELIHOOD_WORDS if words.likelihood is None else words.likelihood)
        self.hedges = PhraseTable({"hedge": DEFAULT_HEDGES if words.hedges is None else words.hedges})
        self.confidence = PhraseTable(DEFAULT_CONFIDENCE_WORDS if words.confidence is None else words.confidence)

    def problems(self, judgment: _Judgment) -> list[str]:
        """What is wrong with the judgment's wording, one message per phrase (in order)."""
        messages: list[str] = []
        seen: set[str] = set()

        def add(message: str) -> None:
            if message not in seen:
                seen.add(message)
                messages.append(message)

        for match in self.likelihood.find(judgment.statement):
            if judgment.likelihood is None:
                add(
                    f"says '{match.phrase}' ({match.label}) but gives no likelihood; "
                    f"add 'likelihood: {match.label}' or reword"
                )
            elif match.label != judgment.likelihood:
                add(
                    f"says '{match.phrase}' ({match.label}) but its likelihood is '{judgment.likelihood}'; "
                    "make the words and the likelihood agree"
                )
        for match in self.hedges.find(judgment.statement):
            add(
                f"hedges with '{match.phrase}': state the judgment with an estimative term "
                "(e.g. 'likely') and its likelihood instead"
            )
        for match in self.confidence.find(judgment.statement):
            if match.label != judgment.confidence:
                add(
                    f"says '{match.phrase}' but its confidence is '{judgment.confidence}'; "
                    "make the words and the confidence agree"
                )
        return messages


def checker(words: EstimativeWords | None) -> Checker:
    """The checker for a vocabulary (``None``: the default word lists)."""
    return Checker(words or DEFAULT_WORDS)
