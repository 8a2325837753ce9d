from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who logs in: staff, student, guardian or académie officer.

    What they may do comes from their `schools.Membership` rows, never from this model.
    """

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        full = self.get_full_name()
        return full or self.username


class EntIdentity(models.Model):
    """An ENT identifier linked to an account (docs/connexion.md, « Connexion par l'ENT »).

    Sign-on finds the account through these rows (or through the SIECLE/STS identifiers the
    ENT releases) and never creates one. The identifier is the value of the attribute (CAS)
    or claim (OpenID Connect) that the school chose in its settings.
    """

    class Provider(models.TextChoices):
        CAS = "cas", "CAS"
        OIDC = "oidc", "OpenID Connect"

    class Source(models.TextChoices):
        IMPORT = "import", _("ENT accounts import")
        DEMO = "demo", _("demo")
        MANUAL = "manual", _("by hand")

    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="ent_identities"
    )
    # The school whose head linked it: its setting says which attribute holds the identifier.
    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, related_name="ent_identities"
    )
    provider = models.CharField(_("sign-on"), max_length=4, choices=Provider.choices)
    identifier = models.CharField(_("ENT identifier"), max_length=150)
    source = models.CharField(
        _("linked by"), max_length=6, choices=Source.choices, default=Source.IMPORT
    )
    created_at = models.DateTimeField(_("linked on"), auto_now_add=True)

    class Meta:
        verbose_name = _("ENT identifier")
        verbose_name_plural = _("ENT identifiers")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "provider", "identifier"], name="one_account_per_ent_identifier"
            )
        ]

    def __str__(self) -> str:
        return f"{self.identifier} ({self.get_provider_display()}) → {self.user}"
