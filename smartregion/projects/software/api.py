"""POST /api/v1/projects/import/publiccode: a publiccode.yml as the request body (YAML, at most
5 MB), with a personal API token. The file's repository URL finds the project to update; with
no match a new project is created and waits for approval. Errors of the file come back as
JSON with key path, line and message (German and English), like the upload page shows them."""

from django.core.exceptions import PermissionDenied
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from smartregion.accounts.api_auth import token_auth
from smartregion.core.mail import absolute
from smartregion.organizations.models import Organization
from smartregion.projects import publiccode

from . import services

try:
    from ninja import Status
except ImportError:  # django-ninja before 1.5 takes (status, body) tuples

    def Status(status: int, body):
        return status, body


router = Router(tags=["projects"])


class IssueOut(Schema):
    key: str = Field(description="key path in the file, e.g. description.en.shortDescription")
    line: int | None
    message: str = Field(description="German")
    message_en: str
    code: str


class ImportProjectRef(Schema):
    slug: str
    status: str = Field(description="publication status; new projects wait for approval")
    url: str


class ImportOut(Schema):
    result: str = Field(description="imported (new project), updated or invalid")
    project: ImportProjectRef | None
    errors: list[IssueOut]
    warnings: list[IssueOut]


class ErrorOut(Schema):
    detail: str


class ImportParams(Schema):
    organization: str | None = Field(
        None,
        max_length=220,
        description="slug of the lead organization for a new project (one you edit); optional",
    )


def _issues(issues) -> list[dict]:
    return [
        {
            "key": i.key,
            "line": i.line,
            "message": i.message,
            "message_en": i.message_en,
            "code": i.code,
        }
        for i in issues
    ]


def _body(request) -> bytes:
    # Checked before Django reads the body: a larger one would otherwise fail as a 400.
    try:
        length = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        length = 0
    if length > publiccode.MAX_BYTES:
        raise HttpError(413, "The file is larger than 5 MB; a publiccode.yml has a few kB.")
    return request.body


def _lead(slug: str | None) -> Organization | None:
    if not slug:
        return None
    found = Organization.objects.filter(slug=slug).exclude(status="archived").first()
    if found is None:
        raise HttpError(403, f"Unknown organization or not yours: {slug[:100]}")
    return found


@router.post(
    "/projects/import/publiccode",
    auth=token_auth,
    response={
        200: ImportOut,
        201: ImportOut,
        401: ErrorOut,
        403: ErrorOut,
        413: ErrorOut,
        422: ImportOut,
        429: ErrorOut,
    },
    url_name="project_import_publiccode",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/yaml": {"schema": {"type": "string"}}},
        }
    },
)
def import_publiccode(request, params: Query[ImportParams]):
    """Import a publiccode.yml (spec versions 0.2 to 0.7). 201 with `imported` for a new
    project (pending approval), 200 with `updated` when a project already names the file's
    repository (you must be able to edit it), 422 with every error when the file is invalid,
    413 above 5 MB. Warnings never stop an import."""
    data = _body(request)
    try:
        outcome = services.software_import(
            data=data, by=request.auth, lead_organization=_lead(params.organization)
        )
    except PermissionDenied as exc:
        raise HttpError(403, "You may not change this project or organization.") from exc
    result = outcome.result
    project = outcome.project
    body = {
        "result": outcome.status,
        "project": {
            "slug": project.slug,
            "status": project.status,
            "url": absolute(project.get_absolute_url()),
        }
        if project is not None
        else None,
        "errors": _issues(result.errors)
        or [
            {"key": "", "line": None, "message": r, "message_en": r, "code": "invalid"}
            for r in outcome.reasons
        ],
        "warnings": _issues(result.warnings),
    }
    return Status({"imported": 201, "updated": 200, "invalid": 422}[outcome.status], body)
