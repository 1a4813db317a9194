"""A synthetic corpus: N briefings x E events x A actors, valid, deterministic by seed.

    python -m tests.corpus OUT_DIR --briefings 50 --events 15 --actors 200 --seed 1
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
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


#: A judgment's likelihood, from the latest revision back (it changes twice, each time with a note).
LIKELIHOODS = (["likely", "likely", "roughly-even-chance", "roughly-even-chance", "unlikely"],
               ["likely", "likely", "likely", "very-likely", "very-likely"])


def _past_version(data: dict, back: int, number: int) -> dict:
    """The briefing ``back`` revisions before ``data``: ``back`` fewer events, an earlier ``as_of``,
    its judgment's likelihood then, and (one revision in three) a TLP:AMBER event since removed."""
    past = dict(data)
    events = data["events"]
    past["events"] = events[:1] + events[1 + back:] if len(events) > back + 1 else events
    past["as_of"] = f"2024-12-{31 - 5 * back:02d}"
    likelihoods = LIKELIHOODS[number % 2]
    judgment = dict(data["key_judgments"][0], likelihood=likelihoods[min(back, len(likelihoods) - 1)])
    if back < len(likelihoods) - 1 and likelihoods[back] != likelihoods[back + 1]:
        judgment["change_note"] = f"A further source reported it (revision -{back})."
    past["key_judgments"] = [judgment]
    if (number + back) % 3 == 0:
        past["events"] = past["events"] + [{
            "id": "amber-report", "date": "2024-11-30", "title": f"Restricted report {number}",
            "type": "statement", "marking": "TLP:AMBER", "sources": ["wire"],
            "description": "Only in an earlier commit.",
        }]
    return past


def commit_revisions(root: Path, revisions: int = 5) -> None:
    """Make ``root`` a git repository in which each briefing of ``root/content`` has ``revisions``
    committed versions, one commit per revision (a day apart); the last is the working copy.

    The commits are written with ``git fast-import`` (a packed repository, as a clone is).
    """
    content = root / "content"
    briefings = sorted((content / "briefings").glob("*.yaml"))
    others = sorted(p for p in content.rglob("*.yaml") if p.parent != content / "briefings")
    stream: list[bytes] = []

    def add(path: str, data: bytes) -> None:
        stream.append(b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode(), len(data), data))

    finals = [(p, p.read_bytes()) for p in briefings]
    for revision in range(revisions):
        back = revisions - 1 - revision
        message = f"revision {revision + 1}".encode()
        when = 1_700_000_000 + 86_400 * revision
        stream.append(b"commit refs/heads/main\ncommitter Analyst <analyst@example.org> %d +0000\n"
                      b"data %d\n%s\n" % (when, len(message), message))
        if revision == 0:
            for path in others:
                add(path.relative_to(root).as_posix(), path.read_bytes())
        for number, (path, final) in enumerate(finals):
            if back:
                data = yaml.load(final, Loader=yaml.CSafeLoader)
                text = yaml.dump(_past_version(data, back, number), Dumper=yaml.CSafeDumper,
                                 allow_unicode=True, sort_keys=False).encode()
            else:
                text = final
            add(path.relative_to(root).as_posix(), text)
        stream.append(b"\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update({"GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"})
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, env=env, check=True)
    subprocess.run(["git", "fast-import", "--quiet"], cwd=root, env=env, check=True, input=b"".join(stream))
    subprocess.run(["git", "reset", "-q"], cwd=root, env=env, check=True)


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
