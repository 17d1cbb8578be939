"""Load the demo region: Emscher-Lippe, its partner regions, demo accounts and demo entries.

Idempotent: running it again keeps all data and the demo passwords (kept in the data dir).
Demo people are fictional; organizations named in the seed articles appear as "Demo-Eintrag".
"""

import datetime as dt
import os
import secrets

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from smartregion.accounts.models import User
from smartregion.core import audit
from smartregion.core.workflow import Status
from smartregion.demo.content import ORGANIZATIONS
from smartregion.demo.projects import load_projects
from smartregion.organizations.models import Need, Offer, Organization, OrganizationRole
from smartregion.organizations.services import locate, organization_propose, unique_slug
from smartregion.regions import loader
from smartregion.regions.models import Audience, Topic
from smartregion.search import index
from smartregion.synergies import refresh

LOGINS_FILE = "demo-logins.txt"
ACCOUNTS = [
    # email, display name, coordinator?, role description
    ("koordination@demo.smartregion.invalid", "Demo-Koordination", True, "Koordination"),
    (
        "akteur@demo.smartregion.invalid",
        "Demo-Redaktion WiN",
        False,
        "Organisation (WiN Emscher-Lippe)",
    ),
    ("einreichung@demo.smartregion.invalid", "Demo-Einreichende", False, "Einreichende Person"),
]


class Command(BaseCommand):
    help = "Demo-Region Emscher-Lippe mit Demo-Konten und Demo-Einträgen laden (idempotent)."

    def handle(self, *args, **options):
        for path in loader.shipped():
            result = loader.load(str(path))
            self.stdout.write(f"Region „{result.region.name}“: {result.summary()}")
        passwords = self._accounts()
        self._organizations()
        load_projects(User.objects.get(email=ACCOUNTS[0][0]), write=self.stdout.write)
        # Last, so the suggestions see every demo organization, offer and need (idempotent).
        self.stdout.write(f"Synergien: {refresh.full_refresh().summary()}")
        self._print_logins(passwords)

    def _logins_path(self):
        return settings.DATA_DIR / LOGINS_FILE

    def _read_logins(self) -> dict[str, str]:
        path = self._logins_path()
        if not path.exists():
            return {}
        logins = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            email, _, password = line.partition(" ")
            if password:
                logins[email] = password
        return logins

    @transaction.atomic
    def _accounts(self) -> dict[str, str]:
        stored = self._read_logins()
        passwords = {}
        for email, name, coordinator, _role in ACCOUNTS:
            user = User.objects.filter(email=email).first()
            password = stored.get(email)
            if user is None or password is None or not user.check_password(password):
                password = secrets.token_urlsafe(12)
                if user is None:
                    user = User.objects.create_user(email, password)
                else:
                    user.set_password(password)
            user.display_name = name
            user.is_coordinator = coordinator
            user.save()
            EmailAddress.objects.update_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
            passwords[email] = password
        path = self._logins_path()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.writelines(f"{email} {pw}\n" for email, pw in passwords.items())
        return passwords

    @transaction.atomic
    def _organizations(self) -> None:
        coordinator = User.objects.get(email=ACCOUNTS[0][0])
        for spec in ORGANIZATIONS:
            if Organization.objects.filter(name=spec["name"], is_demo=True).exists():
                continue
            topics = Topic.objects.filter(slug__in=spec["topics"])
            audiences = Audience.objects.filter(slug__in=spec["audiences"])
            if spec.get("pending"):
                # Goes the way a real proposal goes: owner role, submitted, coordinators mailed.
                owner = User.objects.get(email=spec["owner"])
                org = organization_propose(
                    user=owner,
                    name=spec["name"],
                    kind=spec["kind"],
                    short_description=spec["short_description"],
                    description=spec["description"],
                    postal_code=spec["postal_code"],
                    city=spec["city"],
                    topics=topics,
                    audiences=audiences,
                    is_demo=True,
                )
            else:
                org = self._published_organization(spec, coordinator, topics, audiences)
            self.stdout.write(f"Demo-Eintrag „{org.name}“ ({org.get_status_display()}).")

    def _published_organization(self, spec, coordinator, topics, audiences) -> Organization:
        """Entered and published by the demo coordinator directly (no moderation mails)."""
        now = timezone.now()
        org = Organization(
            name=spec["name"],
            slug=unique_slug(spec["name"]),
            kind=spec["kind"],
            short_description=spec["short_description"],
            description=spec["description"],
            postal_code=spec["postal_code"],
            city=spec["city"],
            is_member=spec.get("member", False),
            is_demo=True,
            created_by=coordinator,
            status=Status.PUBLISHED,
            submitted_at=now,
            published_at=now,
        )
        locate(org)
        org.full_clean()
        org.save()
        org.topics.set(topics)
        org.audiences.set(audiences)
        if owner_email := spec.get("owner"):
            OrganizationRole.objects.create(
                organization=org,
                user=User.objects.get(email=owner_email),
                role=OrganizationRole.Role.OWNER,
            )
        audit.record(actor=coordinator, action="organization.published", target=org,
                     reason="Demo-Daten")  # fmt: skip
        for item in spec.get("offers", []):
            offer = Offer(
                organization=org,
                title=item["title"],
                description=item["description"],
                kind=item["kind"],
                cost=item["cost"],
                is_demo=True,
                created_by=coordinator,
                status=Status.PUBLISHED,
                submitted_at=now,
                published_at=now,
            )
            offer.full_clean()
            offer.save()
            offer.topics.set(Topic.objects.filter(slug__in=item["topics"]))
            offer.audiences.set(Audience.objects.filter(slug__in=item["audiences"]))
        for item in spec.get("needs", []):
            need = Need(
                organization=org,
                title=item["title"],
                description=item["description"],
                expires_on=timezone.localdate() + dt.timedelta(days=180),
                is_demo=True,
                created_by=coordinator,
                status=Status.PUBLISHED,
                submitted_at=now,
                published_at=now,
            )
            need.full_clean()
            need.save()
            need.topics.set(Topic.objects.filter(slug__in=item["topics"]))
        index.index(org)  # the organization and, through it, its offers and needs
        return org

    def _print_logins(self, passwords: dict[str, str]) -> None:
        self.stdout.write("")
        self.stdout.write("Demo-Anmeldungen (Passwörter gelten nur für diese Installation):")
        for email, _name, _coordinator, role in ACCOUNTS:
            self.stdout.write(f"  {role:34} {email}  Passwort: {passwords[email]}")
        self.stdout.write(f"  (gespeichert in {self._logins_path()})")
