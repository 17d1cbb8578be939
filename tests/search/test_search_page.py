"""/suche/: one form, facets with counts, results, pages; htmx gets only the results region."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from smartregion.regions.models import Topic
from smartregion.search import index
from tests.factories import NeedFactory, OfferFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def org(**kwargs):
    organization = OrganizationFactory(status="published", **kwargs)
    index.index(organization)
    return organization


def offer(**kwargs):
    item = OfferFactory(**kwargs)
    index.index(item.organization)
    return item


def test_search_page_finds_stemmed_words_and_highlights(client, region):
    org(name="Schulungen für Schulen", short_description="Wir schulen Lehrkräfte in Schulen.")
    page = client.get("/suche/", {"q": "Schule"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Schulungen für Schulen" in html
    assert "<mark>Schulen</mark>" in html
    assert 'role="search"' in html
    assert 'aria-live="polite"' in html
    assert "1 Treffer" in html
    assert "Sortiert nach Relevanz" in html


def test_search_page_without_javascript_has_a_submit_button_and_get_form(client, region):
    html = client.get("/suche/").content.decode()
    form = re.search(r"<form id=\"search-form\"[^>]*>", html).group(0)
    assert 'method="get"' in form and 'action="/suche/"' in form
    assert 'hx-get="/suche/"' in form
    assert 'hx-trigger="input changed delay:300ms, change, submit"' in form
    assert 'hx-target="#search-region"' in form and 'hx-push-url="true"' in form
    assert '<button type="submit"' in html
    assert '<label class="kern-label" for="search-q">' in html


def test_htmx_request_gets_only_the_results_region(client, region):
    org(name="Datenwerk GmbH")
    full = client.get("/suche/", {"q": "Datenwerk"})
    partial = client.get("/suche/", {"q": "Datenwerk"}, **HTMX)
    assert "<html" in full.content.decode()
    body = partial.content.decode()
    assert "<html" not in body and "<form" not in body
    assert "Datenwerk GmbH" in body
    assert 'id="search-status" hx-swap-oob="innerHTML"' in body  # the live count updates too
    assert "HX-Request" in partial["Vary"]
    # A history restore (cache miss after "back") needs the whole page again.
    restore = client.get("/suche/", {"q": "x"}, HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HTMX)
    assert "<html" in restore.content.decode()


def test_facets_show_counts_in_order_and_filter(client, region):
    gelsenkirchen = region.municipalities.get(name="Gelsenkirchen")
    org(name="Alpha Digital", municipality=gelsenkirchen, kind="company")
    org(name="Beta Digital", kind="university")
    offer(title="Digital-Sprechstunde", cost="free")
    html = client.get("/suche/", {"q": "Digital"}).content.decode()
    legends = re.findall(r'<legend class="kern-label">([^<]+)</legend>', html)
    assert legends[:3] == ["Art des Eintrags", "Art des Akteurs", "Kommune"]
    assert legends.index("Kosten") > legends.index("Kommune")
    assert re.search(r"Akteur <span class=\"sr-facet__count\">\(\d\)</span>", html)
    assert 'Gelsenkirchen <span class="sr-facet__count">(1)</span>' in html

    filtered = client.get("/suche/", {"q": "Digital", "kind": "university"}).content.decode()
    assert "Beta Digital" in filtered and "Alpha Digital" not in filtered
    assert 'value="university" checked' in filtered
    # The chosen filter is listed with a link that removes it and keeps the query.
    assert 'href="/suche/?q=Digital"' in filtered
    assert "Art des Akteurs: Hochschule" in filtered


def test_results_show_type_badge_place_and_link(client, region):
    gelsenkirchen = region.municipalities.get(name="Gelsenkirchen")
    organization = org(name="Ortskundig GmbH", municipality=gelsenkirchen)
    html = client.get("/suche/", {"q": "Ortskundig"}).content.decode()
    assert f'href="{organization.get_absolute_url()}">Ortskundig GmbH</a>' in html
    assert 'sr-hit__type">Akteur</span>' in html
    assert "<span>Gelsenkirchen</span>" in html


def test_state_is_in_the_url_and_pagination_keeps_it(client, region):
    topic = Topic.objects.get(slug="predictive-maintenance")
    for n in range(25):
        organization = org(name=f"Wartungsprofi {n:02d}")
        organization.topics.add(topic)
        index.index(organization)
    page = client.get("/suche/", {"q": "Wartungsprofi", "topic": topic.slug})
    html = page.content.decode()
    assert "Seite 1 von 2" in html
    assert 'href="?q=Wartungsprofi&amp;topic=predictive-maintenance&amp;seite=2"' in html
    second = client.get("/suche/", {"q": "Wartungsprofi", "topic": topic.slug, "seite": 2})
    assert "Wartungsprofi 24" in second.content.decode() or "Seite 2 von 2" in (
        second.content.decode()
    )


def test_without_query_sorted_alphabetically_or_newest(client, region):
    org(name="Zebra Digital")
    org(name="Anton IT")
    html = client.get("/suche/").content.decode()
    assert html.index("Anton IT") < html.index("Zebra Digital")
    assert 'name="sortierung"' in html
    newest = client.get("/suche/", {"sortierung": "neu"}).content.decode()
    assert newest.index("Anton IT") < newest.index("Zebra Digital")  # made last, shown first
    assert '<option value="neu" selected>' in newest


def test_no_results_offers_help(client, region):
    org(name="Irgendwer")
    html = client.get("/suche/", {"q": "Quantenschaum", "kind": "school"}).content.decode()
    assert "Keine Treffer für „Quantenschaum“" in html
    assert "Alle Filter entfernen" in html
    assert 'href="/suche/?q=Quantenschaum"' in html
    assert "Schreibweise" in html


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is PostgreSQL-only")
def test_typo_shows_did_you_mean_on_postgresql(client, region):
    org(name="Cybersicherheit Emscher GmbH")
    html = client.get("/suche/", {"q": "Cybersicherhiet"}).content.decode()
    assert "Meinten Sie" in html
    assert "Cybersicherheit Emscher GmbH" in html


@pytest.mark.parametrize(
    "params",
    [
        {"seite": "abc"},
        {"seite": "-5"},
        {"seite": "99999999999999999999"},
        {"kind": "<script>alert(1)</script>"},
        {"q": "<script>alert(1)</script>"},
        {"q": "x" * 5000},
        {"topic": ["a"] * 100},
        {"sortierung": "'; DROP TABLE x"},
        {"unbekannt": "1"},
        {"q": '"*NEAR('},
    ],
)
def test_hostile_parameters_are_harmless(client, region, params):
    org(name="Harmlos GmbH")
    page = client.get("/suche/", params)
    html = page.content.decode()
    assert page.status_code == 200
    assert "<script>alert(1)" not in html
    partial = client.get("/suche/", params, **HTMX)
    assert partial.status_code == 200


def test_hostile_filter_value_is_escaped_in_the_facet_list(client, region):
    org(name="Harmlos GmbH")
    html = client.get("/suche/", {"kind": '"><script>x</script>'}).content.decode()
    assert "<script>x</script>" not in html
    assert "&lt;script&gt;" in html


def test_page_past_the_end_shows_the_last_page(client, region):
    for n in range(3):
        org(name=f"Wenige {n}")
    html = client.get("/suche/", {"q": "Wenige", "seite": 50}).content.decode()
    assert "Wenige 0" in html and "3 Treffer" in html


def test_expired_needs_never_appear(client, region):
    import datetime as dt

    need = NeedFactory(title="Abgelaufene Suche", expires_on=dt.date.today() - dt.timedelta(1))
    index.index(need)
    current = NeedFactory(title="Aktuelle Suche")
    index.index(current)
    html = client.get("/suche/", {"q": "Suche"}).content.decode()
    assert "Aktuelle Suche" in html and "Abgelaufene Suche" not in html


def test_search_page_query_count_is_constant(client, region):
    topic = Topic.objects.get(slug="predictive-maintenance")

    def make(start, stop):
        for i in range(start, stop):
            organization = org(name=f"Konstant {i} GmbH")
            organization.topics.add(topic)
            index.index(organization)
            offer(title=f"Konstantes Angebot {i}", organization=organization)

    make(0, 5)
    client.get("/suche/", {"q": "Konstant"})
    with CaptureQueriesContext(connection) as few:
        client.get("/suche/", {"q": "Konstant"})
        client.get("/suche/")
    make(5, 25)
    with CaptureQueriesContext(connection) as many:
        client.get("/suche/", {"q": "Konstant"})
        client.get("/suche/")
    assert len(many) == len(few)


def test_no_inline_script_or_style(client, region):
    org(name="Sauber GmbH")
    html = client.get("/suche/", {"q": "Sauber"}).content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/ld\+json)", html)
    assert " style=" not in html
    assert not re.search(r"\son[a-z]+=", html)


def test_zero_results_are_logged_but_not_while_typing(client, region):
    from smartregion.search.models import ZeroResultSearch

    client.get("/suche/", {"q": "Quant"}, HTTP_X_SEARCH_LIVE="1", **HTMX)
    assert not ZeroResultSearch.objects.exists()
    client.get("/suche/", {"q": "Quantenschaum"}, **HTMX)  # left the field or submitted
    client.get("/suche/", {"q": "Quantenschaum", "topic": "ki"})  # a full page, e.g. a link
    assert list(ZeroResultSearch.objects.values_list("query", flat=True)) == [
        "quantenschaum",
        "quantenschaum",
    ]


def test_zero_result_logging_is_bounded_per_address(client, region, monkeypatch):
    from smartregion.search import views
    from smartregion.search.models import ZeroResultSearch

    monkeypatch.setattr(views, "ZERO_LOG_RATE", "3/h")
    for n in range(5):
        page = client.get("/suche/", {"q": f"Nichtda{n}"}, REMOTE_ADDR="203.0.113.5")
        assert page.status_code == 200 and "Nichtda" in page.content.decode()
    client.get("/suche/", {"q": "Anderswo"}, REMOTE_ADDR="198.51.100.1")
    logged = set(ZeroResultSearch.objects.values_list("query", flat=True))
    assert logged == {"nichtda0", "nichtda1", "nichtda2", "anderswo"}
