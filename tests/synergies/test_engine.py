"""The synergy engine on plain inputs: ranking, scores, kinds, reasons, incremental refresh."""

import hashlib
import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest

from smartregion.synergies.engine import (
    SUGGESTION_KINDS,
    Actor,
    Item,
    Suggestion,
    build_index,
    rank,
    rank_all,
)

# Places in Gelsenkirchen and Herten, 11.8 km apart
GELSENKIRCHEN = {"lat": 51.5098, "lon": 7.0963, "municipality": "05513000"}
HERTEN = {"lat": 51.6125, "lon": 7.1409, "municipality": "05562020"}


def _actor(id, **fields):
    for key in ("offers", "needs"):
        fields[key] = tuple(Item(*item) for item in fields.get(key, ()))
    fields["topics"] = tuple(fields.get("topics", ()))
    return Actor(id=id, name=fields.pop("name", id.title()), **fields)


@pytest.fixture
def landscape():
    return [
        _actor(
            "schule",
            kind="school",
            name="Gesamtschule Herten",
            **HERTEN,
            needs=[
                (
                    "Schuldigitalisierung",
                    "Wer begleitet das Kollegium beim Einsatz digitaler Werkzeuge?",
                )
            ],
        ),
        _actor(
            "mimir",
            kind="company",
            name="mimir",
            **GELSENKIRCHEN,
            member=True,
            offers=[
                (
                    "Digitalisierung von Schulen",
                    "Wir begleiten Schulen im Umgang mit digitalen Werkzeugen.",
                )
            ],
        ),
        _actor(
            "secure",
            kind="company",
            name="SecureIT",
            topics=["Cybersicherheit"],
            offers=[("IT-Sicherheit für den Mittelstand", "Penetrationstests und Notfallpläne.")],
        ),
        _actor(
            "hochschule",
            kind="university",
            name="Westfälische Hochschule",
            topics=["Cybersicherheit", "KI"],
            description="Forschung zu Cybersicherheit und künstlicher Intelligenz.",
        ),
        _actor(
            "firma",
            kind="company",
            name="Maschinenbau Nord",
            topics=["Cybersicherheit"],
            needs=[
                ("Schutz vor Cyberangriffen", "Wir brauchen Cybersicherheit für unsere Produktion.")
            ],
        ),
        _actor(
            "bakery",
            kind="company",
            name="Bäckerei Korn",
            description="Brot und Brötchen aus dem Steinofen.",
        ),
    ]


def _ids(suggestions: list[Suggestion]) -> list[str]:
    return [s.id for s in suggestions]


def _by_id(actors, results):
    return {actor.id: suggestions for actor, suggestions in zip(actors, results, strict=True)}


def test_a_need_finds_the_offer_that_answers_it_in_other_words(landscape):
    results = _by_id(landscape, rank_all(landscape))
    assert _ids(results["schule"])[0] == "mimir"
    assert _ids(results["firma"])[0] == "secure"


def test_need_offer_reason_names_who_seeks_and_who_offers(landscape):
    best = _by_id(landscape, rank_all(landscape))["schule"][0]
    assert best.kind == "need_offer"
    assert best.reasons[0] == (
        "Gesamtschule Herten sucht „Schuldigitalisierung“, "
        "mimir bietet „Digitalisierung von Schulen“"
    )


def test_matching_words_are_shown_as_written_not_as_stems(landscape):
    best = _by_id(landscape, rank_all(landscape))["schule"][0]
    words = next(r for r in best.reasons if r.startswith("Passende Begriffe: "))
    assert "Schuldigitalisierung ~ Digitalisierung" in words
    assert "schul" not in words.split()  # no stems
    secure = _by_id(landscape, rank_all(landscape))["firma"][0]
    words = next(r for r in secure.reasons if r.startswith("Passende Begriffe: "))
    assert "Cybersicherheit ~ IT-Sicherheit" in words


def test_the_seeker_side_is_named_when_the_other_actor_has_the_need(landscape):
    for_mimir = _by_id(landscape, rank_all(landscape))["mimir"]
    schule = next(s for s in for_mimir if s.id == "schule")
    assert schule.kind == "need_offer"
    assert schule.reasons[0].startswith("Gesamtschule Herten sucht „Schuldigitalisierung“")


def test_distance_membership_and_kinds_are_reasons(landscape):
    best = _by_id(landscape, rank_all(landscape))["schule"][0]
    assert "12 km entfernt" in best.reasons
    assert "Mitglied im Netzwerk" in best.reasons
    assert "Schule ↔ Unternehmen" in best.reasons


def test_shared_topics_are_named_and_complementary_kinds_suggest_partners(landscape):
    results = _by_id(landscape, rank_all(landscape))
    university = next(s for s in results["hochschule"] if s.id == "secure")
    assert "Gemeinsame Themen: Cybersicherheit" in university.reasons
    assert "Hochschule ↔ Unternehmen" in university.reasons
    assert university.kind == "complementary"


def test_same_kind_and_topics_without_need_make_peers():
    actors = [
        _actor(
            "a",
            kind="company",
            topics=["KI"],
            description="Wir entwickeln KI-Modelle für die Qualitätskontrolle.",
        ),
        _actor(
            "b",
            kind="company",
            topics=["KI"],
            description="KI-Modelle für die Qualitätskontrolle in der Fertigung.",
        ),
    ]
    [[suggestion], _] = rank_all(actors)
    assert suggestion.kind == "peer"
    assert "Gemeinsame Themen: KI" in suggestion.reasons


def test_a_transferable_project_is_suggested_to_a_municipality_as_project():
    project = _actor(
        "projekt",
        kind="project",
        name="Digitales Bürgerbüro",
        offers=[("Online-Terminvergabe im Bürgerbüro", "Übertragbar auf jede Kommune.")],
    )
    town = _actor(
        "stadt",
        kind="municipality",
        name="Stadt Marl",
        needs=[("Terminvergabe online", "Bürgerinnen sollen Termine im Bürgerbüro selbst buchen.")],
    )
    [for_project, for_town] = rank_all([project, town])
    assert for_town[0].id == "projekt" and for_town[0].kind == "project"
    assert for_project[0].id == "stadt" and for_project[0].kind == "project"
    assert "Kommune ↔ Projekt" in for_town[0].reasons


def test_scores_are_between_0_and_1_and_sorted(landscape):
    for suggestions in rank_all(landscape):
        scores = [s.score for s in suggestions]
        assert all(0 < score <= 1 for score in scores)
        assert scores == sorted(scores, reverse=True)
        assert {s.kind for s in suggestions} <= set(SUGGESTION_KINDS)


def test_an_actor_is_never_suggested_to_itself(landscape):
    for actor, suggestions in zip(landscape, rank_all(landscape, top=50), strict=True):
        assert actor.id not in _ids(suggestions)


def test_unrelated_actors_get_no_suggestions(landscape):
    assert _by_id(landscape, rank_all(landscape))["bakery"] == []


def test_top_limits_the_list(landscape):
    assert all(len(s) <= 1 for s in rank_all(landscape, top=1))


def test_candidates_are_a_separate_set_and_the_same_id_is_skipped(landscape):
    seekers = [landscape[0], landscape[4]]
    results = rank_all(seekers, [*landscape[1:4], landscape[0]])
    assert _ids(results[0])[0] == "mimir" and "schule" not in _ids(results[0])
    assert _ids(results[1])[0] == "secure"


def test_changed_actor_is_ranked_against_a_prebuilt_index(landscape):
    index = build_index(landscape)
    bakery = landscape[-1]
    assert rank(index, [bakery]) == [[]]
    changed = replace(
        bakery,
        needs=(
            Item("IT-Sicherheit für die Kasse", "Schutz vor Angriffen auf unser Kassensystem."),
        ),
    )
    [suggestions] = rank(index, [changed])
    assert _ids(suggestions)[0] == "secure"
    assert "bakery" not in _ids(suggestions)  # its old version in the index is not itself


def test_incremental_ranking_agrees_with_the_full_ranking(landscape):
    index = build_index(landscape)
    full = rank(index)
    one = rank(index, [landscape[0]])
    assert one[0] == full[0]


def test_the_score_is_symmetric_so_others_can_be_updated_from_one_ranking(landscape):
    results = _by_id(landscape, rank_all(landscape, top=50))
    forward = {s.id: s.score for s in results["schule"]}
    backward = next(s.score for s in results["mimir"] if s.id == "schule")
    assert forward["mimir"] == backward


def test_duplicate_ids_are_refused(landscape):
    with pytest.raises(ValueError, match="Doppelte ID: mimir"):
        build_index([*landscape, landscape[1]])


def test_coordinates_come_from_the_municipality_when_missing():
    a = _actor(
        "a",
        kind="company",
        municipality="05513000",
        offers=[("Cloud-Beratung", "Migration in die Cloud.")],
    )
    b = _actor(
        "b",
        kind="municipality",
        municipality="05562020",
        needs=[("Cloud-Migration", "Beratung zur Cloud gesucht.")],
    )
    [for_a, _] = rank_all([a, b])
    assert any(r.endswith("km entfernt") for r in for_a[0].reasons)
    c = replace(b, municipality="05513000")
    [for_a, _] = rank_all([a, c])
    assert "Beide in Gelsenkirchen" in for_a[0].reasons


def _trigram_embedder(texts):
    """A real, tiny embedder: hashed character trigrams of the lower-cased text."""
    out = np.zeros((len(texts), 64), dtype=np.float32)
    for row, text in enumerate(texts):
        text = f"  {text.lower()} "
        for i in range(len(text) - 2):
            digest = hashlib.blake2b(text[i : i + 3].encode(), digest_size=2).digest()
            out[row, int.from_bytes(digest, "little") % 64] += 1.0
    return out


def test_an_optional_embedder_adds_dense_similarity(landscape):
    plain = _by_id(landscape, rank_all(landscape, top=50))
    dense = _by_id(landscape, rank_all(landscape, top=50, embedder=_trigram_embedder))
    assert _ids(dense["schule"])[0] == "mimir"
    # Dense vectors relate almost every pair, so the bakery gains suggestions.
    assert plain["bakery"] == [] and dense["bakery"]


def test_the_engine_imports_nothing_from_django():
    code = (
        "import sys, smartregion.synergies.engine as e, smartregion.synergies.files;"
        "e.rank_all([e.Actor(id='a', description='KI'), e.Actor(id='b', description='KI')]);"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- an index updated in place (the platform's incremental refresh) ----------------------------


def test_an_index_updated_with_unchanged_actors_ranks_exactly_as_before(landscape):
    index = build_index(landscape)
    updated = index.updated([landscape[1], landscape[3]])
    assert updated.overlay is not None and len(updated) == len(index)
    assert rank(updated, landscape) == rank(index, landscape)
    # Every live actor, the base's first, then the overlay's.
    assert rank(updated) == rank(index, updated.actors)
    assert {a.id for a in updated.actors} == {a.id for a in landscape}


def test_a_changed_actor_is_found_in_its_new_version_by_others(landscape):
    index = build_index(landscape)
    bakery = landscape[-1]
    changed = replace(
        bakery,
        offers=(Item("Cybersicherheit für Produktion", "Schutz vor Cyberangriffen."),),
    )
    firma = next(a for a in landscape if a.id == "firma")
    assert "bakery" not in _ids(rank(index, [firma])[0])
    updated = index.updated([changed])
    [found] = rank(updated, [firma])
    assert "bakery" in _ids(found)
    reasons = next(s.reasons for s in found if s.id == "bakery")
    assert any("Cybersicherheit für Produktion" in r for r in reasons)
    # The original index is left as it was.
    assert "bakery" not in _ids(rank(index, [firma])[0])


def test_an_actor_changed_away_drops_out_and_a_removed_one_is_never_suggested(landscape):
    index = build_index(landscape)
    schule = landscape[0]
    assert _ids(rank(index, [schule])[0])[0] == "mimir"
    mimir = replace(landscape[1], offers=(), description="Brot und Brötchen.")
    assert "mimir" not in _ids(rank(index.updated([mimir]), [schule])[0])
    removed = index.updated(removed=["mimir"])
    assert len(removed) == len(landscape) - 1
    assert all("mimir" not in _ids(s) for s in rank(removed, landscape))
    assert "mimir" not in {a.id for a in removed.actors}


def test_updates_accumulate_and_new_actors_are_added(landscape):
    index = build_index(landscape)
    newcomer = _actor(
        "newcomer",
        kind="company",
        offers=[("Schulungen zu Cybersicherheit", "Workshops gegen Cyberangriffe.")],
    )
    once = index.updated([newcomer])
    twice = once.updated(removed=["secure"])
    firma = next(a for a in landscape if a.id == "firma")
    [found] = rank(twice, [firma])
    assert "newcomer" in _ids(found) and "secure" not in _ids(found)
    assert len(twice) == len(landscape)  # one added, one removed
    assert twice.positions["newcomer"] >= twice.base_size
    [own] = rank(twice, [newcomer])
    assert "newcomer" not in _ids(own)  # never itself, also from the overlay


def test_indexed_actors_are_ranked_by_id_as_if_encoded_again(landscape):
    index = build_index(landscape)
    ids = ["firma", "schule", "unbekannt"]
    assert rank(index, ids=ids) == rank(index, [landscape[4], landscape[0]])
    updated = index.updated([replace(landscape[1], member=False)])
    assert rank(updated, ids=["mimir", "schule"]) == rank(
        updated, [updated.get("mimir"), landscape[0]]
    )


def test_candidates_can_be_limited_to_kinds_and_filtered_before_they_are_explained(landscape):
    index = build_index(landscape)
    firma = landscape[4]
    assert set(_ids(rank(index, [firma])[0])) >= {"secure", "hochschule"}
    [companies] = rank(index, [firma], kinds=["company"])
    assert "hochschule" not in _ids(companies) and "secure" in _ids(companies)
    [kept] = rank(index, [firma], keep=lambda actor, other: other.id != "secure", top=1)
    assert _ids(kept) == ["hochschule"]  # top counts what is kept


def test_a_pair_is_scored_as_in_the_full_ranking(landscape):
    from smartregion.synergies.engine import score_pairs

    index = build_index(landscape)
    full = _by_id(landscape, rank(index, top=50))
    pairs = [("schule", "mimir"), ("firma", "secure"), ("bakery", "schule"), ("x", "mimir")]
    schule_mimir, firma_secure, bakery_schule, unknown = score_pairs(index, pairs)
    assert schule_mimir == next(s for s in full["schule"] if s.id == "mimir")
    assert firma_secure == next(s for s in full["firma"] if s.id == "secure")
    assert bakery_schule is None and unknown is None  # nothing in common; not indexed
    assert score_pairs(index, [("mimir", "mimir")]) == [None]
