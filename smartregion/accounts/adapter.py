from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings

from smartregion.core import mail


class AccountAdapter(DefaultAccountAdapter):
    """allauth's mails go through the same templates and task queue as all others."""

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
