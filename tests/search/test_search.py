"""The one search function, on whichever database the suite runs (SQLite or PostgreSQL)."""

import datetime as dt

import numpy as np
import pytest
from django.db import connection

from smartregion.core import workflow
from smartregion.search import index
from smartregion.search.models import SearchDocument, ZeroResultSearch
from smartregion.search.query import search
from tests.factories import NeedFactory, OfferFactory, OrganizationFactory, OrganizationRoleFactory

pytestmark = pytest.mark.django_db


def _published_org(**kwargs):
    org = OrganizationFactory(status="published", **kwargs)
    index.index(org)
    return org


def _offer(**kwargs):
    offer = OfferFactory(**kwargs)
    index.index(offer.organization)
    return offer


def titles(result):
    return [hit.title for hit in result.hits]


def test_stemming_finds_plural_and_inflected_forms(region):
    _published_org(name="Schulungen für Schulen", short_description="Wir digitalisierte Abläufe")
    assert titles(search("Schule")) == ["Schulungen für Schulen"]
    assert titles(search("Digitalisierung")) == ["Schulungen für Schulen"]


@pytest.mark.parametrize("query", ["Münster", "Muenster", "Munster", "MÜNSTER", "münst"])
def test_umlauts_work_both_ways(region, query):
    _published_org(name="Digitalagentur Münster")
    _published_org(name="Digitalagentur Muenster-Hiltrup")
    assert len(search(query).hits) == 2


def test_prefixes_match_as_you_type(region):
    _published_org(name="Cybersicherheit Emscher GmbH")
    for prefix in ("Cy", "Cyber", "Cybersich"):
        assert titles(search(prefix)) == ["Cybersicherheit Emscher GmbH"], prefix


def test_all_words_must_match(region):
    _published_org(name="KI für das Handwerk")
    _published_org(name="KI in der Verwaltung")
    assert titles(search("KI Handwerk")) == ["KI für das Handwerk"]


def test_title_ranks_above_body(region):
    _published_org(name="Robotik Nord", short_description="Auch Drohnen und mehr")
    _published_org(name="Drohnenwerk", short_description="Luftbilder")
    assert titles(search("Drohnen"))[0] == "Drohnenwerk"


def test_snippet_highlights_matches_and_escapes(region):
    _published_org(name="Beispiel", short_description="Wir bauen <b>sichere</b> Netze für Schulen.")
    hit = search("Schulen").hits[0]
    assert "<mark>Schulen</mark>" in hit.snippet
    assert "&lt;b&gt;" in hit.snippet


def test_only_published_content_is_found(region, user, coordinator):
    draft = OrganizationFactory(created_by=user, name="Verborgene Firma")
    OrganizationRoleFactory(organization=draft, user=user)
    index.index(draft)
    assert search("Verborgene").count == 0
    workflow.submit(obj=draft, by=user)
    assert search("Verborgene").count == 0
    workflow.approve(obj=draft, by=coordinator)
    assert search("Verborgene").count == 1  # indexed by the workflow, same transaction
    workflow.archive(obj=draft, by=coordinator)
    assert search("Verborgene").count == 0


def test_archiving_an_organization_removes_its_offers(region, coordinator):
    offer = _offer(title="Cloud-Beratung")
    assert search("Cloud").count == 2 or search("Cloud").count == 1
    workflow.archive(obj=offer.organization, by=coordinator)
    assert search("Cloud").count == 0


def test_expired_needs_and_ended_offers_drop_out(region):
    yesterday = dt.date.today() - dt.timedelta(days=1)
    need = NeedFactory(title="Suche Datenschutzberatung", expires_on=yesterday)
    offer = OfferFactory(title="Datenschutzseminar", ends_on=yesterday)
    index.index(need)
    index.index(offer)
    assert search("Datenschutz").count == 0
    need.expires_on = dt.date.today() + dt.timedelta(days=3)
    need.save()
    index.index(need)
    assert titles(search("Datenschutz")) == ["Suche Datenschutzberatung"]


def test_facets_count_and_filter(region):
    gelsenkirchen = region.municipalities.get(name="Gelsenkirchen")
    waltrop = region.municipalities.get(name="Waltrop")
    _published_org(name="Alpha Digital", municipality=gelsenkirchen, kind="company")
    _published_org(name="Beta Digital", municipality=waltrop, kind="university")
    _offer(title="Digital-Sprechstunde", kind="consulting", cost="free")
    result = search("Digital")
    types = {f.value: f.count for f in result.facets["type"]}
    assert types["organization"] >= 2 and types["offer"] == 1
    municipalities = {f.label: f.count for f in result.facets["municipality"]}
    assert municipalities["Gelsenkirchen"] == 1
    assert municipalities["Kreis Recklinghausen"] == 1  # Waltrop counts for its Kreis too
    filtered = search("Digital", filters={"municipality": ["05562"]})
    assert titles(filtered) == ["Beta Digital"]
    filtered = search("Digital", filters={"kind": ["university"]})
    assert titles(filtered) == ["Beta Digital"]
    assert titles(search("", filters={"cost": ["free"]})) == ["Digital-Sprechstunde"]
    assert search("", filters={"type": ["offer"]}).count == 1


def _facet_dict(result):
    return {name: {v.value: v.count for v in values} for name, values in result.facets.items()}


def test_large_results_count_facets_from_the_copy_exactly_as_sql(region, monkeypatch):
    """The in-process copy (search.facetcounts) gives the SQL counts, also for documents
    written after it was taken, changed or removed ones, and after it is taken again."""
    from smartregion.regions.models import Topic
    from smartregion.search import facetcounts, query

    ki = Topic.objects.get(slug="ki")
    orgs = [
        _published_org(name=f"Digital {i}", kind=("company", "university")[i % 2]) for i in range(6)
    ]
    orgs[0].topics.add(ki)
    index.index(orgs[0])
    cases = [("Digital", {}), ("", {}), ("Digital", {"kind": ["company"]}), ("", {"topic": ["ki"]})]

    def both():
        monkeypatch.setattr(query, "FACET_COPY_THRESHOLD", 10**9)  # SQL only
        in_sql = [(_facet_dict(r), r.count) for r in (search(q, filters=f) for q, f in cases)]
        monkeypatch.setattr(query, "FACET_COPY_THRESHOLD", 0)  # the copy for every result
        copied = [(_facet_dict(r), r.count) for r in (search(q, filters=f) for q, f in cases)]
        assert copied == in_sql
        return copied

    first = both()
    assert first[0][0]["kind"] == {"company": 3, "university": 3}
    taken = facetcounts.current()
    # Written since the copy was taken: counted in SQL beside it, the copy stays.
    orgs[2].kind = "university"
    orgs[2].save()
    orgs[2].topics.add(ki)
    index.index(orgs[2])
    index.remove(orgs[3])
    _published_org(name="Digital neu", kind="research")
    after = both()
    assert after[0][0]["kind"] == {"company": 2, "university": 3, "research": 1}
    assert after[3][1] == 2 and after[3][0]["topic"] == {"ki": 2}
    assert facetcounts.current() is taken
    # Too many unknown documents: the copy is taken again, with the same counts.
    monkeypatch.setattr(facetcounts, "UNKNOWN_LIMIT", 1)
    assert both() == after
    assert facetcounts.current() is not taken
    assert len(facetcounts.current()) == 6


def test_facet_copy_of_an_empty_index(region, monkeypatch):
    from smartregion.search import facetcounts, query

    monkeypatch.setattr(query, "FACET_COPY_THRESHOLD", 0)
    result = search("")
    assert result.count == 0 and result.facets == {}
    assert len(facetcounts.current()) == 0


def test_topic_names_find_organizations(region):
    from smartregion.regions.models import Topic

    org = OrganizationFactory(status="published", name="Firma Z")
    org.topics.add(Topic.objects.get(slug="predictive-maintenance"))
    index.index(org)
    assert titles(search("Predictive Maintenance")) == ["Firma Z"]
    assert search("", filters={"topic": ["predictive-maintenance"]}).count == 1


def test_zero_result_searches_are_logged_without_personal_data(region):
    search("Quantencomputer", filters={"kind": ["company"]})
    entry = ZeroResultSearch.objects.get()
    assert entry.query == "quantencomputer"
    assert entry.filters == {"kind": ["company"]}
    assert {f.name for f in ZeroResultSearch._meta.fields} == {
        "id", "query", "filters", "created_at",
    }  # fmt: skip


@pytest.mark.parametrize(
    "query",
    ['"', "*", "AND OR NOT", "NEAR(", "a:b", "'; DROP TABLE x; --", "(((", "\x00", "ü" * 500,
     "schul:* & !x", "%", "_"],
)  # fmt: skip
def test_hostile_queries_never_crash(region, query):
    _published_org(name="Irgendwas")
    result = search(query)
    assert result.count >= 0


def test_unknown_filters_and_pages_are_ignored(region):
    _published_org(name="Seite")
    result = search("Seite", filters={"evil": ["x"], "kind": ["<script>"]}, page=99)
    assert result.filters == {"kind": ["<script>"]}
    assert result.hits == []


def test_pagination(region):
    for n in range(25):
        _published_org(name=f"Netzwerkpartner {n:02d}")
    first = search("Netzwerkpartner", page_size=10)
    third = search("Netzwerkpartner", page_size=10, page=3)
    assert first.count == 25 and first.num_pages == 3
    assert len(first.hits) == 10 and len(third.hits) == 5
    assert not set(titles(first)) & set(titles(third))


def test_rebuild_recreates_the_index(region):
    _published_org(name="Neuaufbau GmbH")
    _offer(title="Neuaufbau-Angebot")
    SearchDocument.objects.all().delete()
    assert search("Neuaufbau").count == 0
    written = index.rebuild()
    assert written >= 3
    assert search("Neuaufbau").count >= 2


def test_the_rebuild_command_rebuilds_the_chosen_types(region, capsys):
    from django.core.management import CommandError, call_command

    _offer(title="Kommandoangebot", organization=_published_org(name="Kommando GmbH"))
    SearchDocument.objects.all().delete()
    call_command("search", "rebuild", "--type", "offer")
    assert "Suchindex neu aufgebaut: 1 Dokument in" in capsys.readouterr().out
    assert [h.type for h in search("Kommando*").hits] == ["offer"]
    call_command("search", "rebuild")
    assert sorted(h.type for h in search("Kommando").hits) == ["offer", "organization"]
    with pytest.raises(CommandError, match="Unbekannter Inhaltstyp: <script>"):
        call_command("search", "rebuild", "--type", "<script>")
    assert search("Kommando").count == 2  # nothing was deleted


def _documents():
    return {
        (d.type, d.object_id): (d.title, d.title_terms, d.body_terms, d.url, d.municipality,
                                sorted((f.name, f.value) for f in d.facets.all()))
        for d in SearchDocument.objects.prefetch_related("facets")
    }  # fmt: skip


def test_index_many_writes_what_index_writes(region, monkeypatch):
    from smartregion.organizations.models import Organization

    orgs = [_published_org(name=f"Stapelpartner {n}") for n in range(3)]
    _offer(organization=orgs[0], title="Stapelangebot")
    NeedFactory(organization=orgs[1], title="Stapelbedarf")
    draft = OrganizationFactory(name="Stapelentwurf", status="draft")
    for org in orgs:
        index.index(org)
    one_by_one = _documents()
    SearchDocument.objects.all().delete()
    # orgs[2] was archived meanwhile: its document goes, like index() would drop it
    Organization.objects.filter(pk=orgs[2].pk).update(status="archived")
    heard = []
    monkeypatch.setattr(index, "_listeners", [*index._listeners, heard.append])
    written = index.index_many(Organization, [o.pk for o in orgs] + [draft.pk])
    expected = {k: v for k, v in one_by_one.items() if k != ("organization", orgs[2].pk)}
    assert _documents() == expected
    assert written == len(expected)  # two organizations, their offer and their need
    # the listeners (the synergy refresh) hear of every object, as of single edits
    assert sorted(o.pk for o in heard) == sorted([o.pk for o in orgs] + [draft.pk])
    assert index.index_many(Organization, []) == 0


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_trgm typo tolerance is PostgreSQL-only"
)
def test_typos_are_forgiven_on_postgresql(region):
    from django.test.utils import CaptureQueriesContext

    from smartregion.search import facetcounts

    gelsenkirchen = region.municipalities.get(name="Gelsenkirchen")
    _published_org(name="Cybersicherheit Emscher GmbH", kind="company")
    _published_org(name="Cybersicherheit Lippe", kind="research", municipality=gelsenkirchen)
    org = _published_org(name="Handwerk Emscher")
    index.index(NeedFactory(title="Cybersicherheit gesucht", organization=org))
    SearchDocument.objects.filter(type="need").update(  # expired since it was indexed
        valid_until=dt.date.today() - dt.timedelta(days=1)
    )
    states = []
    for copy in (False, True):  # the database's index, then the exact copy
        assert (facetcounts.exact() is not None) is copy
        result = search("Cybersicherhiet Emscher")
        assert result.fuzzy and titles(result) == ["Cybersicherheit Emscher GmbH"]
        # A typo with filters: the copy filters the similarity matches, the database each.
        typos = [
            search("Cybersicherhiet", filters=f)
            for f in ({}, {"kind": ["research"]}, {"municipality": [gelsenkirchen.ags]},
                      {"kind": ["company"], "type": ["organization"]}, {"type": ["offer"]})
        ]  # fmt: skip
        assert [r.count for r in typos] == [2, 1, 1, 1, 0]
        assert all(r.fuzzy for r in typos[:-1]) and not typos[-1].fuzzy
        assert titles(typos[1]) == titles(typos[2]) == ["Cybersicherheit Lippe"]
        states.append([(r.count, titles(r), _facet_dict(r)) for r in typos])
        # Known words that are not found together, or not with a filter, are no typo.
        assert search("Cybersicherheit Emscher").count == 1
        with CaptureQueriesContext(connection) as queries:
            result = search("Cybersicherheit Handwerk", log=False)
        assert result.count == 0 and not result.fuzzy
        if copy:  # the copy's version check, and nothing else: the copy knows the words
            assert len(queries) == 1, [q["sql"] for q in queries.captured_queries]
        result = search("Cybersicherheit", filters={"type": ["offer"]})
        assert result.count == 0 and not result.fuzzy
        facetcounts.current()
    assert states[0] == states[1]


def test_the_copy_filters_the_databases_matches_only_if_it_knows_them_all(region):
    from django.utils import timezone

    from smartregion.search import facetcounts

    a = _published_org(name="Alpha", kind="company")
    _published_org(name="Beta", kind="research")
    snap = facetcounts.current()
    ids = np.array(sorted(snap.ids.tolist(), reverse=True), dtype=np.int64)  # any order
    ranks = np.arange(len(ids), dtype=np.float64)
    today = timezone.localdate()
    kept, kept_ranks, selected = snap.keep(ids, ranks, {"kind": ["company"]}, today)
    doc = SearchDocument.objects.get(type="organization", object_id=a.pk)
    assert kept.tolist() == [doc.pk] and kept_ranks.tolist() == [ranks[ids == doc.pk][0]]
    assert int(selected.sum()) == 1
    assert snap.keep(np.append(ids, ids.max() + 1), np.append(ranks, 0.0), {}, today) is None


def test_a_page_of_matches_is_ordered_by_rank_then_id_as_sql_would():
    """search.query._page sorts only what can be on the page; the result is the full sort's."""
    import random

    from smartregion.search.query import _page

    rng = random.Random(3)
    matches = [
        (pk, float(rng.choice([0.5, 1.0, 1.5, 2.0]))) for pk in rng.sample(range(1, 10_000), 500)
    ]
    full = sorted(matches, key=lambda m: (-m[1], m[0]))
    ids = np.array([pk for pk, _ in matches], dtype=np.int64)
    ranks = np.array([rank for _, rank in matches])
    for page, size in [(1, 20), (2, 20), (7, 50), (10, 50), (11, 50), (3, 7), (30, 20)]:
        assert _page(ids, ranks, page, size) == full[(page - 1) * size : page * size]
    assert _page(np.zeros(0, np.int64), np.zeros(0), 1, 20) == []


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="extended statistics are PostgreSQL's (migration 6)"
)
def test_the_planner_knows_how_common_a_facet_value_is_on_postgresql():
    """Without the (name, value) statistics PostgreSQL multiplies the two columns' frequencies
    and expects a handful of kind=company documents where most are companies; it then joins all
    of them for a list page instead of walking the title index (200 ms at 100,000)."""
    import json

    from smartregion.search.models import SearchFacet

    documents = SearchDocument.objects.bulk_create(
        SearchDocument(type="organization", object_id=i, title=f"O{i}", url=f"/o/{i}/")
        for i in range(600)
    )
    SearchFacet.objects.bulk_create(
        SearchFacet(document=d, name=name, value=value)
        for i, d in enumerate(documents)
        for name, value in [
            ("type", "organization"),
            ("kind", "company" if i % 10 else "university"),
            ("topic", f"t{i % 3}"),
            ("municipality", f"05{i % 7}"),
        ]
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE search_searchfacet")
        cursor.execute(
            "EXPLAIN (FORMAT JSON) SELECT document_id FROM search_searchfacet "
            "WHERE name = 'kind' AND value = 'company'"
        )
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    assert 400 <= plan[0]["Plan"]["Plan Rows"] <= 700  # 540 of them


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner statistics")
def test_a_rebuild_leaves_fresh_planner_statistics_on_postgresql(region):
    import json

    for i in range(60):
        OrganizationFactory(
            status="published", name="Gleich" if i % 20 else f"Anders {i}", slug=f"o-{i}"
        )

    def estimate():
        with connection.cursor() as cursor:
            cursor.execute(
                "EXPLAIN (FORMAT JSON) SELECT id FROM search_searchdocument WHERE title = 'Gleich'"
            )
            plan = cursor.fetchone()[0]
        return (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]["Plan Rows"]

    index.rebuild()
    assert 45 <= estimate() <= 65  # 57 of them


def _list_state(result):
    return (result.count, [(h.type, h.object_id) for h in result.hits], _facet_dict(result))


def test_lists_from_an_exact_copy_equal_the_sql_lists(region, monkeypatch):
    """Without a search word and with no change since the copy was taken, lists come from the
    copy alone (facetcounts.exact): the same count, page, order and facets as in SQL."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from smartregion.regions.models import Topic
    from smartregion.search import facetcounts

    ki = Topic.objects.get(slug="ki")
    gelsenkirchen = region.municipalities.get(name="Gelsenkirchen")
    for i in range(9):
        org = _published_org(
            name=f"{'Zeta' if i % 2 else 'Alpha'} {i}",
            kind=("company", "university", "research")[i % 3],
            municipality=gelsenkirchen if i % 4 == 0 else None,
        )
        if i % 3 == 0:
            org.topics.add(ki)
            index.index(org)
        _offer(organization=org, title=f"Angebot {i}", cost=("free", "paid")[i % 2])
    for title in ("Bedarf offen", "Bedarf abgelaufen"):
        need = NeedFactory(
            title=title, organization=org, expires_on=dt.date.today() + dt.timedelta(days=9)
        )
        index.index(need)
    # A need whose end passed since it was indexed: its document stays until the next change.
    SearchDocument.objects.filter(title="Bedarf abgelaufen").update(
        valid_until=dt.date.today() - dt.timedelta(days=1)
    )
    cases = [
        ({}, "", 1, 20),
        ({"type": ["organization"]}, "", 1, 4),
        ({"type": ["organization"]}, "", 3, 4),
        ({"type": ["organization"]}, "neu", 2, 3),
        ({"type": ["organization"], "kind": ["company", "research"]}, "", 1, 20),
        ({"type": ["organization"], "topic": ["ki"], "kind": ["company"]}, "", 1, 20),
        ({"municipality": [gelsenkirchen.ags]}, "", 1, 20),
        ({"type": ["offer"], "cost": ["free"]}, "neu", 1, 20),
        ({"topic": ["no-such-topic"]}, "", 1, 20),
        ({"type": ["need"]}, "", 1, 20),
    ]

    def run():
        return [
            _list_state(search("", filters=f, sort=s, page=p, page_size=n)) for f, s, p, n in cases
        ]

    in_sql = run()
    snap = facetcounts.current()
    assert facetcounts.exact() is snap
    with CaptureQueriesContext(connection) as queries:
        from_copy = run()
    assert from_copy == in_sql
    assert in_sql[1][0] == 9 and in_sql[-1][0] == 1  # the expired need is in neither
    # Nothing of the facets was read from the database on the copy's path.
    assert not [q for q in queries.captured_queries if "search_searchfacet" in q["sql"]]
    monkeypatch.setattr(facetcounts, "exact", lambda: None)
    assert run() == in_sql


def test_a_committed_change_of_the_index_makes_the_copy_inexact(region):
    from django.db import transaction

    from smartregion.search import facetcounts

    _published_org(name="Erste GmbH")
    snap = facetcounts.current()
    assert facetcounts.exact() is snap and snap.version is not None
    try:
        with transaction.atomic():
            _published_org(name="Zurückgerollt GmbH")
            raise RuntimeError
    except RuntimeError:
        pass
    assert facetcounts.exact() is snap  # a rolled-back change changes nothing
    _published_org(name="Zweite GmbH")
    assert facetcounts.exact() is None  # stale: the lists read the database again
    assert search("", filters={"type": ["organization"]}).count == 2
    fresh = facetcounts.current(renew=True)
    assert facetcounts.exact() is fresh
    assert titles(search("", filters={"type": ["organization"]})) == ["Erste GmbH", "Zweite GmbH"]


def test_a_copy_read_while_the_index_changes_is_not_exact(region, monkeypatch):
    from smartregion.search import facetcounts

    _published_org(name="Erste GmbH")
    versions = iter(range(100))
    monkeypatch.setattr(facetcounts, "version", lambda: next(versions))
    snap = facetcounts.take()
    assert snap.version is None and len(snap) == 1  # its facet counts by id are still right


def test_stale_old_or_inexact_copies_are_taken_again_in_the_background(region, monkeypatch):
    from smartregion.search import facetcounts

    _published_org(name="Erste GmbH")
    snap = facetcounts.current()
    renewals = []
    monkeypatch.setattr(facetcounts, "BACKGROUND", True)
    monkeypatch.setattr(facetcounts, "_renew_in_background", lambda: renewals.append(1))
    assert facetcounts.exact() is snap and renewals == []
    _published_org(name="Zweite GmbH")
    assert facetcounts.exact() is None and renewals == []  # younger than RENEW_INTERVAL
    monkeypatch.setattr(facetcounts, "RENEW_INTERVAL", 0)
    assert facetcounts.exact() is None and renewals == [1]
    fresh = facetcounts.current(renew=True)
    monkeypatch.setattr(facetcounts, "MAX_AGE", 0)  # too old, even though exact
    assert facetcounts.exact() is None and len(renewals) == 2
    fresh.version = None  # not known to be exact
    monkeypatch.setattr(facetcounts, "MAX_AGE", 3_600)
    assert facetcounts.exact() is None and len(renewals) == 3


def _search_state(result):
    return (
        result.count,
        [(h.type, h.object_id) for h in result.hits],
        [h.score for h in result.hits],
        _facet_dict(result),
    )


def test_searches_from_an_exact_copy_find_what_the_database_finds(region, monkeypatch):
    """With a search word and no change since the copy was taken, the copy's inverted index
    answers (search.postings): the same matches, count and facets as the database, and on
    SQLite the same BM25 ranks and order as FTS5's bm25()."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from smartregion.regions.models import Topic
    from smartregion.search import facetcounts

    ki = Topic.objects.get(slug="ki")
    gelsenkirchen = region.municipalities.get(name="Gelsenkirchen")
    names = [
        "Schulungen für Schulen", "Schule digital", "Digitalisierung der Schulverwaltung",
        "Café Digital", "Cafe Schule", "Schul_Netz Werkstatt", "Datenschule Gelsenkirchen",
        "Daten und Dienste", "Verwaltung 4.0", "Cybersicherheit für Schulen und Verwaltung",
    ]  # fmt: skip
    for i, name in enumerate(names):
        org = _published_org(
            name=name,
            short_description=" ".join(["Schulen"] * (i % 3) + ["Beratung", "Daten"][: i % 2 + 1]),
            kind=("company", "university", "research")[i % 3],
            municipality=gelsenkirchen if i % 4 == 0 else None,
        )
        if i % 3 == 0:
            org.topics.add(ki)
            index.index(org)
        _offer(organization=org, title=f"Schulung {name}", description="Workshops für Schulen")
    need = NeedFactory(
        title="Schulen suchen Daten", organization=org, expires_on=dt.date.today() + dt.timedelta(9)
    )
    index.index(need)
    SearchDocument.objects.filter(type="need").update(  # expired since it was indexed
        valid_until=dt.date.today() - dt.timedelta(days=1)
    )
    cases = [
        ("Schule", {}, 1, 20),
        ("Schulen", {}, 2, 5),
        ("schu", {"type": ["organization"]}, 1, 20),
        ("Schule Daten", {}, 1, 20),
        ("Daten Schule Beratung", {"kind": ["company", "research"]}, 1, 20),
        ("Digitalisierung", {}, 1, 20),
        ("Cafe", {}, 1, 20),
        ("Café", {}, 1, 20),
        ("netz", {}, 1, 20),
        ("Verwaltung", {"municipality": [gelsenkirchen.ags]}, 1, 20),
        ("Schule", {"topic": ["ki"]}, 1, 20),
        ("Workshop", {"type": ["offer"]}, 2, 3),
        ("gibtsnicht", {}, 1, 20),
        ("4", {}, 1, 20),
    ]

    def run():
        return [_search_state(search(q, filters=f, page=p, page_size=n)) for q, f, p, n in cases]

    in_sql = run()
    snap = facetcounts.current()
    assert facetcounts.exact() is snap and snap.postings is not None
    with CaptureQueriesContext(connection) as queries:
        from_copy = run()
    in_database = [
        q["sql"] for q in queries.captured_queries if "search_fts" in q["sql"] or "@@" in q["sql"]
    ]
    assert len(in_database) == 1 and "café" in in_database[0]  # an accent: the database's fold
    assert in_sql[0][0] >= 15 and in_sql[-2][0] == 0  # not a vacuous comparison
    for (q, _, page, size), sql, copy in zip(cases, in_sql, from_copy, strict=True):
        count, hits, scores, facets = copy
        assert (count, facets) == (sql[0], sql[3]), q
        if connection.vendor == "sqlite":
            assert hits == sql[1], q
            assert scores == pytest.approx(sql[2], rel=1e-9), q
        elif page == 1 and count <= size:  # the same matches, ranked by BM25, not ts_rank_cd
            assert sorted(hits) == sorted(sql[1]), q
    monkeypatch.setattr(facetcounts, "exact", lambda: None)
    assert run() == in_sql


def test_the_copys_words_are_the_databases_words():
    from smartregion.search.postings import plain, tokens

    assert tokens("schul digital", fold=True) == ["schul", "digital"]
    assert tokens("café schul_netz", fold=True) == ["cafe", "schul", "netz"]
    assert tokens("café schul_netz", fold=False) == ["café", "schul", "netz"]
    assert plain(["schul", "4"]) and not plain(["café"]) and not plain(["schul_netz"])
