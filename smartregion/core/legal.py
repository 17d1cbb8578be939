"""Starting texts of the legal pages until the coordinators write their own (Markdown)."""

from django.utils.translation import get_language


def _operator(region) -> str:
    name = region.name if region else "diese Plattform"
    email = region.contact_email if region and region.contact_email else ""
    return name, email


def default_text(kind: str, *, region) -> str:
    english = (get_language() or "de").startswith("en")
    name, email = _operator(region)
    contact = f"[{email}](mailto:{email})" if email else ""
    if kind == "impressum":
        if english:
            return (
                f"This is an installation of **smartregion** for {name}.\n\n"
                "The coordinators have not yet entered the operator's details (name, address, "
                "representative, contact) required by § 5 DDG. Coordinators enter them under "
                "*Koordination → Rechtstexte*.\n\n" + (f"Contact: {contact}\n" if contact else "")
            )
        return (
            f"Dies ist eine Installation von **smartregion** für {name}.\n\n"
            "Die Koordination hat die nach § 5 DDG nötigen Angaben zur Betreiberin "
            "(Name, Anschrift, Vertretung, Kontakt) noch nicht eingetragen. Sie trägt sie unter "
            "*Koordination → Rechtstexte* ein.\n\n" + (f"Kontakt: {contact}\n" if contact else "")
        )
    if kind == "datenschutz":
        if english:
            return (
                "## What this platform stores\n\n"
                "- **Without an account:** no cookies except the security cookie for forms "
                "(`csrftoken`) and, if you choose a language, the language cookie. No tracking, no "
                "analytics, no fonts, maps or scripts from other servers: every file comes from "
                "this server.\n"
                "- **With an account:** your email address, the display name you choose, your "
                "language and a session cookie while you are signed in. Your email address is "
                "never shown publicly.\n"
                "- **What you publish** (profiles, offers, posts) is public once the coordinators "
                "have approved it.\n"
                "- **Server logs** keep IP addresses for at most 7 days to defend against attacks."
                "\n\n## Your rights\n\n"
                "You can download all data about you as a file and delete your account at any time "
                'under *Account*. Content you published stays, credited to "deleted account". You '
                "also have the rights of Art. 15–21 GDPR and may complain to a data protection "
                "authority.\n"
            )
        return (
            "## Was diese Plattform speichert\n\n"
            "- **Ohne Konto:** keine Cookies außer dem Sicherheits-Cookie für Formulare "
            "(`csrftoken`) und, wenn Sie eine Sprache wählen, dem Sprach-Cookie. Kein Tracking, "
            "keine Statistikdienste, keine Schriften, Karten oder Skripte von fremden Servern: "
            "alle Dateien kommen von diesem Server.\n"
            "- **Mit Konto:** Ihre E-Mail-Adresse, der Name, den Sie für sich wählen, Ihre "
            "Sprache und ein Sitzungs-Cookie, solange Sie angemeldet sind. Ihre E-Mail-Adresse "
            "wird nie öffentlich gezeigt.\n"
            "- **Was Sie veröffentlichen** (Profile, Angebote, Beiträge), ist öffentlich, sobald "
            "die Koordination es freigegeben hat.\n"
            "- **Server-Protokolle** enthalten IP-Adressen höchstens 7 Tage lang, zur Abwehr von "
            "Angriffen.\n\n"
            "## Ihre Rechte\n\n"
            "Unter *Konto* können Sie jederzeit alle Daten über Sie als Datei herunterladen und "
            "Ihr Konto löschen. Was Sie veröffentlicht haben, bleibt stehen und wird dann "
            "„gelöschtes Konto“ zugeordnet. Außerdem haben Sie die Rechte aus Art. 15–21 DSGVO "
            "und können sich bei einer Datenschutz-Aufsichtsbehörde beschweren.\n"
        )
    if kind == "barrierefreiheit":
        feedback = contact or "das Kontaktformular der Koordination"
        if english:
            return (
                f"{name} wants its platform to be usable by everyone, following BITV 2.0 and "
                "WCAG 2.1 level AA.\n\n"
                "## State of compliance\n\n"
                "Every page type is checked automatically with axe-core in a real browser; the "
                "tests fail on any WCAG 2.1 A/AA violation. All functions can be used with the "
                "keyboard, and the map always has a list alternative. An expert audit has not yet "
                "taken place, so the platform is considered *partially compliant*.\n\n"
                "## Feedback\n\n"
                f"If you find a barrier, please tell us: {feedback}.\n\n"
                "## Enforcement\n\n"
                "If you receive no satisfactory answer, you can turn to the arbitration body of "
                "North Rhine-Westphalia (Schlichtungsstelle nach § 10 BGG NRW).\n"
            )
        return (
            f"{name} möchte, dass alle Menschen diese Plattform nutzen können, nach der BITV 2.0 "
            "und den WCAG 2.1 auf Stufe AA.\n\n"
            "## Stand der Vereinbarkeit\n\n"
            "Jeder Seitentyp wird automatisch mit axe-core in einem echten Browser geprüft; die "
            "Tests schlagen bei jedem Verstoß gegen WCAG 2.1 A/AA fehl. Alle Funktionen sind mit "
            "der Tastatur bedienbar, und zur Karte gibt es immer eine Liste. Eine Prüfung durch "
            "Sachverständige steht noch aus; die Plattform gilt daher als *teilweise "
            "barrierefrei*.\n\n"
            "## Feedback\n\n"
            f"Wenn Sie auf eine Barriere stoßen, sagen Sie es uns bitte: {feedback}.\n\n"
            "## Durchsetzungsverfahren\n\n"
            "Erhalten Sie keine zufriedenstellende Antwort, können Sie sich an die "
            "Schlichtungsstelle nach § 10 BGG NRW wenden.\n"
        )
    raise ValueError(kind)
