"""Synergy engine quality (issue 4): recall@1, recall@10 and MRR of the engine, a plain word
TF-IDF baseline and random, all measured in one run on the same labelled tasks.

    python bench/synergies_quality.py [--embedder use] [--embedder e5] [--show-misses]

Tasks
1. OZG (../shared/data/ozg, KDN NRW, MIT; written by nobody here). Each OZG service is a need
   ("Abfallentsorgung"); the right partner is the life situation ("Abfall & Umweltschutz") or
   subject it belongs to, described as an offer.
   a. situation, names only: the offer is the situation's name and its subject's name.
   b. situation, with known services: the offer also lists the situation's other services;
      5-fold cross-validation, so a service is never described in its own answer.
   c. subject: the offer is the subject's name, its situations and its known services (5-fold).
   The data's descriptions are empty or the placeholder "Test"; they are used when they are
   real text, so the task is about short German administrative names and their compounds.
2. Demo (smartregion/demo/content.py): the organizations of the demo region are the candidates.
   The three needs written there, and needs written for this benchmark in the words a seeker
   would use (not the offer's words), each with the organizations that answer it (GROUND_TRUTH
   below, chosen from what the demo texts say). Several right answers: recall@k is the share
   found in the top k, MRR uses the first right answer.

Candidates a method leaves unranked (no similarity at all) follow its ranking in random order,
exactly as the random baseline would place them; the figures are comparable with "Zufall".
"""

import argparse
import csv
import math
import random
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from smartregion.demo.content import ORGANIZATIONS  # noqa: E402 - plain data, no Django
from smartregion.synergies.engine import Actor, Item, rank_all  # noqa: E402

OZG = ROOT.parent / "shared" / "data" / "ozg"
FOLDS = 5
RANDOM_RUNS = 200
KS = (1, 10)


# --- metrics -------------------------------------------------------------------------------


def filled(ranking: list[str], pool: list[str], rng: random.Random) -> list[str]:
    """Candidates a method did not rank follow in random order, as random ties would."""
    seen = set(ranking)
    rest = [c for c in pool if c not in seen]
    rng.shuffle(rest)
    return ranking + rest


def metrics(rankings: list[list[str]], relevant: list[set[str]]) -> dict[str, float]:
    """recall@k (share of the right answers in the top k) and MRR (first right answer)."""
    out = {f"R@{k}": 0.0 for k in KS} | {"MRR": 0.0}
    for ranking, right in zip(rankings, relevant, strict=True):
        for k in KS:
            out[f"R@{k}"] += len(right & set(ranking[:k])) / len(right)
        first = next((i for i, c in enumerate(ranking, 1) if c in right), None)
        out["MRR"] += 1 / first if first else 0.0
    return {key: value / len(rankings) for key, value in out.items()}


def random_metrics(candidates: list[str], relevant: list[set[str]], seed=1) -> dict[str, float]:
    rng = random.Random(seed)
    runs = []
    for _ in range(RANDOM_RUNS):
        rankings = [rng.sample(candidates, len(candidates)) for _ in relevant]
        runs.append(metrics(rankings, relevant))
    return {key: statistics.mean(r[key] for r in runs) for key in runs[0]}


# --- baseline: plain word TF-IDF -----------------------------------------------------------

_TOKEN = re.compile(r"\w+")


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def tfidf_rank(queries: list[str], documents: dict[str, str]) -> list[list[str]]:
    """Lower-cased words, tf x log idf, cosine: no stemming, no stop words, no compounds."""
    ids = list(documents)
    tokenized = [_tokens(documents[i]) for i in ids]
    df = Counter(t for doc in tokenized for t in set(doc))
    n = len(ids)

    def vector(tokens):
        tf = Counter(tokens)
        vec = {t: c * math.log(n / df[t]) + 0.0 for t, c in tf.items() if t in df}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {t: v / norm for t, v in vec.items()}

    doc_vectors = [vector(tokens) for tokens in tokenized]
    out = []
    for query in queries:
        q = vector(_tokens(query))
        scored = [
            (sum(w * d.get(t, 0.0) for t, w in q.items()), i) for i, d in enumerate(doc_vectors)
        ]
        scored = [(s, i) for s, i in scored if s > 0]
        scored.sort(key=lambda pair: (-pair[0], pair[1]))
        out.append([ids[i] for _s, i in scored])
    return out


# --- task 1: OZG ---------------------------------------------------------------------------


def _read(name: str) -> list[dict]:
    with open(OZG / name, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _real(description: str) -> str:
    description = description.strip()
    return "" if description.lower() in ("", "test") else description


def ozg_data():
    subjects = {r["id"]: r["name"].strip() for r in _read("ozg_subject.csv")}
    situations = {
        r["id"]: (r["name"].strip(), r["subject_id"])
        for r in _read("ozg_situation.csv")
        # three rows are placeholders ("aaaaabbbbb"), not life situations
        if r["subject_id"] in subjects and not re.fullmatch(r"[abc]+", r["name"].strip())
    }
    services = [
        {
            "id": f"ozg-{r['id']}",
            "name": r["name"].strip(),
            "description": _real(r["description"]),
            "situation": r["situation_id"],
            "subject": situations[r["situation_id"]][1],
        }
        for r in _read("ozg_service_system.csv")
        if r["situation_id"] in situations and r["name"].strip()
    ]
    return subjects, situations, services


def folds(services: list[dict], seed: int = 7) -> list[list[dict]]:
    shuffled = services[:]
    random.Random(seed).shuffle(shuffled)
    return [shuffled[i::FOLDS] for i in range(FOLDS)]


def _need(service: dict) -> Actor:
    return Actor(id=service["id"], needs=(Item(service["name"], service["description"]),))


def _offer(key: str, title: str, description: str) -> Actor:
    return Actor(id=key, offers=(Item(title, description),))


def _fold_offers(subjects, situations, known):
    """Situations and subjects as offers, described by the services known outside the fold."""

    def names(rows):
        return "; ".join(s["name"] for s in rows)

    situation_offers = [
        _offer(f"situation-{sid}", name, f"{subjects[subject]}. Leistungen: "
               + names(s for s in known if s["situation"] == sid))
        for sid, (name, subject) in situations.items()
    ]  # fmt: skip
    subject_offers = [
        _offer(f"subject-{key}", name, "Lebenslagen: "
               + "; ".join(n for n, subj in situations.values() if subj == key)
               + ". Leistungen: " + names(s for s in known if s["subject"] == key))
        for key, name in subjects.items()
    ]  # fmt: skip
    return situation_offers, subject_offers


def ozg_tasks():
    """Yields (task name, list of (queries, candidates, relevant ids)) per fold."""
    subjects, situations, services = ozg_data()
    names_only = [
        _offer(f"situation-{sid}", name, subjects[subject])
        for sid, (name, subject) in situations.items()
    ]
    right = [{f"situation-{s['situation']}"} for s in services]
    yield "OZG → Lebenslage, nur Namen", [([_need(s) for s in services], names_only, right)]
    by_situation, by_subject = [], []
    for held_out in folds(services):
        held = {s["id"] for s in held_out}
        situation_offers, subject_offers = _fold_offers(
            subjects, situations, [s for s in services if s["id"] not in held]
        )
        queries = [_need(s) for s in held_out]
        right = [{f"situation-{s['situation']}"} for s in held_out]
        by_situation.append((queries, situation_offers, right))
        by_subject.append(
            (queries, subject_offers, [{f"subject-{s['subject']}"} for s in held_out])
        )
    yield f"OZG → Lebenslage, mit bekannten Leistungen ({FOLDS}-fach)", by_situation
    yield f"OZG → Themenfeld, mit Lebenslagen und Leistungen ({FOLDS}-fach)", by_subject


# --- task 2: demo region -------------------------------------------------------------------

# Needs in a seeker's words, each with the demo organizations whose profile or offer answers it.
GROUND_TRUTH = [
    (
        "school",
        "Schuldigitalisierung",
        "Wer begleitet unser Kollegium beim Einsatz digitaler Werkzeuge im Unterricht?",
        {"mimir"},
    ),
    (
        "company",
        "IT-Sicherheit für unseren Betrieb",
        "Wir wollen unsere Systeme besser gegen Angriffe schützen und suchen Austausch dazu.",
        {"NetTrek", "Open-Xchange AG"},
    ),
    (
        "company",
        "Onlineshop für unseren Laden",
        "Wir möchten unsere Waren auch im Internet verkaufen.",
        {"nexoma GmbH"},
    ),
    (
        "company",
        "Möbel virtuell zeigen",
        "Unsere Kundschaft soll Einbauküchen in 3D mit einer "
        "Datenbrille sehen, bevor wir sie bauen.",
        {"Extended"},
    ),
    (
        "school",
        "Glasfaseranschluss für unsere Grundschule",
        "Wann bekommen wir schnelles Internet?",
        {"Kreis Recklinghausen"},
    ),
    (
        "municipality",
        "Veränderungsprozess in der Stadtverwaltung",
        "Wir wollen die Beschäftigten bei der Digitalisierung der Verwaltung mitnehmen.",
        {"Prosoz Herten GmbH"},
    ),
    (
        "municipality",
        "Digitale Lösungen anderer Kommunen übernehmen",
        "Welche E-Government-Projekte aus den Modellregionen können wir nachnutzen?",
        {
            "KDN – Dachverband kommunaler IT-Dienstleister",
            "Stadt Gelsenkirchen – Stabsstelle vernetzte Stadt",
        },
    ),
    (
        "initiative",
        "Arbeitsplatz für Künstlerinnen und Künstler",
        "Kreativschaffende suchen ein Labor, in dem sie mit VR-Brillen arbeiten können.",
        {"Westfälische Hochschule"},
    ),
    (
        "company",
        "Forschungspartner für unsere Kreativagentur",
        "Wir wollen Software für die Zusammenarbeit im Team wissenschaftlich begleiten lassen.",
        {"Westfälische Hochschule"},
    ),
    (
        "company",
        "Vorausschauende Wartung",
        "Wir wollen Maschinendaten auswerten, bevor eine Anlage ausfällt.",
        {"NetTrek"},
    ),
    (
        "company",
        "Kontakte zu anderen Digitalfirmen",
        "Wir suchen ein Netzwerktreffen, um Partner aus der Region kennenzulernen.",
        {"WiN Emscher-Lippe GmbH", "Südwestfalen Agentur"},
    ),
    (
        "initiative",
        "Überblick über Digitalangebote",
        "Wer weiß, welche digitalen Angebote es in der Emscher-Lippe-Region gibt?",
        {"WiN Emscher-Lippe GmbH"},
    ),
    (
        "company",
        "Digitales Abbild unserer Produktionsanlage",
        "Ein digitaler Zwilling soll unsere Prozesse sichtbar machen.",
        {"NetTrek"},
    ),
    (
        "municipality",
        "Wissen der Älteren weitergeben",
        "Erfahrene Mitarbeitende gehen bald in Rente; wie sichern wir ihr Wissen?",
        {"Prosoz Herten GmbH"},
    ),
    (
        "school",
        "Breitbandausbau",
        "Schnelles Netz für alle Schulen im Kreis.",
        {"Kreis Recklinghausen"},
    ),
    (
        "company",
        "Versandhandel digital aufbauen",
        "Digitale Vertriebswege für unseren Mittelstandsbetrieb.",
        {"nexoma GmbH"},
    ),
]
# The needs written in the demo data itself, and who answers them.
DEMO_NEEDS = {
    "WiN Emscher-Lippe GmbH": {"NetTrek", "Open-Xchange AG"},
    "Kreis Recklinghausen": {"mimir"},
    "Stadt Castrop-Rauxel": {
        "Prosoz Herten GmbH",
        "GONICUS",
        "KDN – Dachverband kommunaler IT-Dienstleister",
    },
}


def _item(raw: dict) -> Item:
    return Item(
        raw["title"],
        raw["description"],
        tuple(raw.get("topics", ())),
        tuple(raw.get("audiences", ())),
    )


def demo_actor(org: dict, *, with_needs: bool = True) -> Actor:
    return Actor(
        id=org["name"],
        name=org["name"],
        kind=org["kind"],
        description=f"{org['short_description']} {org['description']}",
        topics=tuple(org["topics"]),
        offers=tuple(_item(o) for o in org["offers"]),
        needs=tuple(_item(n) for n in org["needs"]) if with_needs else (),
        member=bool(org.get("member")),
    )


def demo_task():
    candidates = [demo_actor(o, with_needs=False) for o in ORGANIZATIONS]
    queries, relevant = [], []
    for org in ORGANIZATIONS:
        if org["name"] in DEMO_NEEDS:
            queries.append(demo_actor(org))
            relevant.append(DEMO_NEEDS[org["name"]])
    for n, (kind, title, description, right) in enumerate(GROUND_TRUTH, 1):
        queries.append(Actor(id=f"query-{n}", kind=kind, needs=(Item(title, description),)))
        relevant.append(right)
    yield "Demo-Region: Bedarfe → Organisationen", [(queries, candidates, relevant)]


# --- running -------------------------------------------------------------------------------


def actor_text(actor: Actor, *, needs: bool) -> str:
    items = actor.needs if needs else (*actor.offers,)
    own = "" if needs else f"{actor.description} "
    return own + " ".join(f"{i.title} {i.description}" for i in items)


def evaluate(task, embedders: dict, show_misses: bool) -> dict[str, dict[str, float]]:
    """The engine (and the engine with each embedder) against the baseline and random."""
    rankings = {name: [] for name in embedders}
    baseline_rankings, relevant, pool = [], [], set()
    seconds = dict.fromkeys(embedders, 0.0)
    rng = random.Random(3)
    for queries, candidates, right in task:
        ids = [c.id for c in candidates]
        for name, embedder in embedders.items():
            started = time.perf_counter()
            results = rank_all(queries, candidates, top=len(candidates), embedder=embedder)
            seconds[name] += time.perf_counter() - started
            rankings[name] += [filled([s.id for s in found], ids, rng) for found in results]
        documents = {c.id: actor_text(c, needs=False) for c in candidates}
        baseline = tfidf_rank([actor_text(q, needs=True) for q in queries], documents)
        baseline_rankings += [filled(ranking, ids, rng) for ranking in baseline]
        relevant += right
        pool.update(c.id for c in candidates)
        if show_misses:
            mine = rankings["engine"][-len(queries) :]
            for q, r, ranking in zip(queries, right, mine, strict=True):
                if not r & set(ranking[:1]):
                    print(f"   miss: {q.needs[0].title!r} → {ranking[:3]} (richtig: {sorted(r)})")
    n_candidates = len(task[0][1])
    return {
        **{name: metrics(found, relevant) for name, found in rankings.items()},
        "TF-IDF (Wörter)": metrics(baseline_rankings, relevant),
        "Zufall": random_metrics(sorted(pool)[:n_candidates], relevant),
        "_info": {"queries": len(relevant), "candidates": n_candidates, "seconds": seconds},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--embedder",
        choices=["use", "e5"],
        action="append",
        default=[],
        help="also rank with dense embeddings (extra: semantic); may be given twice",
    )
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()
    embedders = {"engine": None}
    if args.embedder:
        from smartregion.synergies.engine.semantic import EMBEDDERS

        for name in args.embedder:
            embedders[f"engine + {name.upper()}"] = EMBEDDERS[name]()
    for name, task in (*ozg_tasks(), *demo_task()):
        result = evaluate(task, embedders, args.show_misses)
        info = result.pop("_info")
        times = ", ".join(f"{k} {v:.2f} s" for k, v in info["seconds"].items())
        print(f"\n{name}: {info['queries']} Bedarfe, {info['candidates']} Kandidaten ({times})")
        print(f"  {'':18} {'R@1':>6} {'R@10':>6} {'MRR':>6}")
        for method, values in result.items():
            print(f"  {method:18} {values['R@1']:6.3f} {values['R@10']:6.3f} {values['MRR']:6.3f}")
        base = result["TF-IDF (Wörter)"]
        for method in embedders:
            mine = result[method]
            print(
                f"  {method}/TF-IDF: MRR x{mine['MRR'] / base['MRR']:.2f}, "
                f"R@1 x{mine['R@1'] / max(base['R@1'], 1e-9):.2f}"
            )


if __name__ == "__main__":
    main()
