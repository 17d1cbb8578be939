from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class UserQuerySet(models.QuerySet):
    def coordinators(self):
        return self.filter(is_coordinator=True, is_active=True)


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def _create(self, email, password, **extra):
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True, is_coordinator=True)
        return self._create(email, password, **extra)


class User(AbstractUser):
    """A person with an account. Signs in with the email address; never shown publicly by it."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("E-Mail-Adresse"), unique=True)
    display_name = models.CharField(
        _("Angezeigter Name"),
        max_length=100,
        blank=True,
        help_text=_("So werden Sie bei Ihren Beiträgen genannt. Leer lassen für „Mitglied“."),
    )
    is_coordinator = models.BooleanField(
        _("Koordination"),
        default=False,
        help_text=_("Darf Inhalte freigeben, das Protokoll sehen und Rechtstexte bearbeiten."),
    )
    language = models.CharField(
        _("Sprache für E-Mails"), max_length=8, choices=settings.LANGUAGES, default="de"
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("Konto")
        verbose_name_plural = _("Konten")

    def __str__(self) -> str:
        return self.email

    @property
    def public_name(self) -> str:
        """How others see this person: the chosen display name, never the address."""
        return self.display_name or str(_("Mitglied"))


class ApiToken(models.Model):
    """A personal API token for writes with Authorization: Bearer. Only its SHA-256 is stored;
    the token itself is shown once, when it is made (see accounts/tokens.py)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(
        _("Bezeichnung"),
        max_length=100,
        help_text=_("Wofür Sie den Schlüssel nutzen, z. B. „Abgleich mit unserer Website“."),
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=12, editable=False)  # shown to tell tokens apart
    created_at = models.DateTimeField(_("angelegt"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("zuletzt benutzt"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("widerrufen"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API-Schlüssel")
        verbose_name_plural = _("API-Schlüssel")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
