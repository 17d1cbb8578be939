"""The columns of the two import formats (documented in docs/import.md)."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from ..models import ImportJob

# --- columns ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # the German header used in the template and the docs
    aliases: tuple[str, ...] = ()
    required: bool = False
    help: str = ""


ORGANIZATION_COLUMNS = (
    Column("name", "Name", ("Organisation", "Organisationsname", "Akteur"), True,
           gettext_lazy("Name der Organisation (höchstens 200 Zeichen)")),
    Column("kind", "Art", ("Typ", "Art des Akteurs"), True,
           gettext_lazy("z. B. Unternehmen, Hochschule, Initiative/Verein (oder der Code)")),
    Column("short_description", "Kurzbeschreibung", (),
           help=gettext_lazy("ein, zwei Sätze (höchstens 300 Zeichen)")),
    Column("description", "Beschreibung", (), help=gettext_lazy("ausführlich, Markdown erlaubt")),
    Column("website", "Website", ("Webseite", "Homepage", "Internetseite", "Internet"),
           help=gettext_lazy("z. B. https://www.beispiel.de")),
    Column("street", "Straße", ("Strasse", "Straße und Hausnummer", "Adresse", "Anschrift"),
           help=gettext_lazy("Straße und Hausnummer")),
    Column("postal_code", "PLZ", ("Postleitzahl",), True,
           gettext_lazy("fünf Ziffern; daraus werden Ort, Kommune und Kartenpunkt")),
    Column("city", "Ort", ("Stadt",), help=gettext_lazy("leer: Ort aus der Postleitzahl")),
    Column("topics", "Themen", (), help=gettext_lazy("Kurzformen oder Namen, getrennt durch „;“")),
    Column("audiences", "Zielgruppen", (),
           help=gettext_lazy("Kurzformen oder Namen, getrennt durch „;“")),
    Column("size", "Größe", ("Groesse", "Beschäftigte", "Mitarbeitende"),
           help=gettext_lazy("1-9, 10-49, 50-249, 250+ oder die Zahl der Beschäftigten")),
    Column("founded", "Gründungsjahr", ("Gegründet", "Gründung"),
           help=gettext_lazy("vierstellig, z. B. 2015")),
    Column("contact_name", "Ansprechperson", ("Kontakt", "Kontakt Name", "Ansprechpartner",
           "Ansprechpartnerin"), help=gettext_lazy("Name der Ansprechperson (öffentlich)")),
    Column("contact_role", "Funktion", ("Kontakt Funktion", "Rolle"),
           help=gettext_lazy("Funktion der Ansprechperson")),
    Column("contact_email", "E-Mail", ("Email", "Mail", "Kontakt E-Mail"),
           help=gettext_lazy("E-Mail der Ansprechperson")),
    Column("contact_phone", "Telefon", ("Tel", "Kontakt Telefon"),
           help=gettext_lazy("Telefon der Ansprechperson")),
    Column("contact_public", "Kontakt öffentlich", ("Öffentlich",),
           help=gettext_lazy("„ja“: E-Mail und Telefon werden gezeigt; sonst nicht")),
)  # fmt: skip

OFFER_COLUMNS = (
    Column("organization", "Organisation", ("Akteur", "Anbieter"), True,
           gettext_lazy("Name oder Website einer Organisation, die es schon gibt")),
    Column("title", "Titel", ("Angebot",), True, gettext_lazy("höchstens 200 Zeichen")),
    Column("description", "Beschreibung", (), help=gettext_lazy("ausführlich, Markdown erlaubt")),
    Column("kind", "Art", ("Typ", "Art des Angebots"), True,
           gettext_lazy("z. B. Beratung, Schulung/Weiterbildung, Förderprogramm (oder der Code)")),
    Column("topics", "Themen", (), help=gettext_lazy("Kurzformen oder Namen, getrennt durch „;“")),
    Column("audiences", "Zielgruppen", (),
           help=gettext_lazy("Kurzformen oder Namen, getrennt durch „;“")),
    Column("cost", "Kosten", (), help=gettext_lazy("kostenlos, kostenpflichtig oder gefördert")),
    Column("online", "Online", ("Online verfügbar",), help=gettext_lazy("ja oder nein")),
    Column("ends_on", "Verfügbar bis", ("Bis", "Enddatum", "Endet am"),
           help=gettext_lazy("Datum, z. B. 31.12.2026 oder 2026-12-31")),
)  # fmt: skip

COLUMNS = {
    ImportJob.Kind.ORGANIZATIONS: ORGANIZATION_COLUMNS,
    ImportJob.Kind.OFFERS: OFFER_COLUMNS,
}

SAMPLE_ROWS = {
    ImportJob.Kind.ORGANIZATIONS: {
        "name": "Digitalwerkstatt Gladbeck e. V.",
        "kind": "Initiative/Verein",
        "short_description": "Offene Werkstatt für digitale Bildung.",
        "website": "https://www.digitalwerkstatt-gladbeck.example",
        "street": "Musterstraße 1",
        "postal_code": "45964",
        "topics": "ki; bildung-und-gesellschaft",
        "audiences": "Schulen",
        "size": "1-9",
        "founded": "2019",
        "contact_name": "Erika Mustermann",
        "contact_role": "Vorstand",
        "contact_email": "kontakt@digitalwerkstatt-gladbeck.example",
        "contact_public": "ja",
    },
    ImportJob.Kind.OFFERS: {
        "organization": "https://www.digitalwerkstatt-gladbeck.example",
        "title": "KI-Sprechstunde für Schulen",
        "description": "Einmal im Monat beantworten wir Fragen zu KI im Unterricht.",
        "kind": "Beratung",
        "topics": "ki",
        "audiences": "schulen",
        "cost": "kostenlos",
        "online": "ja",
        "ends_on": "31.12.2027",
    },
}


def columns_for(kind: str) -> tuple[Column, ...]:
    return COLUMNS[ImportJob.Kind(kind)]
