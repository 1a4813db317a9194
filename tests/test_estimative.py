"""Estimative-language checks: word matching, and word lists configured per project."""

from __future__ import annotations

from pathlib import Path

from conftest import CASES, make_project
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing.estimative import DEFAULT_LIKELIHOOD_WORDS, PhraseTable, checker, tokens


class Judgment:
    def __init__(self, statement: str, likelihood: str | None = "likely", confidence: str = "low") -> None:
        self.statement, self.likelihood, self.confidence = statement, likelihood, confidence


def test_longest_phrase_wins_and_case_does_not_matter() -> None:
    table = PhraseTable(DEFAULT_LIKELIHOOD_WORDS)
    found = [(m.phrase, m.label) for m in table.find("It is VERY likely, not likely, and Almost-Certainly not.")]
    assert found == [("very likely", "very-likely"), ("not likely", "unlikely"),
                     ("almost certainly not", "almost-no-chance")]


def test_words_inside_other_words_do_not_match() -> None:
    assert checker(None).problems(Judgment("The likelihood of mayhem is likely; maybe Mayors agree.")) == []


def test_may_the_month_is_not_a_hedge() -> None:
    assert checker(None).problems(Judgment("Attacks since May 2021 will likely go on.")) == []
    assert checker(None).problems(Judgment("May they stop? Attacks will likely go on."))  # sentence start: a hedge


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300), st.sampled_from(["may", "could", "almost certainly", "high confidence"]))
def test_a_flagged_phrase_is_found_in_any_surrounding_text(noise: str, phrase: str) -> None:
    # Separated by spaces from arbitrary text, a phrase is always seen, exactly once.
    statement = f"{noise} {phrase} {noise}"
    problems = checker(None).problems(Judgment(statement, likelihood="likely", confidence="low"))
    assert any(f"'{phrase}'" in p for p in problems)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(["very ", "likely ", "not ", "-", "almost ", "x"]), max_size=2000))
def test_adversarial_repetition_is_linear(parts: list[str]) -> None:
    text = "".join(parts)
    # Runs of phrase prefixes ("very very very ...") are scanned once: each word starts one lookup.
    assert len(tokens(text)) <= len(text)
    checker(None).problems(Judgment(text))


def test_word_lists_come_from_the_vocabularies_file(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project", content=CASES / "base" / "content")
    project.write(
        "content/briefings/custom.yaml",
        "title: Custom words\nas_of: '2021-07-13'\nsummary: s\n"
        "key_judgments:\n  - statement: Arguably they could strike.\n    confidence: low\n"
        "events:\n  - id: e1\n    date: '2021-07-01'\n    title: t\n    type: attack\n    sources: [s1]\n"
        "sources:\n  - id: s1\n    kind: news-report\n",
    )
    run = project.run("check", "--strict")
    assert run.code == 1
    assert "hedges with 'could'" in run.stderr
    vocabularies = project.root / "site_config" / "vocabularies.yaml"
    text = vocabularies.read_text()
    assert "  hedges: [may, might, could, possibly, perhaps]\n" in text
    vocabularies.write_text(text.replace("  hedges: [may, might, could, possibly, perhaps]\n", "  hedges: [arguably]\n"))
    run = project.run("check", "--strict")
    assert run.code == 1
    assert "hedges with 'arguably'" in run.stderr and "'could'" not in run.stderr
    vocabularies.write_text(text.replace("  hedges: [may, might, could, possibly, perhaps]\n", "  hedges: []\n"))
    run = project.run("check", "--strict")
    assert run.code == 0, run.stderr
