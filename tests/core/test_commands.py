"""The front door: the demo command, `serve` (gunicorn + worker) and the deploy check."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from django.core.management import call_command

from smartregion.accounts.models import User
from smartregion.organizations.models import Organization
from smartregion.regions.models import Region

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.mark.django_db
def test_demo_loads_region_accounts_and_entries_and_is_idempotent(settings, tmp_path, capsys):
    settings.DATA_DIR = tmp_path
    call_command("demo")
    first = capsys.readouterr().out
    assert "koordination@demo.smartregion.invalid" in first
    password = first.split("koordination@demo.smartregion.invalid  Passwort: ")[1].split()[0]
    coordinator = User.objects.get(email="koordination@demo.smartregion.invalid")
    assert coordinator.is_coordinator and coordinator.check_password(password)
    assert Region.objects.home().name == "SMART REGION Emscher-Lippe"
    from smartregion.demo.content import ORGANIZATIONS
    from smartregion.organizations.models import Offer
    from smartregion.search.query import search

    published = Organization.objects.filter(is_demo=True, status="published")
    assert published.count() == len(ORGANIZATIONS) - 1
    assert Organization.objects.filter(is_demo=True, status="pending").count() == 1
    assert Offer.objects.public().filter(title__contains="Daig").exists()
    # The offer and its organization are searchable (and the futureWork project, see projects).
    assert search("Daig", filters={"type": ["organization", "offer"]}).count == 2
    assert oct((tmp_path / "demo-logins.txt").stat().st_mode)[-3:] == "600"

    call_command("demo")
    second = capsys.readouterr().out
    assert f"Passwort: {password}" in second  # same logins, same data
    assert Organization.objects.filter(is_demo=True).count() == len(ORGANIZATIONS)
    assert User.objects.count() == 3


@pytest.mark.django_db
def test_demo_passwords_are_random_per_installation(settings, tmp_path, capsys):
    settings.DATA_DIR = tmp_path
    call_command("demo")
    first = (tmp_path / "demo-logins.txt").read_text()
    (tmp_path / "demo-logins.txt").unlink()  # a new installation knows no earlier passwords
    call_command("demo")
    second = (tmp_path / "demo-logins.txt").read_text()
    assert first.split()[0] == second.split()[0]  # same accounts
    assert first != second  # new passwords


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(tmp_path, **extra):
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for Playwright in this process; a deployed
    # server never has it, and `check --deploy` rightly fails on it.
    dropped = {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(SMARTREGION_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="smartregion.settings")
    env.update(extra)
    return env


def test_serve_runs_gunicorn_and_a_task_worker(tmp_path):
    """A real process tree on a real port: migrate, serve, ask /healthz, stop cleanly."""
    env = _env(tmp_path)
    smartregion = [sys.executable, "-m", "smartregion"]
    subprocess.run([*smartregion, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
    port = _free_port()
    proc = subprocess.Popen(
        [*smartregion, "serve", "--port", str(port), "--workers", "1"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        body = None
        for _ in range(60):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    body = r.read().decode()
                break
            except OSError:
                time.sleep(0.25)
        assert body == '{"status": "ok"}'
        children = subprocess.run(
            ["pgrep", "-P", str(proc.pid), "-a"], capture_output=True, text=True
        ).stdout
        assert "gunicorn" in children and "db_worker" in children
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, out


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = _env(
        tmp_path,
        DEBUG="0",
        SECRET_KEY="x" * 20 + "-production-secret-key-with-enough-entropy-9f8e7d6c5b4a",
        SITE_URL="https://smartregion.example.org",
        ALLOWED_HOSTS="smartregion.example.org",
    )
    result = subprocess.run(
        [sys.executable, "-m", "smartregion", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_secret_key_is_generated_once_into_the_data_dir(tmp_path):
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    env = _env(tmp_path)
    env.pop("SECRET_KEY", None)
    run = lambda: subprocess.run(  # noqa: E731
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env=env, cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    first, second = run(), run()
    assert first == second and len(first) > 40
    assert (tmp_path / "secret_key").read_text() == first
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"
