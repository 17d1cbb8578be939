"""Synergy engine speed (issue 4): full ranking through the file interface, peak memory, and the
incremental refresh of one changed actor against a prebuilt index.

    python bench/synergies_speed.py [--actors 10000] [--runs 3] [--incremental 100000]
    python bench/synergies_speed.py --actors 100000 --runs 1 --incremental 0

Targets (2 cores): `smartregion synergies rank` over 10,000 actors with 3 offers or needs each
≤ 60 s; over 100,000 ≤ 20 min with peak memory ≤ 4 GB; one changed actor against the 100,000
index ≤ 1 s. The baseline in the same run is a plain word TF-IDF top-10 (one sparse product per
chunk, no stemming, compounds, n-grams, features or reasons): the ratio says what the engine's
German text handling, exact features and reasons cost on top of the bare product.

The synthetic actors follow smartregion/demo/synthetic.py (which needs Django and a database):
German-looking names, the region's topic names with a Zipf-like popularity, sentences about
topics and audiences, places from the NRW postal code table. Deterministic for a seed.
"""

import argparse
import csv
import json
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REGION = ROOT / "smartregion" / "regions" / "definitions" / "emscher-lippe.toml"
POSTAL_CODES = ROOT / "smartregion" / "maps" / "data" / "postal_codes_nrw.csv"
KIND_WEIGHTS = {
    "company": 70,
    "initiative": 8,
    "competence_center": 5,
    "school": 5,
    "research": 4,
    "municipality": 3,
    "chamber": 3,
    "university": 2,
}
PREFIXES = [
    "Digital",
    "Daten",
    "Cloud",
    "Smart",
    "Netz",
    "Code",
    "Pixel",
    "Ruhr",
    "Emscher",
    "Lippe",
    "Vest",
    "Zeche",
    "Hafen",
    "Stahl",
    "Glück",
    "Nord",
    "Revier",
    "Brücke",
    "Werk",
    "Förder",
    "Halde",
    "Kanal",
    "Bit",
    "Logik",
    "Signal",
    "Sensor",
    "Wissen",
]
SUFFIXES = [
    "werk",
    "labor",
    "haus",
    "schmiede",
    "konzept",
    "systeme",
    "lösungen",
    "technik",
    "agentur",
    "kontor",
    "consult",
    "services",
    "software",
    "media",
    "lab",
    "hub",
]
OFFER_WORDS = [
    "Software",
    "Umsetzung",
    "Beratung",
    "Workshop",
    "Förderung",
    "Netzwerktreffen",
    "Testlabor",
    "Forschungskooperation",
    "Schulung",
    "Begleitung",
]
NEED_WORDS = [
    "Partner",
    "Unterstützung",
    "Fachkräfte",
    "Erfahrungsaustausch",
    "Pilotkunden",
    "Forschungspartner",
    "Förderberatung",
    "Dienstleister",
]
SENTENCES = [
    "Wir unterstützen {audience} bei {topic}.",
    "Unser Team bringt Erfahrung in {topic} und {topic2} mit.",
    "Gemeinsam mit Partnern aus der Region entwickeln wir Lösungen für {topic}.",
    "Schwerpunkte sind {topic} sowie die Digitalisierung von Prozessen.",
    "Wir suchen den Austausch mit {audience}, die {topic} voranbringen wollen.",
    "Von der ersten Idee bis zum laufenden Betrieb begleiten wir Projekte rund um {topic}.",
    "Unsere Angebote richten sich an {audience} in {place}.",
]


def _region():
    with open(REGION, "rb") as fh:
        data = tomllib.load(fh)
    topics = [t["name"]["de"] for t in data["topics"] if t.get("parent")]
    audiences = [a["name"]["de"] for a in data["audiences"]]
    return topics, audiences


def _places():
    with open(POSTAL_CODES, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def generate(n: int, seed: int = 1) -> list[dict]:
    """n actors as file-interface records, 3 offers or needs each."""
    rng = random.Random(seed)
    topics, audiences = _region()
    rng.shuffle(topics)
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(topics))]
    places = _places()
    kinds, kind_weights = list(KIND_WEIGHTS), list(KIND_WEIGHTS.values())
    out = []
    for i in range(n):
        place = rng.choice(places)
        chosen = list(dict.fromkeys(rng.choices(topics, weights, k=rng.randint(1, 4))))
        audience = rng.choice(audiences)
        text = " ".join(
            rng.choice(SENTENCES).format(
                topic=rng.choice(chosen),
                topic2=rng.choice(topics),
                audience=audience,
                place=place["place"],
            )
            for _ in range(rng.randint(2, 4))
        )
        offers, needs = _items(rng, chosen, audiences, place["place"])
        out.append(
            {
                "id": f"a{i}",
                "name": f"{rng.choice(PREFIXES)}{rng.choice(SUFFIXES)} {place['place']}",
                "kind": rng.choices(kinds, kind_weights)[0],
                "description": text,
                "topics": chosen,
                "offers": offers,
                "needs": needs,
                "municipality": place["ags"],
                "lat": float(place["lat"]) + rng.uniform(-0.01, 0.01),
                "lon": float(place["lon"]) + rng.uniform(-0.015, 0.015),
                "member": rng.random() < 0.15,
            }
        )
    return out


def _items(rng: random.Random, topics: list, audiences: list, place: str):
    """Three offers or needs (about 30 % needs) on the actor's topics."""
    offers, needs = [], []
    for _ in range(3):
        topic, audience = rng.choice(topics), rng.choice(audiences)
        if rng.random() < 0.3:
            word = rng.choice(NEED_WORDS)
            needs.append(
                {
                    "title": f"{word} für {topic} gesucht",
                    "description": f"Wir suchen {word} zum Thema {topic} in {place}.",
                }
            )
        else:
            word = rng.choice(OFFER_WORDS)
            offers.append(
                {
                    "title": f"{word} {topic} für {audience}",
                    "description": f"{word} zum Thema {topic} für {audience} in {place}.",
                    "audiences": [audience],
                }
            )
    return offers, needs  # fmt: skip


def to_actors(records: list[dict]):
    from smartregion.synergies.files import parse_line

    return [parse_line(json.dumps(r), where=str(i)) for i, r in enumerate(records)]


def peak_mb(who=resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # kB on Linux


# --- the runs ------------------------------------------------------------------------------


def cli_runs(path: Path, runs: int, top: int) -> None:
    """The file interface end to end, each run a fresh process: time and its peak memory."""
    env = {
        **os.environ,
        "SMARTREGION_DATA_DIR": tempfile.mkdtemp(prefix="synergies-bench-"),
        "SECRET_KEY": "bench-only",
    }
    times, peaks = [], []
    for _ in range(runs):
        out = path.with_suffix(".out.jsonl")
        started = time.perf_counter()
        child = subprocess.run(
            [sys.executable, "-c", _CHILD, str(path), str(out), str(top)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        times.append(time.perf_counter() - started)
        peaks.append(float(child.stdout.strip().splitlines()[-1]))
        with open(out, encoding="utf-8") as fh:
            lines = sum(1 for _ in fh)
    print(
        f"  smartregion synergies rank: median {statistics.median(times):.1f} s "
        f"(runs: {', '.join(f'{t:.1f}' for t in times)}), peak memory "
        f"{max(peaks):.0f} MB, {lines} output lines"
    )


# Runs the management command in-process so that the child can report its own ru_maxrss.
_CHILD = """
import resource, sys
from smartregion.__main__ import main
sys.argv = ["smartregion", "synergies", "--verbosity", "0", "rank", "--actors", sys.argv[1],
            "--output", sys.argv[2], "--top", sys.argv[3]]
main()
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def baseline_runs(records: list[dict], runs: int, top: int) -> float:
    """Plain word TF-IDF top-k among all actors (profile text), the bare sparse product."""
    import numpy as np
    import scipy.sparse as sp

    token = re.compile(r"\w+")
    texts = [
        " ".join(
            [
                r["description"],
                *(f"{i['title']} {i['description']}" for i in (*r["offers"], *r["needs"])),
            ]
        )
        for r in records
    ]
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        vocab: dict[str, int] = {}
        rows, cols = [], []
        for row, text in enumerate(texts):
            for word in token.findall(text.lower()):
                rows.append(row)
                cols.append(vocab.setdefault(word, len(vocab)))
        m = sp.csr_matrix(
            (np.ones(len(rows), np.float32), (rows, cols)), shape=(len(texts), len(vocab))
        )
        df = np.bincount(m.indices, minlength=len(vocab))
        m = m @ sp.diags(np.log(len(texts) / df).astype(np.float32))
        norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
        m = sp.diags(1 / np.maximum(norms, 1e-9)).astype(np.float32) @ m
        mt = m.T.tocsr()
        chunk = max(1, 24_000_000 // len(texts))
        for start in range(0, len(texts), chunk):
            scores = (m[start : start + chunk] @ mt).toarray()
            scores[np.arange(scores.shape[0]), np.arange(start, start + scores.shape[0])] = 0
            np.argpartition(-scores, top, axis=1)[:, :top]
        times.append(time.perf_counter() - started)
    median = statistics.median(times)
    print(
        f"  baseline word TF-IDF top-{top}: median {median:.1f} s "
        f"(runs: {', '.join(f'{t:.1f}' for t in times)})"
    )
    return median


def incremental(n: int, runs: int, seed: int) -> None:
    """Build the index of n actors once, then re-rank single changed actors against it."""
    from dataclasses import replace

    from smartregion.synergies.engine import Item, build_index, rank

    records = generate(n, seed=seed)
    actors = to_actors(records)
    del records
    started = time.perf_counter()
    index = build_index(actors)
    built = time.perf_counter() - started
    print(f"  index of {n} actors built in {built:.1f} s, process peak {peak_mb():.0f} MB")
    rng = random.Random(seed)
    times, lengths = [], []
    for _ in range(runs):
        changed = rng.choice(actors)
        changed = replace(
            changed,
            description=changed.description + " Neu: Cybersicherheit und Schuldigitalisierung.",
            offers=(*changed.offers, Item("IT-Sicherheit für Schulen", "Workshops und Beratung.")),
        )
        started = time.perf_counter()
        [suggestions] = rank(index, [changed], top=10)
        times.append(time.perf_counter() - started)
        lengths.append(len(suggestions))
        assert all(s.id != changed.id for s in suggestions)
    times.sort()
    print(
        f"  one changed actor against the index: median {statistics.median(times) * 1000:.0f} ms,"
        f" max {times[-1] * 1000:.0f} ms over {runs} actors "
        f"({min(lengths)}-{max(lengths)} suggestions each)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--actors", type=int, default=10_000, help="full ranking size (0: skip)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument(
        "--incremental",
        type=int,
        default=100_000,
        help="index size for the incremental case (0: skip)",
    )
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs visible")
    if args.actors:
        records = generate(args.actors, seed=args.seed)
        items = sum(len(r["offers"]) + len(r["needs"]) for r in records)
        with tempfile.TemporaryDirectory(prefix="synergies-speed-") as tmp:
            path = Path(tmp) / "actors.jsonl"
            with open(path, "w", encoding="utf-8") as fh:
                fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
            print(
                f"\nFull ranking: {args.actors} actors, {items} offers and needs, "
                f"{path.stat().st_size / 1e6:.0f} MB JSON Lines, top {args.top}"
            )
            base = baseline_runs(records, args.runs, args.top)
            del records
            cli_runs(path, args.runs, args.top)
            print(f"  (baseline {base:.1f} s in the same run)")
    if args.incremental:
        print(f"\nIncremental: one changed actor, index of {args.incremental} actors")
        incremental(args.incremental, max(args.runs, 20), args.seed)


if __name__ == "__main__":
    main()
