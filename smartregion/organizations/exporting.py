"""Open data (/daten/): every public organization, offer and need as CSV, JSON and GeoJSON.

Only what the public pages show: published objects of published organizations, needs that have
not expired, contact persons with just the fields they chose to publish, never an account's
email. The licence is the one the home region's definition names (Region.data_licence); JSON and
GeoJSON carry it with the attribution, CSV files in the `Link` and `X-License` headers (no comment
lines: they break CSV readers). Responses stream, so memory stays constant however many rows.
CSV cells that a spreadsheet would run as a formula get a leading apostrophe.
"""

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from smartregion.core.links import absolute
from smartregion.regions.models import Region

from .models import ContactPerson, Need, Offer, Organization

CHUNK = 500  # rows per database round trip and per streamed piece

LICENCES = {
    "dl-de/by-2-0": (
        "Datenlizenz Deutschland – Namensnennung – Version 2.0",
        "https://www.govdata.de/dl-de/by-2-0",
    ),
    "dl-de/zero-2-0": (
        "Datenlizenz Deutschland – Zero – Version 2.0",
        "https://www.govdata.de/dl-de/zero-2-0",
    ),
    "cc-by-4.0": (
        "Creative Commons Namensnennung 4.0 International",
        "https://creativecommons.org/licenses/by/4.0/",
    ),
    "cc-by-sa-4.0": (
        "Creative Commons Namensnennung – Weitergabe unter gleichen Bedingungen 4.0 International",
        "https://creativecommons.org/licenses/by-sa/4.0/",
    ),
    "cc0-1.0": ("CC0 1.0 Universell", "https://creativecommons.org/publicdomain/zero/1.0/"),
    "odbl-1.0": (
        "Open Data Commons Open Database License 1.0",
        "https://opendatacommons.org/licenses/odbl/1-0/",
    ),
}

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value):
    """A text cell that a spreadsheet would evaluate ('=HYPERLINK(…)') gets a leading
    apostrophe, so it shows as text. Numbers stay numbers."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


class Echo:
    """A file-like object for csv.writer that hands back what it is given (for streaming)."""

    def write(self, value: str) -> str:
        return value


@dataclass(frozen=True)
class Licence:
    id: str
    name: str
    url: str
    publisher: str
    attribution: str

    def as_json(self) -> dict:
        return {"id": self.id, "name": self.name, "url": self.url}


def licence() -> Licence:
    region = Region.objects.home()
    code = (region.data_licence if region else "").strip()
    name, url = LICENCES.get(code.lower(), (code, ""))
    publisher = region.name if region else "smartregion"
    source = absolute(reverse("export:index"))
    if code:
        attribution = _("Datenquelle: %(publisher)s, %(source)s – Lizenz: %(licence)s") % {
            "publisher": publisher,
            "source": source,
            "licence": f"{code} ({url})" if url else code,
        }
    else:
        attribution = _("Datenquelle: %(publisher)s, %(source)s") % {
            "publisher": publisher,
            "source": source,
        }
    return Licence(id=code, name=name, url=url, publisher=publisher, attribution=attribution)


# --- records: what one public object looks like in the open data ----------------------------
#
# Read as plain values in chunks of CHUNK rows (keyset pagination on the primary key), with one
# query per chunk for each list (topics, audiences, contacts, municipalities): a constant number
# of queries per chunk, constant memory, and no model instances (building those, their related
# managers and a reverse() per row made an export several times slower).


def _url_maker(viewname: str, **kwargs) -> Callable[[object], str]:
    """A fast stand-in for reverse(): one reverse() with a placeholder, then string assembly."""
    placeholder = "987654321"
    path = reverse(viewname, kwargs=dict.fromkeys(kwargs, placeholder))
    head, _sep, tail = path.partition(placeholder)
    prefix = settings.SITE_URL + head
    return lambda value: f"{prefix}{value}{tail}"


def _date(value) -> str | None:
    return value.isoformat() if value else None


def _lists(through, owner: str, ids: list[int], value: str, order: tuple[str, ...]) -> dict:
    out: dict[int, list] = {}
    rows = through.objects.filter(**{f"{owner}_id__in": ids}).order_by(*order)
    for owner_id, item in rows.values_list(f"{owner}_id", value):
        out.setdefault(owner_id, []).append(item)
    return out


def _topics(model, owner: str, ids: list[int]) -> dict:
    return _lists(
        model.topics.through, owner, ids, "topic__slug", ("topic__position", "topic__name")
    )


def _audiences(model, owner: str, ids: list[int]) -> dict:
    return _lists(
        model.audiences.through,
        owner,
        ids,
        "audience__slug",
        ("audience__position", "audience__name"),
    )


def _contacts(ids: list[int]) -> dict:
    out: dict[int, list] = {}
    rows = ContactPerson.objects.filter(organization_id__in=ids).order_by("position", "name")
    for c in rows.values("organization_id", "name", "role", "email", "phone", "show_email",
                         "show_phone"):  # fmt: skip
        out.setdefault(c["organization_id"], []).append(
            {
                "name": c["name"],
                "role": c["role"],
                "email": c["email"] if c["show_email"] else "",
                "phone": c["phone"] if c["show_phone"] else "",
            }
        )
    return out


ORGANIZATION_FIELDS = (
    "pk", "slug", "name", "kind", "short_description", "description", "website", "social_links",
    "street", "postal_code", "city", "municipality__ags", "municipality__name", "lat", "lon",
    "size", "founded", "is_member", "is_demo", "published_at", "updated_at",
)  # fmt: skip


def organization_records(rows: list[dict]) -> Iterator[dict]:
    ids = [r["pk"] for r in rows]
    topics = _topics(Organization, "organization", ids)
    audiences = _audiences(Organization, "organization", ids)
    contacts = _contacts(ids)
    kinds = {value: str(label) for value, label in Organization.Kind.choices}
    url = _url_maker("organizations:detail", slug="")
    for r in rows:
        yield {
            "slug": r["slug"],
            "name": r["name"],
            "kind": r["kind"],
            "kind_label": kinds.get(r["kind"], r["kind"]),
            "short_description": r["short_description"],
            "description": r["description"],
            "website": r["website"],
            "social_links": [x for x in r["social_links"] or [] if isinstance(x, str)],
            "street": r["street"],
            "postal_code": r["postal_code"],
            "city": r["city"],
            "municipality_ags": r["municipality__ags"] or "",
            "municipality": r["municipality__name"] or "",
            "lat": round(r["lat"], 6) if r["lat"] is not None else None,
            "lon": round(r["lon"], 6) if r["lon"] is not None else None,
            "topics": topics.get(r["pk"], []),
            "audiences": audiences.get(r["pk"], []),
            "size": r["size"],
            "founded": r["founded"],
            "is_member": r["is_member"],
            "contacts": contacts.get(r["pk"], []),
            "url": url(r["slug"]),
            "published_at": _date(r["published_at"]),
            "is_demo": r["is_demo"],  # demo and synthetic entries say so
            "updated_at": _date(r["updated_at"]),
        }


def _organization_ref(r: dict, url) -> dict:
    slug = r["organization__slug"]
    return {"slug": slug, "name": r["organization__name"], "url": url(slug)}


OFFER_FIELDS = (
    "pk", "title", "description", "kind", "organization__slug", "organization__name", "cost",
    "region_wide", "online", "ends_on", "is_demo", "published_at", "updated_at",
)  # fmt: skip


def offer_records(rows: list[dict]) -> Iterator[dict]:
    ids = [r["pk"] for r in rows]
    topics = _topics(Offer, "offer", ids)
    audiences = _audiences(Offer, "offer", ids)
    places = _lists(Offer.municipalities.through, "offer", ids, "municipality__ags",
                    ("municipality__ags",))  # fmt: skip
    kinds = {value: str(label) for value, label in Offer.Kind.choices}
    org_url = _url_maker("organizations:detail", slug="")
    url = _url_maker("offers:detail", pk=0)
    for r in rows:
        yield {
            "id": r["pk"],
            "title": r["title"],
            "description": r["description"],
            "kind": r["kind"],
            "kind_label": kinds.get(r["kind"], r["kind"]),
            "organization": _organization_ref(r, org_url),
            "topics": topics.get(r["pk"], []),
            "audiences": audiences.get(r["pk"], []),
            "cost": r["cost"],
            "region_wide": r["region_wide"],
            "municipalities": places.get(r["pk"], []),
            "online": r["online"],
            "ends_on": _date(r["ends_on"]),
            "url": url(r["pk"]),
            "published_at": _date(r["published_at"]),
            "is_demo": r["is_demo"],  # demo and synthetic entries say so
            "updated_at": _date(r["updated_at"]),
        }


NEED_FIELDS = (
    "pk", "title", "description", "organization__slug", "organization__name", "expires_on",
    "is_demo", "published_at", "updated_at",
)  # fmt: skip


def need_records(rows: list[dict]) -> Iterator[dict]:
    topics = _topics(Need, "need", [r["pk"] for r in rows])
    org_url = _url_maker("organizations:detail", slug="")
    url = _url_maker("needs:detail", pk=0)
    for r in rows:
        yield {
            "id": r["pk"],
            "title": r["title"],
            "description": r["description"],
            "organization": _organization_ref(r, org_url),
            "topics": topics.get(r["pk"], []),
            "expires_on": _date(r["expires_on"]),
            "url": url(r["pk"]),
            "published_at": _date(r["published_at"]),
            "is_demo": r["is_demo"],  # demo and synthetic entries say so
            "updated_at": _date(r["updated_at"]),
        }


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: str
    description: str
    queryset: Callable  # the public objects
    fields: tuple[str, ...]
    records: Callable[[list[dict]], Iterator[dict]]  # one chunk of value rows -> records
    csv_columns: tuple[str, ...]
    geojson: bool = False


def _organizations():
    return Organization.objects.published()


def _offers():
    return Offer.objects.public()


def _needs():
    return Need.objects.public().current()


# CSV columns. The organizations' first columns are the import's column keys, so an export can be
# edited and imported again.
ORGANIZATION_COLUMNS = (
    "name",
    "kind",
    "short_description",
    "description",
    "website",
    "street",
    "postal_code",
    "city",
    "topics",
    "audiences",
    "size",
    "founded",
    "slug",
    "kind_label",
    "municipality_ags",
    "municipality",
    "lat",
    "lon",
    "is_member",
    "url",
    "is_demo",
    "published_at",
    "updated_at",
)
OFFER_COLUMNS = (
    "id",
    "title",
    "description",
    "kind",
    "kind_label",
    "organization_slug",
    "organization",
    "topics",
    "audiences",
    "cost",
    "region_wide",
    "municipalities",
    "online",
    "ends_on",
    "url",
    "is_demo",
    "published_at",
    "updated_at",
)
NEED_COLUMNS = (
    "id",
    "title",
    "description",
    "organization_slug",
    "organization",
    "topics",
    "expires_on",
    "url",
    "is_demo",
    "published_at",
    "updated_at",
)

DATASETS = {
    d.slug: d
    for d in (
        Dataset(
            "akteure",
            gettext_lazy("Akteure"),
            gettext_lazy("Alle veröffentlichten Organisationen mit Ort, Themen und Zielgruppen."),
            _organizations,
            ORGANIZATION_FIELDS,
            organization_records,
            ORGANIZATION_COLUMNS,
            geojson=True,
        ),
        Dataset(
            "angebote",
            gettext_lazy("Angebote"),
            gettext_lazy("Alle veröffentlichten Angebote mit Art, Kosten und Verfügbarkeit."),
            _offers,
            OFFER_FIELDS,
            offer_records,
            OFFER_COLUMNS,
        ),
        Dataset(
            "bedarfe",
            gettext_lazy("Bedarfe"),
            gettext_lazy("Alle aktuellen, veröffentlichten Bedarfe (abgelaufene fehlen)."),
            _needs,
            NEED_FIELDS,
            need_records,
            NEED_COLUMNS,
        ),
    )
}
FORMATS = {
    "csv": "text/csv; charset=utf-8; header=present",
    "json": "application/json",
    "geojson": "application/geo+json",
}


def _records(dataset: Dataset) -> Iterator[dict]:
    last = 0
    while True:
        qs = dataset.queryset().filter(pk__gt=last).order_by("pk")
        rows = list(qs.values(*dataset.fields)[:CHUNK])
        yield from dataset.records(rows)
        if len(rows) < CHUNK:
            return
        last = rows[-1]["pk"]


def _csv_value(value):
    if isinstance(value, list):
        value = ";".join(str(v) for v in value)
    elif isinstance(value, bool):
        value = "ja" if value else "nein"
    elif value is None:
        value = ""
    return neutralize(value)


def csv_stream(dataset: Dataset, records: Iterable[dict], *, excel: bool = False) -> Iterator[str]:
    writer = csv.writer(Echo(), delimiter=";" if excel else ",")
    yield ("\ufeff" if excel else "") + writer.writerow(dataset.csv_columns)
    lines = []
    for record in records:
        if "organization" in record and isinstance(record["organization"], dict):
            record = {
                **record,
                "organization_slug": record["organization"]["slug"],
                "organization": record["organization"]["name"],
            }
        lines.append(writer.writerow([_csv_value(record.get(c)) for c in dataset.csv_columns]))
        if len(lines) >= CHUNK:
            yield "".join(lines)
            lines = []
    yield "".join(lines)


def _meta(dataset: Dataset, lic: Licence) -> dict:
    return {
        "title": f"{dataset.title} – {lic.publisher}",
        "publisher": lic.publisher,
        "licence": lic.as_json(),
        "attribution": lic.attribution,
        "source": absolute(reverse("export:index")),
        "generated_at": timezone.now().isoformat(timespec="seconds"),
    }


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _json_array(items: Iterable) -> Iterator[str]:
    pieces, first = [], True
    for item in items:
        pieces.append(("" if first else ",") + _dumps(item))
        first = False
        if len(pieces) >= CHUNK:
            yield "".join(pieces)
            pieces = []
    yield "".join(pieces)


def json_stream(dataset: Dataset, records: Iterable[dict], lic: Licence) -> Iterator[str]:
    yield '{"meta":' + _dumps(_meta(dataset, lic)) + ',"items":['
    yield from _json_array(records)
    yield "]}"


def _feature(record: dict) -> dict | None:
    if record["lat"] is None or record["lon"] is None:
        return None
    properties = {
        k: record[k]
        for k in ("slug", "name", "kind", "kind_label", "municipality_ags", "municipality",
                  "topics", "audiences", "is_member", "is_demo", "url")
    }  # fmt: skip
    return {
        "type": "Feature",
        "id": record["slug"],
        "geometry": {"type": "Point", "coordinates": [record["lon"], record["lat"]]},
        "properties": properties,
    }


def geojson_stream(dataset: Dataset, records: Iterable[dict], lic: Licence) -> Iterator[str]:
    """RFC 7946 FeatureCollection; licence and attribution as foreign members."""
    head = {"type": "FeatureCollection", **_meta(dataset, lic)}
    yield _dumps(head)[:-1] + ',"features":['
    features = (f for f in (_feature(r) for r in records) if f is not None)
    yield from _json_array(features)
    yield "]}"


# --- views ------------------------------------------------------------------------------------


@require_GET
def index_view(request):
    lic = licence()
    datasets = [
        {"dataset": d, "count": d.queryset().count(), "formats": _formats_of(d)}
        for d in DATASETS.values()
    ]
    return render(
        request, "organizations/import/open_data.html", {"licence": lic, "datasets": datasets}
    )


def _formats_of(dataset: Dataset) -> list[str]:
    return ["csv", "json", "geojson"] if dataset.geojson else ["csv", "json"]


def _in_german(chunks: Iterator[str]) -> Iterator[str]:
    """Labels in the files are German whatever the page language, so the data is stable."""
    with translation.override("de"):
        yield from chunks


@require_GET
def download(request, dataset: str, fmt: str):
    chosen = DATASETS.get(dataset)
    if chosen is None or fmt not in _formats_of(chosen):
        raise Http404
    lic = licence()
    records = _records(chosen)
    if fmt == "csv":
        excel = request.GET.get("excel") == "1"
        body = csv_stream(chosen, records, excel=excel)
        filename = f"{dataset}{'-excel' if excel else ''}.csv"
    elif fmt == "json":
        body, filename = json_stream(chosen, records, lic), f"{dataset}.json"
    else:
        body, filename = geojson_stream(chosen, records, lic), f"{dataset}.geojson"
    response = StreamingHttpResponse(_in_german(body), content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "public, max-age=300"
    response["Access-Control-Allow-Origin"] = "*"
    if lic.id:
        response["X-License"] = lic.id
        if lic.url:
            response["Link"] = f'<{lic.url}>; rel="license"'
    return response
