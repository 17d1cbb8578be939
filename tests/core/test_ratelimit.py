import threading
import time

import pytest
from django import forms
from django.db import connection
from django.test import RequestFactory

from smartregion.core import ratelimit
from smartregion.core.forms import AntiSpamMixin
from smartregion.core.models import RateCounter

pytestmark = pytest.mark.django_db


class ContactForm(AntiSpamMixin, forms.Form):
    rate_limit = "3/h"
    message = forms.CharField(max_length=500)


def _request(ip="203.0.113.7"):
    return RequestFactory().post("/", REMOTE_ADDR=ip)


def test_rate_parsing():
    assert ratelimit.Rate.parse("5/h") == ratelimit.Rate(5, 3600)
    assert ratelimit.Rate.parse("3/10m") == ratelimit.Rate(3, 600)
    assert ratelimit.Rate.parse("100/d") == ratelimit.Rate(100, 86400)


def test_limit_counts_in_the_database():
    assert [ratelimit.hit("t", "1.2.3.4", "2/m") for _ in range(3)][:2] == [0, 0]
    assert ratelimit.hit("t", "1.2.3.4", "2/m") > 0
    assert ratelimit.hit("t", "5.6.7.8", "2/m") == 0  # another client has its own budget
    assert ratelimit.hit("other", "1.2.3.4", "2/m") == 0  # and another scope
    assert RateCounter.objects.get(key__startswith="t:", count=4)


def test_finished_windows_are_dropped_when_a_new_one_starts(monkeypatch):
    now = time.time()
    monkeypatch.setattr(ratelimit.time, "time", lambda: now - 7200)
    ratelimit.hit("t", "1.2.3.4", "2/m")
    monkeypatch.setattr(ratelimit.time, "time", lambda: now)
    assert ratelimit.hit("t", "1.2.3.4", "2/m") == 0  # a new window, a new budget
    assert RateCounter.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite takes the write lock at the start of every transaction: hits queue anyway",
)
def test_parallel_attempts_cannot_slip_past_the_limit():
    from django.db import connections

    barrier = threading.Barrier(8)
    results = []

    def attempt():
        barrier.wait()
        try:
            results.extend(ratelimit.hit("parallel", "1.2.3.4", "5/h") for _ in range(3))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 24
    assert results.count(0) == 5  # exactly the limit got through
    assert RateCounter.objects.get().count == 24


def test_honeypot_filled_is_refused_with_a_message():
    form = ContactForm({"message": "Hallo", "homepage": "http://spam.example"}, request=_request())
    assert not form.is_valid()
    assert "automatisiert" in form.non_field_errors()[0]


def test_honeypot_is_rendered_hidden_and_out_of_the_tab_order():
    html = str(ContactForm(request=_request()))
    assert 'class="sr-hp"' in html
    assert 'tabindex="-1"' in html
    assert 'autocomplete="off"' in html


def test_per_ip_limit_keeps_the_input_and_says_when_to_retry():
    for _ in range(3):
        assert ContactForm({"message": "Hallo"}, request=_request()).is_valid()
    form = ContactForm({"message": "Meine lange Nachricht"}, request=_request())
    assert not form.is_valid()
    assert "zu viele Anfragen" in form.non_field_errors()[0]
    assert "Minute" in form.non_field_errors()[0]
    assert 'value="Meine lange Nachricht"' in str(form["message"])
    # Another address is not affected.
    assert ContactForm({"message": "Hallo"}, request=_request("198.51.100.1")).is_valid()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"message": ""},
        {"message": "x" * 501},
        {"message": "<script>alert(1)</script>", "homepage": "<b>"},
    ],
)
def test_bad_input_is_rejected_without_crashing(data):
    assert not ContactForm(data, request=_request()).is_valid()


def test_client_ip_ignores_forwarded_for_unless_behind_a_proxy(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.1.1.1")
    assert ratelimit.client_ip(request) == "10.0.0.1"
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    request = RequestFactory().get(
        "/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9"
    )
    assert ratelimit.client_ip(request) == "203.0.113.9"
