"""schema.org JSON-LD of a project page.

A project is a schema.org `Project` (an Organization subtype meant for "an enterprise planned
to achieve a particular aim"): it has members with roles, a funder and funding, an area it
serves. When it has a source repository, a `SoftwareSourceCode` node describes the software
part (licence as SPDX URL, repository, documentation) and points back at the project as its
producer. Both sit in one `@graph`.
"""

import json

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from smartregion.core.links import absolute
from smartregion.core.text import plain_excerpt

from .models import Project

# Inside <script> a "</script>" or "<!--" in user text must not end or confuse the element;
# \u003c is still the same JSON string (the same escapes as json_script).
_JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def jsonld(data: dict) -> SafeString:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
    return mark_safe(text.translate(_JSON_SCRIPT_ESCAPES))


def _compact(data: dict) -> dict:
    return {k: v for k, v in data.items() if v not in (None, "", [], {})}


def _organization(org) -> dict:
    url = absolute(org.get_absolute_url())
    return {"@type": "Organization", "@id": f"{url}#organization", "name": org.name, "url": url}


def _funding(project: Project) -> dict | None:
    programme = project.programme
    if not (programme or project.funding_amount is not None or project.funder):
        return None
    funder = project.funder or (programme.funder if programme else "")
    return _compact(
        {
            "@type": "MonetaryGrant",
            "name": programme.name if programme else None,
            "url": programme.website if programme else None,
            "funder": {"@type": "Organization", "name": funder} if funder else None,
            "amount": {
                "@type": "MonetaryAmount",
                "value": float(project.funding_amount),
                "currency": "EUR",
            }
            if project.funding_amount is not None
            else None,
        }
    )


def _software(project: Project, page: str) -> dict | None:
    profile = project.transfer_profile
    if profile is None or not profile.source_url:
        return None
    licence = profile.licence
    return _compact(
        {
            "@type": "SoftwareSourceCode",
            "@id": f"{page}#software",
            "name": project.title,
            "description": project.summary,
            "codeRepository": profile.source_url,
            "license": f"https://spdx.org/licenses/{licence}.html"
            if licence and " " not in licence
            else licence,
            "url": profile.documentation_url,
            "producer": {"@id": f"{page}#project"},
        }
    )


def project_jsonld(project: Project, *, partners, results) -> dict:
    page = absolute(project.get_absolute_url())
    leads = [project.lead_organization] if project.lead_organization is not None else []
    members = [
        {"@type": "Role", "roleName": _("Federführung"), "member": _organization(lead)}
        for lead in leads
    ] + [
        _compact(
            {
                "@type": "Role",
                "roleName": p.get_role_display(),
                "description": p.role_description,
                "member": _organization(p.organization),
            }
        )
        for p in partners
    ]
    node = _compact(
        {
            "@type": "Project",
            "@id": f"{page}#project",
            "name": project.title,
            "alternateName": project.acronym,
            "url": project.website or page,
            "mainEntityOfPage": page,
            "description": project.summary or plain_excerpt(project.description, 300),
            "foundingDate": project.starts_on.isoformat() if project.starts_on else None,
            "dissolutionDate": project.ends_on.isoformat() if project.ends_on else None,
            "knowsAbout": [t.label for t in project.topics.all()],
            "areaServed": [
                {"@type": "AdministrativeArea", "name": m.name}
                for m in project.municipalities.all()
            ],
            "member": members,
            "funding": _funding(project),
            "subjectOf": [
                {"@type": "CreativeWork", "name": r.title, "url": r.url} for r in results
            ],
        }
    )
    graph = [node]
    if software := _software(project, page):
        graph.append(software)
    return {"@context": "https://schema.org", "@graph": graph}
