"""Serve the platform: gunicorn for the web, plus one background-task worker, as one command.

For a single machine. In larger setups run `gunicorn smartregion.wsgi` and
`smartregion db_worker` as separate services (see docs/operations.md).
"""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Startet gunicorn und einen Hintergrund-Worker; beendet beide gemeinsam."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2"))
        )
        parser.add_argument("--no-worker", action="store_true", help="keinen Task-Worker starten")

    def handle(self, *args, host, port, workers, no_worker, **options):
        bin_dir = os.path.dirname(sys.executable)
        web = [
            os.path.join(bin_dir, "gunicorn"),
            "smartregion.wsgi:application",
            "--bind",
            f"{host}:{port}",
            "--workers",
            str(workers),
            "--access-logfile",
            "-",
            "--forwarded-allow-ips",
            os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
        ]
        worker = [sys.executable, "-m", "smartregion", "db_worker", "--queue-name", "default"]
        # Only the database queue needs this worker; with the immediate backend tasks run in
        # the web process, and other backends (Redis/RQ) bring their own workers.
        backend = settings.TASKS["default"]["BACKEND"]
        if not no_worker and backend != "django_tasks_db.DatabaseBackend":
            self.stdout.write(f"Kein Task-Worker: TASKS_BACKEND ist {backend}.")
            no_worker = True
        children = [subprocess.Popen(web)]  # noqa: S603 - fixed argument lists
        if not no_worker:
            children.append(subprocess.Popen(worker))  # noqa: S603
        self.stdout.write(
            f"smartregion läuft auf http://{host}:{port}/ (gunicorn, {workers} Prozesse"
            f"{', 1 Task-Worker' if not no_worker else ''}). Beenden mit Strg+C."
        )

        def stop(*_):
            for child in children:
                if child.poll() is None:
                    child.terminate()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
        finally:
            stop()
            for child in children:
                try:
                    child.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    child.kill()
        codes = [child.returncode for child in children]
        if any(code not in (0, -signal.SIGTERM, -signal.SIGINT) for code in codes):
            sys.exit(1)
