"""`smartregion projects remind`: weekly reminders to contact points with unanswered questions,
and removal of questions whose anonymous asker never confirmed them. Idempotent: meant for a
daily cron job or systemd timer (docs/operations.md); a second run the same day sends nothing.
"""

from django.core.management.base import BaseCommand

from smartregion.projects.questions import services


class Command(BaseCommand):
    help = (
        "Erinnert Anlaufstellen an unbeantwortete Fragen (höchstens einmal in sieben Tagen) "
        "und löscht Fragen, die nach sieben Tagen nicht bestätigt wurden. Täglich aufrufen."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["remind"], help="remind: erinnern und aufräumen")

    def handle(self, *args, action, **options):
        sent = services.remind_unanswered()
        for project, count in sent:
            self.stdout.write(f"Erinnert: „{project.title}“ ({count} offene Frage(n))")
        purged = services.purge_unconfirmed()
        self.stdout.write(
            f"{len(sent)} Erinnerung(en) verschickt, {purged} unbestätigte Frage(n) gelöscht."
        )
