"""Templated mails (text + HTML), rendered now and delivered by the task queue.

Rendering happens at enqueue time, in the recipient's language, so the queued task carries the
finished message and needs no database objects that might have changed by the time it runs. With
the database queue the task row is written in the caller's transaction: a rolled-back change sends
no mail.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from .links import absolute


def send(
    *,
    to: str,
    template: str,
    context: dict,
    language: str | None = None,
    reply_to: str | None = None,
    unsubscribe_url: str | None = None,
    transactional: bool = True,
):
    """Queue one mail to one recipient (one message each, so recipients never see each other).

    Templates: mail/<template>_subject.txt, mail/<template>.txt, mail/<template>.html.
    Non-transactional mails (newsletters, digests, alerts) must carry an unsubscribe link.
    """
    if not transactional and not unsubscribe_url:
        raise ValueError("a non-transactional mail needs an unsubscribe link")
    from smartregion.regions.models import Region

    language = language or _language_of(to)
    ctx = {
        **context,
        "region": Region.objects.home(),
        "site_url": settings.SITE_URL,
        "unsubscribe_url": absolute(unsubscribe_url) if unsubscribe_url else "",
    }
    with translation.override(language):
        subject = render_to_string(f"mail/{template}_subject.txt", ctx).strip()
        text = render_to_string(f"mail/{template}.txt", ctx)
        html = render_to_string(f"mail/{template}.html", ctx)
    headers = {}
    if unsubscribe_url:
        headers["List-Unsubscribe"] = f"<{ctx['unsubscribe_url']}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return deliver.enqueue(
        to=to,
        subject=" ".join(subject.split()),
        text=text,
        html=html,
        reply_to=reply_to or "",
        headers=headers,
    )


def _language_of(address: str) -> str:
    from smartregion.accounts.models import User

    lang = User.objects.filter(email__iexact=address).values_list("language", flat=True).first()
    return lang or settings.LANGUAGE_CODE


@task()
def deliver(*, to: str, subject: str, text: str, html: str, reply_to: str, headers: dict) -> int:
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        reply_to=[reply_to] if reply_to else None,
        headers=headers,
    )
    if html:
        message.attach_alternative(html, "text/html")
    return message.send()
