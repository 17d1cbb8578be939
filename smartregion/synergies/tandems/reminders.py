"""Check-in reminders for formed tandems: on the agreed day both get a mail, and the next
date moves on by the agreed interval. Idempotent: the date is moved with a conditional UPDATE
before the mail is queued, so a second run the same day finds nothing due."""

from django.db import transaction
from django.utils import timezone

from smartregion.core import mail

from ..models import Tandem


def send_checkin_reminders() -> int:
    today = timezone.localdate()
    due = Tandem.objects.filter(state=Tandem.State.FORMED, next_checkin_on__lte=today)
    sent = 0
    for tandem in due.select_related("young__user", "experienced__user"):
        with transaction.atomic():
            was = tandem.next_checkin_on
            tandem.schedule_next_checkin(today)
            claimed = Tandem.objects.filter(pk=tandem.pk, next_checkin_on=was).update(
                next_checkin_on=tandem.next_checkin_on
            )
            if not claimed:
                continue
            for person, partner in (
                (tandem.young, tandem.experienced),
                (tandem.experienced, tandem.young),
            ):
                mail.send(
                    to=person.user.email,
                    template="synergies_tandem_checkin",
                    context={
                        "partner": partner.user.public_name,
                        "goals": tandem.goals,
                        "next": tandem.next_checkin_on,
                        "url": mail.absolute("/synergien/tandem/"),
                    },
                    reply_to=partner.user.email,
                )
            sent += 1
    return sent
