from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings

from smartregion.core import mail
from smartregion.core.ratelimit import client_ip


class AccountAdapter(DefaultAccountAdapter):
    """allauth's mails go through the same templates and task queue as all others, and its
    login and signup limits count per client the way the platform's own limits do."""

    def get_client_ip(self, request) -> str:
        # allauth reads REMOTE_ADDR unless ALLAUTH_TRUSTED_PROXY_COUNT is set: behind nginx
        # (BEHIND_PROXY) every visitor would share the proxy's address and one login limit.
        return client_ip(request)

    def send_mail(self, template_prefix, email, context):
        # allauth's context holds model instances; the queued task must carry only plain text,
        # so the message is rendered now by allauth and handed to the queue as finished text.
        msg = self.render_mail(template_prefix, email, context)
        html = ""
        for content, mimetype in getattr(msg, "alternatives", []):
            if mimetype == "text/html":
                html = content
        mail.deliver.enqueue(
            to=email,
            subject=msg.subject,
            text=msg.body,
            html=html,
            reply_to="",
            headers={},
        )

    def get_from_email(self):
        return settings.DEFAULT_FROM_EMAIL
