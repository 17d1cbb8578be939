"""Suggestions in the API: public reads; feedback and contact requests with a personal token.

The read shows what a profile page shows ("Passende Partner"): both organizations published,
nothing a member marked "Passt nicht". Writes go through the same services and permission
checks as /synergien/: only members of the suggestion's organization (and coordinators).
"""

from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from smartregion.accounts.api_auth import token_auth
from smartregion.core import mail
from smartregion.organizations.models import Organization

from . import services
from .models import Suggestion
from .refresh import TOP

try:
    from ninja import Status
except ImportError:  # older django-ninja takes (status, body) tuples

    def Status(status: int, body):
        return status, body


router = Router(tags=["synergies"])

SuggestionKind = Literal[tuple(Suggestion.Kind.values)]
FeedbackValue = Literal[tuple(Suggestion.Feedback.values)]


class SuggestionOut(Schema):
    id: int = Field(description="for the feedback and contact endpoints")
    organization: str = Field(description="slug of the suggested partner")
    name: str
    url: str = Field(description="the partner's public profile page")
    score: float = Field(description="0..1, comparable across organizations")
    kind: SuggestionKind = Field(description="need_offer, complementary, peer or project")
    reasons: list[str] = Field(description="why, in German")


class MemberSuggestionOut(SuggestionOut):
    feedback: FeedbackValue


class FeedbackIn(Schema):
    feedback: FeedbackValue = Field(
        description='"fits" (Passt), "hidden" (Passt nicht), "contacted", "none" (undo)'
    )


class ContactIn(Schema):
    message: str = Field(min_length=services.MESSAGE_MIN, max_length=services.MESSAGE_MAX)


class ContactOut(Schema):
    sent: int = Field(description="mails sent; the recipients' addresses are not revealed")


class ErrorOut(Schema):
    detail: str


def _out(s: Suggestion) -> dict:
    return {
        "id": s.pk,
        "organization": s.other.slug,
        "name": s.other.name,
        "url": mail.absolute(s.other.get_absolute_url()),
        "score": s.score,
        "kind": s.kind,
        "reasons": s.reasons,
        "feedback": s.feedback,
    }


@router.get(
    "/organizations/{slug}/suggestions",
    response={200: list[SuggestionOut], 404: ErrorOut},
    url_name="organization_suggestions",
)
def organization_suggestions(request, slug: str):
    """Suggested partners of a published organization, best first."""
    org = get_object_or_404(Organization.objects.published(), slug=slug)
    rows = (
        Suggestion.objects.public()
        .filter(organization=org)
        .select_related("other")
        .order_by("position")[:TOP]
    )
    return [_out(s) for s in rows]


WRITE_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut}


def _mine(request, suggestion_id: int) -> Suggestion:
    try:
        return services.suggestion_for(user=request.auth, pk=suggestion_id)
    except Suggestion.DoesNotExist:
        raise Http404 from None
    except PermissionDenied as exc:
        raise HttpError(403, "Only members of the suggestion's organization may do this.") from exc


@router.post(
    "/suggestions/{int:suggestion_id}/feedback",
    auth=token_auth,
    response={200: MemberSuggestionOut, **WRITE_ERRORS},
    url_name="suggestion_feedback",
)
def suggestion_feedback(request, suggestion_id: int, payload: FeedbackIn):
    """Feedback on a suggestion of your organization; "hidden" removes it from every list."""
    suggestion = _mine(request, suggestion_id)
    services.suggestion_feedback(suggestion=suggestion, by=request.auth, feedback=payload.feedback)
    return _out(suggestion)


@router.post(
    "/suggestions/{int:suggestion_id}/contact",
    auth=token_auth,
    response={202: ContactOut, **WRITE_ERRORS},
    url_name="suggestion_contact",
)
def suggestion_contact(request, suggestion_id: int, payload: ContactIn):
    """Send a message to the suggested partner's team through the platform (Reply-To: you).
    At most 10 a day per person."""
    suggestion = _mine(request, suggestion_id)
    try:
        sent = services.contact_request(
            suggestion=suggestion, by=request.auth, message=payload.message
        )
    except services.RateLimited as exc:
        raise HttpError(429, "Rate limit: 10 contact requests a day; try again tomorrow.") from exc
    except ValidationError as exc:
        raise HttpError(422, " ".join(exc.messages)) from exc
    return Status(202, {"sent": sent})
