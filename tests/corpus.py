"""A synthetic corpus: N briefings x E events x A actors, valid, deterministic by seed.

    python -m tests.corpus OUT_DIR --briefings 50 --events 15 --actors 200 --seed 1
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

import yaml

EVENT_TYPES = ["armed-clash", "air-strike", "drone-strike", "rocket-attack", "shelling", "explosion",
               "interception", "attack", "abduction", "arrest", "protest", "meeting", "statement"]
ACTOR_KINDS = ["person", "state", "state-armed-force", "government-body", "non-state-armed-group", "political-party"]
COUNTRIES = ["IQ", "SY", "IR", "US", "LB", "YE", "IL", "TR", "SA", "JO"]
WORDS = ("militia convoy border strike drone rocket base embassy ministry council delegation "
         "commander airport field port province district village checkpoint pipeline").split()
TAGS = [f"topic-{i}" for i in range(40)]


def _date(rng: random.Random) -> str:
    year = rng.randint(2015, 2024)
    month = rng.randint(1, 12)
    day = rng.randint(1, 28)
    form = rng.random()
    if form < 0.55:
        return f"{year}-{month:02d}-{day:02d}"
    if form < 0.7:
        return f"{year}-{month:02d}-{day:02d}" + rng.choice("~?%")
    if form < 0.82:
        return f"{year}-{month:02d}"
    if form < 0.95:
        end = min(28, day + rng.randint(1, 10))
        return f"{year}-{month:02d}-{day:02d}/{year}-{month:02d}-{end:02d}"
    return f"{year}"


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize()


def write_corpus(out: Path, briefings: int, events: int, actors: int, seed: int = 1) -> Path:
    """Write ``out/briefings/*.yaml`` and ``out/actors/*.yaml``; returns ``out``."""
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    (out / "briefings").mkdir(parents=True)
    (out / "actors").mkdir(parents=True)
    actor_ids = [f"actor-{i:05d}" for i in range(actors)]
    registry = []
    for i, actor_id in enumerate(actor_ids):
        entry = {
            "id": actor_id,
            "name": f"{_sentence(rng, 2)} {i}",
            "short_name": f"A{i}",
            "kind": rng.choice(ACTOR_KINDS),
            "country": rng.choice(COUNTRIES),
            "aliases": [f"{_sentence(rng, 1)} alias {i}"],
            "description": _sentence(rng, 12) + ".",
        }
        if i > 10 and rng.random() < 0.3:
            entry["affiliations"] = [actor_ids[rng.randrange(0, i)]]
        if rng.random() < 0.2:
            entry["native_names"] = {"ar": f"فاعل {i}"}
        registry.append(entry)
    per_file = 100
    for start in range(0, actors, per_file):
        chunk = registry[start : start + per_file]
        (out / "actors" / f"actors-{start // per_file:03d}.yaml").write_text(
            yaml.safe_dump(chunk, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
    used: set[str] = set()
    for b in range(briefings):
        sources = [{"id": "wire", "kind": "news-report", "publisher": "Example Wire", "date": "2024-01-01",
                    "url": "https://example.org/wire", "reliability": "B", "credibility": 2}]
        for s in range(rng.randint(2, 4)):
            sources.append({"id": f"source-{s}", "kind": rng.choice(["anonymous", "official-statement", "social-media"]),
                            "title": _sentence(rng, 4), "via": "wire", "count": rng.randint(1, 3),
                            "description": _sentence(rng, 15) + ".", "reliability": rng.choice("ABCDEF"),
                            "credibility": rng.randint(1, 6)})
        source_ids = [s["id"] for s in sources]
        event_list = []
        for e in range(events):
            cast = rng.sample(actor_ids, k=min(len(actor_ids), rng.randint(1, 4)))
            used.update(cast)
            event = {
                "id": f"event-{e}",
                "date": _date(rng),
                "title": _sentence(rng, 7),
                "type": rng.choice(EVENT_TYPES),
                "description": _sentence(rng, 40) + ".\n\n" + _sentence(rng, 30) + ".",
                "location": {"name": _sentence(rng, 2), "country": rng.choice(COUNTRIES),
                             "lat": round(rng.uniform(29, 37), 4), "lon": round(rng.uniform(35, 48), 4),
                             "precision": "city"},
                "actors": cast,
                "sources": rng.sample(source_ids, k=rng.randint(1, 2)),
            }
            if rng.random() < 0.2:
                event["date_note"] = _sentence(rng, 10) + "."
            if rng.random() < 0.2:
                event["casualties"] = {"killed": rng.randint(0, 20), "injured": rng.randint(0, 40)}
            event_list.append(event)
        briefing = {
            "title": f"{_sentence(rng, 8)} ({b})",
            "as_of": "2024-12-31",
            "regions": rng.sample(COUNTRIES, k=2),
            "tags": rng.sample(TAGS, k=3),
            "related": [f"briefing-{r:05d}" for r in rng.sample(range(briefings), k=min(2, briefings)) if r != b],
            "summary": _sentence(rng, 60) + ".\n\n" + _sentence(rng, 40) + ".",
            "key_judgments": [
                {"statement": _sentence(rng, 14) + ".", "likelihood": "likely", "confidence": "moderate",
                 "basis": [event_list[0]["id"], event_list[-1]["id"]]}
            ],
            "actors": {event_list[0]["actors"][0]: _sentence(rng, 10) + "."},
            "events": event_list,
            "sources": sources,
        }
        (out / "briefings" / f"briefing-{b:05d}.yaml").write_text(
            yaml.safe_dump(briefing, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
    # Every actor must be referenced (an unreferenced one is a warning).
    unused = [a for a in actor_ids if a not in used]
    if unused:
        path = out / "briefings" / "briefing-00000.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["events"][0]["actors"] = sorted(set(data["events"][0]["actors"]) | set(unused))
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--briefings", type=int, default=50)
    parser.add_argument("--events", type=int, default=15)
    parser.add_argument("--actors", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    write_corpus(args.out, args.briefings, args.events, args.actors, args.seed)


if __name__ == "__main__":
    main()
