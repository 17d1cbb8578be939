"""/projekte/<slug>/publiccode.yml: the stored file if there is one, else one built from the
project's fields. Either way `publiccode.dump` validates it before it is served."""

from django.core.cache import cache

from smartregion.core.links import absolute
from smartregion.core.text import plain_excerpt
from smartregion.projects import publiccode

from ..models import Project, TransferProfile
from .mapping import cut

DEVELOPMENT_STATUS = {
    TransferProfile.Maturity.IDEA: "concept",
    TransferProfile.Maturity.PILOT: "beta",
    TransferProfile.Maturity.OPERATING: "stable",
    TransferProfile.Maturity.SUSTAINED: "stable",
}
MIN_LONG, MAX_LONG = 150, 10_000
MAX_FEATURE = 100
HEADER = (
    "publiccode.yml von {url}\n"
    "Erzeugt aus dem Projektsteckbrief; platforms und softwareType sind Annahmen der Plattform."
)


def exportable(project: Project) -> bool:
    """A project "with software": a stored publiccode.yml, or a licence and a repository
    (the two keys of the standard that no other project field can stand in for)."""
    profile = project.transfer_profile
    if profile is None:
        return False
    return bool(profile.publiccode) or bool(profile.licence and profile.source_url)


def _long_description(project: Project, profile: TransferProfile, page: str) -> str:
    parts = [project.summary, plain_excerpt(project.description, MAX_LONG)]
    parts += [
        profile.prerequisites_technical,
        profile.prerequisites_organizational,
        profile.adoption_effort,
    ]
    text = "\n\n".join(p.strip() for p in parts if p and p.strip())
    if len(text) < MIN_LONG:
        text += (
            f"\n\nDas Projekt „{project.title}“ mit seinem Steckbrief zur Nachnutzung, seinen "
            f"Partnern und seiner Anlaufstelle: {page}"
        )
    return cut(text, MAX_LONG)


def _features(project: Project, profile: TransferProfile) -> list[str]:
    features = [
        cut(f"OZG-Leistung {s.service_key}: {s.name}", MAX_FEATURE)
        for s in project.ozg_services.all()
    ]
    features += [
        cut(f"Nachnutzbar: {label}", MAX_FEATURE) for label in profile.reusable_part_labels()
    ]
    return features or [cut(project.summary, MAX_FEATURE)]


def _maintenance(profile: TransferProfile) -> dict:
    """The contact point as maintainer contact when there is one (with its address only when
    it is public); otherwise the honest "none"."""
    if not profile.contact_name:
        return {"type": "none"}
    contact = {"name": profile.contact_name}
    if profile.public_email:
        contact["email"] = profile.public_email
    if profile.contact_phone:
        contact["phone"] = profile.contact_phone
    return {"type": "internal", "contacts": [contact]}


def build_document(project: Project, profile: TransferProfile) -> dict:
    page = absolute(project.get_absolute_url())
    german = {
        "localisedName": project.title,
        "shortDescription": cut(" ".join(project.summary.split()), 150),
        "longDescription": _long_description(project, profile, page),
        "features": _features(project, profile),
    }
    if profile.documentation_url:
        german["documentation"] = profile.documentation_url
    return {
        "publiccodeYmlVersion": "0",
        "name": project.title,
        "url": profile.source_url,
        "landingURL": project.website or page,
        "platforms": ["web"],
        "developmentStatus": DEVELOPMENT_STATUS[profile.maturity],
        "softwareType": "standalone/web",
        "description": {"de": german},
        "legal": {"license": profile.licence},
        "maintenance": _maintenance(profile),
        "localisation": {"localisationReady": False, "availableLanguages": ["de"]},
    }


def _current(document: dict, profile: TransferProfile) -> dict:
    """A stored file with what the profile says now: licence and repository edited after the
    upload win over the file's."""
    document = dict(document)
    if profile.source_url:
        document["url"] = profile.source_url
    if profile.licence:
        document["legal"] = {**document.get("legal", {}), "license": profile.licence}
    return document


def export_text(project: Project) -> str | None:
    """The YAML to serve, or None when the project has no software to describe."""
    if not exportable(project):
        return None
    profile = project.transfer_profile
    page = absolute(project.get_absolute_url())
    if profile.publiccode:
        try:
            document = _current(profile.publiccode, profile)
            return publiccode.dump(document, header=f"publiccode.yml von {page}")
        except publiccode.InvalidPubliccodeError:
            if not (profile.licence and profile.source_url):
                return None  # stored before a rule change and nothing to build from
    try:
        return publiccode.dump(build_document(project, profile), header=HEADER.format(url=page))
    except publiccode.InvalidPubliccodeError:
        return None


def servable(project: Project) -> bool:
    """Whether /projekte/<slug>/publiccode.yml answers with a file (pages link it only then).
    Validating costs milliseconds, so the answer is cached until the project changes."""
    if not exportable(project):
        return False
    profile = project.transfer_profile
    stamps = f"{project.updated_at.timestamp()}:{profile.updated_at.timestamp()}"
    key = f"publiccode-ok:{project.pk}:{stamps}"
    found = cache.get(key)
    if found is None:
        found = export_text(project) is not None
        cache.set(key, found, 24 * 3600)
    return found
