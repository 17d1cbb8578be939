"""Mail goes through the task queue to a real SMTP server (aiosmtpd on a free local port)."""

import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from smartregion.core import mail

pytestmark = pytest.mark.django_db


class Sink:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            (
                envelope.rcpt_tos,
                email.message_from_bytes(envelope.content, policy=email.policy.default),
            )
        )
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(settings):
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=_free_port())
    controller.start()
    # What EMAIL_URL=smtp://127.0.0.1:<port> configures.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    yield sink
    controller.stop()


def _send(region, to="anna@example.org", **kwargs):
    return mail.send(
        to=to,
        template="workflow_approved",
        context={
            "kind": "Akteur",
            "title": "Digitalwerkstatt <Marl>",
            "url": mail.absolute("/akteure/x/"),
        },
        **kwargs,
    )


def test_email_url_smtp_is_parsed_into_the_smtp_backend():
    import environ

    config = environ.Env.email_url_config("smtp://127.0.0.1:8025")
    assert config["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (config["EMAIL_HOST"], config["EMAIL_PORT"]) == ("127.0.0.1", 8025)


def test_mail_is_delivered_to_a_real_smtp_server(region, smtp):
    _send(region)
    assert len(smtp.messages) == 1
    rcpts, message = smtp.messages[0]
    assert rcpts == ["anna@example.org"]
    assert message["Subject"] == "Veröffentlicht: Digitalwerkstatt <Marl>"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Digitalwerkstatt <Marl>" in text  # plain text is not HTML-escaped
    assert "Digitalwerkstatt &lt;Marl&gt;" in html  # the HTML part is
    assert "http://127.0.0.1:8000/akteure/x/" in text
    assert "SMART REGION Emscher-Lippe" in text


@pytest.mark.django_db(transaction=True)  # the worker closes connections between tasks
def test_mail_waits_in_the_database_queue_until_the_worker_runs(region, smtp, settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    _send(region)
    assert smtp.messages == []
    assert DBTaskResult.objects.count() == 1
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert len(smtp.messages) == 1
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_mail_is_rendered_in_the_recipients_language(region, smtp, user):
    user.language = "en"
    user.save()
    _send(region, to=user.email)
    _rcpts, message = smtp.messages[0]
    # The English catalogue translates the subject; German stays the fallback.
    assert message["Subject"] in {
        "Published: Digitalwerkstatt <Marl>",
        "Veröffentlicht: Digitalwerkstatt <Marl>",
    }


def test_non_transactional_mail_needs_an_unsubscribe_link(region, smtp):
    with pytest.raises(ValueError, match="unsubscribe"):
        _send(region, transactional=False)
    _send(region, transactional=False, unsubscribe_url="/newsletter/abmelden/abc/")
    _rcpts, message = smtp.messages[0]
    assert message["List-Unsubscribe"] == "<http://127.0.0.1:8000/newsletter/abmelden/abc/>"
    assert "/newsletter/abmelden/abc/" in message.get_body(("plain",)).get_content()


def test_reply_to_is_set_when_given(region, smtp):
    _send(region, reply_to="absender@example.org")
    assert smtp.messages[0][1]["Reply-To"] == "absender@example.org"
