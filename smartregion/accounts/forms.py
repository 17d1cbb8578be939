from allauth.account.forms import ResetPasswordForm, SignupForm
from allauth.core import context

from smartregion.core.forms import AntiSpamMixin


class SpamSafeSignupForm(AntiSpamMixin, SignupForm):
    """Registration is open to anyone: honeypot plus a per-IP limit on top of allauth's."""

    rate_limit = "10/h"

    def __init__(self, *args, **kwargs):
        # allauth builds its signup form without the request; it keeps it in its context.
        kwargs.setdefault("request", getattr(context, "request", None))
        super().__init__(*args, **kwargs)


class SpamSafeResetPasswordForm(AntiSpamMixin, ResetPasswordForm):
    rate_limit = "10/h"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("request", getattr(context, "request", None))
        super().__init__(*args, **kwargs)
