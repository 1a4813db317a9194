"""Suggestions that teach: what the analyst probably meant, and where the allowed values live.

Spelling distance alone suggests ``abduction`` for ``sanctions``. Analysts'
mistakes are more often another name for the right thing: a declared alias
(``uk`` for ``united-kingdom``), a label instead of an id (``Air strike``), a
word from ICD 203 that is a synonym of the scale's term (``probable``), the
wrong case (``d``), a country's name or a common code (``Yemen``, ``KSA``),
or a date in everyday form (``Sept 14 2019``). Each is tried before spelling.
"""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import re
from collections.abc import Iterable, Mapping

from briefing.estimative import DEFAULT_LIKELIHOOD_WORDS

#: Longest value a suggestion is looked for (ids are at most 80 characters; labels and names are short).
MAX_LENGTH = 120
#: Below this similarity, a spelling suggestion misleads more than it helps.
CUTOFF = 0.7

#: Words for the scale's values beyond the likelihood words of :mod:`briefing.estimative`
#: (the one home of ICD 203's terms and synonyms, from which :data:`SYNONYMS` adds the rest).
_MORE_SYNONYMS: dict[str, str] = {
    # likelihood
    "almost-no": "almost-no-chance",
    "certain": "almost-certain",
    # confidence
    "medium": "moderate",
    "mid": "moderate",
    "med": "moderate",
    # status
    "final": "published",
    "public": "published",
    "wip": "draft",
}


def _synonyms() -> dict[str, str]:
    found: dict[str, str] = {}
    for value, phrases in DEFAULT_LIKELIHOOD_WORDS.items():
        for phrase in phrases:
            word = normalize(phrase)
            if word != value and not word.endswith("-not") and not word.startswith("not-"):
                found.setdefault(word, value)  # "probably not" is no synonym of likely
    return found | _MORE_SYNONYMS


#: Country codes in everyday use that are not ISO 3166-1 alpha-2, and short names pycountry lacks.
COUNTRY_ALIASES: dict[str, str] = {
    "uk": "GB", "u-k": "GB", "britain": "GB", "great-britain": "GB", "england": "GB",
    "ksa": "SA", "uae": "AE", "usa": "US", "u-s": "US", "u-s-a": "US", "america": "US",
    "russia": "RU", "drc": "CD", "congo-kinshasa": "CD", "dprk": "KP", "north-korea": "KP",
    "south-korea": "KR", "rok": "KR", "turkey": "TR", "palestine": "PS", "vietnam": "VN",
    "laos": "LA", "bolivia": "BO", "venezuela": "VE", "tanzania": "TZ", "moldova": "MD",
    "kosovo": "XK",
}

_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_TOKEN = re.compile(r"[A-Za-z]+|\d+")
_APPROXIMATE = {"c", "ca", "circa", "about", "approx", "approximately", "around"}


def normalize(text: str) -> str:
    """Lower case, runs of anything but letters and digits as one hyphen: ``Air Strike`` -> ``air-strike``."""
    out: list[str] = []
    pending = False
    for char in text.casefold():
        if char.isalnum():
            if pending and out:
                out.append("-")
            out.append(char)
            pending = False
        else:
            pending = True
    return "".join(out)


def suggest(value: str, known: Mapping[str, Iterable[str | None]] | Iterable[str]) -> str | None:
    """The known value ``value`` most probably meant, or None.

    ``known`` maps each allowed value to its other names (labels, names,
    aliases); a plain iterable of values works too. Tried in order: the same
    value in another case or spelling of separators, another name of a value,
    an ICD 203 synonym, then the closest spelling.
    """
    names: Mapping[str, Iterable[str | None]] = known if isinstance(known, Mapping) else {k: () for k in known}
    if not names or len(value) > MAX_LENGTH:  # spelling distance is quadratic: no suggestion for a page of text
        return None
    wanted = normalize(value)
    by_form: dict[str, str] = {}
    for canonical in names:
        by_form.setdefault(normalize(canonical), canonical)
    if wanted in by_form:
        return by_form[wanted]
    for canonical, others in names.items():
        for other in others:
            if other and normalize(other) == wanted:
                return canonical
    synonym = SYNONYMS.get(wanted)
    if synonym is not None and synonym in names:
        return synonym
    close = difflib.get_close_matches(value, list(names), n=1, cutoff=CUTOFF)
    if close:
        return close[0]
    close = difflib.get_close_matches(wanted, list(by_form), n=1, cutoff=CUTOFF)
    return by_form[close[0]] if close else None


#: Everyday and ICD 203 words for the scale's values: ``probable`` -> ``likely``.
SYNONYMS: dict[str, str] = _synonyms()


def did_you_mean(value: str, known: Mapping[str, Iterable[str | None]] | Iterable[str]) -> str:
    """`` (did you mean 'x'?)``, or an empty string when nothing is close."""
    found = suggest(value, known)
    return f" (did you mean '{found}'?)" if found is not None and found != value else ""


# -- countries ------------------------------------------------------------------------------------


def country(value: str) -> tuple[str, str] | None:
    """The ISO 3166-1 alpha-2 code and name ``value`` (a name, alpha-3 or common code) stands for."""
    import pycountry

    key = normalize(value)
    code = COUNTRY_ALIASES.get(key)
    found = pycountry.countries.get(alpha_2=code) if code else None
    if found is None and len(value) <= 80:
        try:
            found = pycountry.countries.lookup(value.strip())
        except LookupError:
            found = None
    if found is None:
        return None
    return found.alpha_2, getattr(found, "common_name", None) or found.name


def country_hint(value: str) -> str:
    found = country(value)
    if found is None or found[0] == value:
        return ""
    return f" (did you mean '{found[0]}', {found[1]}?)"


# -- dates ----------------------------------------------------------------------------------------


def date_hint(text: str) -> str:
    """A corrected EDTF form of an everyday date, or why there is none; empty if no idea."""
    if len(text) > 60:
        return ""
    tokens = _TOKEN.findall(text)
    qualifier = ""
    if tokens and tokens[0].lower() in _APPROXIMATE:
        qualifier, tokens = "~", tokens[1:]
    months = [_MONTHS[t.lower()] for t in tokens if t.lower() in _MONTHS]
    words = [t for t in tokens if t.isalpha()]
    numbers = [t for t in tokens if t.isdigit()]
    if len(words) != len(months) or len(months) > 1:
        return ""
    if months:
        years = [n for n in numbers if len(n) == 4]
        days = [n for n in numbers if len(n) <= 2]
        if len(years) != 1 or len(days) > 1 or len(numbers) != len(years) + len(days):
            return ""
        return _proposal(text, int(years[0]), months[0], int(days[0]) if days else None, qualifier)
    if len(numbers) == 3 and len(numbers[0]) == 4:  # 2019/09/14, 2019.9.14
        return _proposal(text, int(numbers[0]), int(numbers[1]), int(numbers[2]), qualifier)
    if len(numbers) == 3 and len(numbers[2]) == 4:  # 14/09/2019, 09/14/2019, 03/04/2021
        first, second, year = int(numbers[0]), int(numbers[1]), int(numbers[2])
        if first > 12 or first == second:
            return _proposal(text, year, second, first, qualifier)
        if second > 12:
            return _proposal(text, year, first, second, qualifier)
        if _valid(year, first, second) and _valid(year, second, first):
            a = dt.date(year, second, first)
            b = dt.date(year, first, second)
            return (
                f"; '{text}' is ambiguous: day first it is {a.day} {calendar.month_name[a.month]}, "
                f"month first {calendar.month_name[b.month]} {b.day}: write '{a.isoformat()}{qualifier}' "
                f"or '{b.isoformat()}{qualifier}'"
            )
        return ""
    if len(numbers) == 2 and len(numbers[1]) == 4 and len(numbers[0]) <= 2:  # 09/2019
        return _proposal(text, int(numbers[1]), int(numbers[0]), None, qualifier)
    if len(numbers) == 2 and len(numbers[0]) == 4 and len(numbers[1]) <= 2:  # 2019/9
        return _proposal(text, int(numbers[0]), int(numbers[1]), None, qualifier)
    return ""


def _valid(year: int, month: int, day: int | None) -> bool:
    try:
        dt.date(year, month, day or 1)
    except ValueError:
        return False
    return 1000 <= year <= 9999


def _proposal(text: str, year: int, month: int, day: int | None, qualifier: str) -> str:
    if not _valid(year, month, day):
        return ""
    edtf = f"{year:04d}-{month:02d}" + (f"-{day:02d}" if day is not None else "") + qualifier
    return "" if edtf == text else f" (did you mean '{edtf}'?)"
