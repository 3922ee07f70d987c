from django.conf import settings
from django.contrib import auth
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from config.db import ZouModel
from config.errors import ApplicationError
from departments.models import Department, Position, Seniority, Studio, Team, WorkShift


class Role(models.TextChoices):
    USER = "user", "Artist"
    ADMIN = "admin", "Studio manager"
    SUPERVISOR = "supervisor", "Supervisor"
    MANAGER = "manager", "Production manager"
    CLIENT = "client", "Client"
    VENDOR = "vendor", "Vendor"
    # Roster's addition to Zou's six: HR operations (every person's record, placement and state; no system
    # settings). gazu and Kitsu see it as one more role string; its keys are in each app's permissions module.
    HR = "hr", "HR operations"


class ContractType(models.TextChoices):
    OPEN_ENDED = "open-ended", "Open-ended"
    FIXED_TERM = "fixed-term", "Fixed-term"
    SHORT_TERM = "short-term", "Short-term"
    FREELANCE = "freelance", "Freelance"
    APPRENTICE = "apprentice", "Apprentice"
    INTERNSHIP = "internship", "Internship"


class PersonStatus(models.TextChoices):
    INVITED = "invited", "Invited"
    ACTIVE = "active", "Active"
    INACTIVE = "inactive", "Inactive"
    SUSPENDED = "suspended", "Suspended"
    LOCKED = "locked", "Locked"


# A person may sign in only in these states; `Person.active` mirrors membership of this set.
SIGN_IN_STATUSES = frozenset({PersonStatus.INVITED, PersonStatus.ACTIVE})


class TwoFactorMethod(models.TextChoices):
    TOTP = "totp", "TOTP"
    EMAIL_OTP = "email_otp", "Email OTP"
    FIDO = "fido", "FIDO"


class Appearance(models.TextChoices):
    LIGHT = "light", "Light"
    DARK = "dark", "Dark"
    AUTO = "auto", "Auto"


class AuthenticationMethod(models.TextChoices):
    PASSWORD = "password", "Password"
    LDAP = "ldap", "LDAP"
    OPENID = "openid", "OpenID"


class DateFormat(models.TextChoices):
    ISO = "YYYY-MM-DD", "YYYY-MM-DD"
    EUROPEAN = "DD/MM/YYYY", "DD/MM/YYYY"
    AMERICAN = "MM/DD/YYYY", "MM/DD/YYYY"


class Presence(models.TextChoices):
    """What a person says of themself (seed 003); whether they are online also needs recent API activity."""

    ACTIVE = "active", "Active"
    AWAY = "away", "Away"


class PersonManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username, is_bot=False)

    def create_user(self, email, password=None, **fields):
        from people.services.persons import person_create

        try:
            return person_create(acting_user=None, data={"email": email, "password": password, **fields}).person
        except ApplicationError as exc:
            # Django's tools (createsuperuser) report a ValidationError as one line; anything else is a traceback.
            raise ValidationError(exc.message) from exc

    def create_superuser(self, email, password=None, **fields):
        fields.setdefault("role", Role.ADMIN)
        fields.setdefault("active", True)
        return self.create_user(email, password, **fields)


class Person(AbstractBaseUser, ZouModel):
    """A person of the studio, and the login model. Sensitive columns are listed in SENSITIVE_FIELDS."""

    first_name = models.CharField(max_length=80)
    last_name = models.CharField(max_length=80, blank=True, default="")
    email = models.EmailField(max_length=254, null=True, blank=True)
    username = models.CharField(max_length=80, null=True, blank=True, unique=True)
    phone = models.CharField(max_length=30, blank=True, default="")
    country = models.CharField(max_length=2, null=True, blank=True)
    contract_type = models.CharField(max_length=20, choices=ContractType.choices, default=ContractType.OPEN_ENDED)
    job_title = models.CharField(max_length=120, blank=True, default="")

    active = models.BooleanField(default=True)
    status = models.CharField(max_length=20, choices=PersonStatus.choices, default=PersonStatus.ACTIVE)
    archived = models.BooleanField(default=False)
    last_presence = models.DateField(null=True, blank=True)

    desktop_login = models.CharField(max_length=80, blank=True, default="")
    login_failed_attemps = models.IntegerField(default=0)
    last_login_failed = models.DateTimeField(null=True, blank=True)

    totp_enabled = models.BooleanField(default=False)
    totp_secret = models.CharField(max_length=255, null=True, blank=True)
    email_otp_enabled = models.BooleanField(default=False)
    email_otp_secret = models.CharField(max_length=255, null=True, blank=True)
    fido_enabled = models.BooleanField(default=False)
    fido_credentials = models.JSONField(null=True, blank=True)
    otp_recovery_codes = models.JSONField(null=True, blank=True)
    preferred_two_factor_authentication = models.CharField(
        max_length=20, choices=TwoFactorMethod.choices, null=True, blank=True
    )

    shotgun_id = models.IntegerField(null=True, blank=True, unique=True)
    timezone = models.CharField(max_length=64, default=settings.ROSTER_DEFAULT_TIMEZONE)
    locale = models.CharField(max_length=10, default=settings.ROSTER_DEFAULT_LOCALE)
    use_12_hour_clock = models.BooleanField(default=False)
    display_date_format = models.CharField(
        max_length=20, choices=DateFormat.choices, null=True, blank=True, default=DateFormat.ISO
    )
    appearance = models.CharField(max_length=10, choices=Appearance.choices, default=Appearance.AUTO)
    data = models.JSONField(null=True, blank=True)

    role = models.CharField(max_length=20, choices=Role.choices, default=Role.USER, db_index=True)
    position = models.CharField(max_length=20, choices=Position.choices, null=True, blank=True,
                                default=Position.ARTIST)
    seniority = models.CharField(max_length=20, choices=Seniority.choices, null=True, blank=True,
                                 default=Seniority.MID)
    daily_salary = models.IntegerField(default=0)
    has_avatar = models.BooleanField(default=False)

    notifications_enabled = models.BooleanField(default=False)
    notifications_slack_enabled = models.BooleanField(default=False)
    notifications_slack_userid = models.CharField(max_length=60, blank=True, default="")
    notifications_mattermost_enabled = models.BooleanField(default=False)
    notifications_mattermost_userid = models.CharField(max_length=60, blank=True, default="")
    notifications_discord_enabled = models.BooleanField(default=False)
    notifications_discord_userid = models.CharField(max_length=60, blank=True, default="")

    is_bot = models.BooleanField(default=False)
    is_guest = models.BooleanField(default=False)
    expiration_date = models.DateField(null=True, blank=True)

    authentication_method = models.CharField(
        max_length=20, choices=AuthenticationMethod.choices, default=AuthenticationMethod.PASSWORD
    )
    is_generated_from_ldap = models.BooleanField(default=False)
    # Set by an admin (force-password-reset): the next sign-in answers Zou's `default_password` with a reset
    # token instead of a session, until the person chooses a new password.
    password_change_required = models.BooleanField(default=False)
    ldap_uid = models.CharField(max_length=60, null=True, blank=True, unique=True)

    studio = models.ForeignKey(Studio, on_delete=models.SET_NULL, null=True, blank=True, related_name="persons")
    manager = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="direct_reports"
    )
    departments = models.ManyToManyField(
        Department, through="PersonDepartment", related_name="persons", blank=True
    )
    teams = models.ManyToManyField(Team, through="PersonTeam", related_name="persons", blank=True)
    shift = models.ForeignKey(WorkShift, on_delete=models.SET_NULL, null=True, blank=True, related_name="persons")
    # The person's grants and denials (PersonPermissionRule) in compact form, {key: [effect, expires_at]}, written
    # by people.services.permission_rules in the same transaction as the rows: the permission backend reads
    # them from the row it already has, so a permission check costs no query.
    permission_overrides = models.JSONField(default=dict, blank=True)

    # Preferences and presence (issue 7): `preferences` holds the person's chosen values of the keys that
    # people.services.settings declares (only those that differ from their defaults); `last_seen` is moved on by
    # API activity (people.services.presence), at most once a minute.
    preferences = models.JSONField(default=dict, blank=True)
    presence = models.CharField(max_length=10, choices=Presence.choices, default=Presence.ACTIVE)
    presence_changed_at = models.DateTimeField(null=True, blank=True)
    last_seen = models.DateTimeField(null=True, blank=True)

    objects = PersonManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    # Never serialized, never filterable (zou-api.md 3.1). `last_login` is Django's own bookkeeping.
    SENSITIVE_FIELDS = frozenset({
        "password", "totp_secret", "email_otp_secret", "otp_recovery_codes", "fido_credentials",
        "fido_devices", "jti", "login_failed_attemps", "last_login_failed",
    })

    class Meta:
        ordering = ["first_name", "last_name"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"), condition=Q(is_bot=False), name="unique_email_among_non_bots"
            ),
            models.UniqueConstraint(
                fields=["desktop_login"], condition=Q(is_bot=False) & ~Q(desktop_login=""),
                name="unique_desktop_login_among_non_bots",
            ),
            models.CheckConstraint(
                condition=(Q(active=True, status__in=sorted(SIGN_IN_STATUSES))
                           | (Q(active=False) & ~Q(status__in=sorted(SIGN_IN_STATUSES)))),
                name="person_active_matches_status",
            ),
        ]
        indexes = [models.Index(fields=["desktop_login"]), models.Index(fields=["last_name", "first_name"])]

    def __str__(self):
        return self.full_name or str(self.email or self.id)

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name.strip(), self.last_name.strip()) if part)

    # Django's auth and admin read these; they derive from Roster's own fields.
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_staff(self) -> bool:
        """May enter the HR back office; which screens it shows follows the permission table."""
        return self.active and self.has_perm("admin_site.access")

    @property
    def is_superuser(self) -> bool:
        # Nobody bypasses the permission table, not even admins: their role holds the keys.
        return False

    # Every permission question goes to the authentication backends (people.permissions.RosterPermissionBackend),
    # as for Django's own users.
    def has_perm(self, perm: str, obj=None) -> bool:
        return any(
            backend.has_perm(self, perm, obj) for backend in auth.get_backends() if hasattr(backend, "has_perm")
        )

    def has_perms(self, perm_list, obj=None) -> bool:
        return all(self.has_perm(perm, obj) for perm in perm_list)

    def has_module_perms(self, app_label) -> bool:
        return any(
            backend.has_module_perms(self, app_label)
            for backend in auth.get_backends() if hasattr(backend, "has_module_perms")
        )

    def get_all_permissions(self, obj=None) -> set[str]:
        return {
            key for backend in auth.get_backends() if hasattr(backend, "get_all_permissions")
            for key in backend.get_all_permissions(self, obj)
        }

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.first_name

    @property
    def is_protected_account(self) -> bool:
        return (not self.is_bot and bool(self.email)
                and self.email.lower() in settings.ROSTER_PROTECTED_ACCOUNTS)


class PersonDepartment(models.Model):
    """Membership of a person in a department; a department with members cannot be deleted."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="department_memberships")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="memberships")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "department"], name="unique_person_department")
        ]

    def __str__(self):
        return f"{self.person} in {self.department}"


class PersonTeam(models.Model):
    """Membership of a person in a team; a team with members cannot be deleted."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="team_memberships")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="memberships")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "team"], name="unique_person_team")]

    def __str__(self):
        return f"{self.person} in {self.team}"


class TokenKind(models.TextChoices):
    ACCESS = "access", "Access"
    REFRESH = "refresh", "Refresh"


class IdentityType(models.TextChoices):
    PERSON = "person", "Interactive login"
    BOT = "bot", "Bot API token"
    PERSON_API = "person_api", "Personal API token"


class AuthToken(models.Model):
    """An opaque bearer token. Only its SHA-256 digest is stored; revoking is setting `revoked_at`."""

    id = models.BigAutoField(primary_key=True)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="auth_tokens")
    kind = models.CharField(max_length=10, choices=TokenKind.choices)
    identity_type = models.CharField(max_length=12, choices=IdentityType.choices)
    digest = models.CharField(max_length=64, unique=True)
    refresh_token = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="access_tokens"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["person", "revoked_at"])]

    def __str__(self):
        return f"{self.kind} token of {self.person_id} ({self.identity_type})"


class PasswordResetToken(models.Model):
    """A pending reset or invitation. The link's token is an HMAC of `nonce`, so the table holds no secret."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="password_reset_tokens")
    nonce = models.CharField(max_length=64, unique=True)
    purpose = models.CharField(max_length=10, default="reset")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.purpose} token of {self.person_id}"


class PasswordResetRequest(models.Model):
    """An anonymous ask for a reset link, written as it comes whether the address belongs to anyone or not,
    so that asking costs the same for every address. A task looks the address up, mails a link to an active
    person and deletes the row; a row still here after a few minutes lost its task, and the sweep queues it
    again (people.tasks)."""

    email = models.CharField(max_length=254)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self):
        return f"reset asked at {self.created_at:%Y-%m-%d %H:%M}"


class DesktopLoginLog(ZouModel):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="desktop_login_logs")
    date = models.DateTimeField()

    class Meta:
        ordering = ["-date"]
        # By date too: the monthly presence CSV reads everyone's logins of a month.
        indexes = [models.Index(fields=["person", "-date"]), models.Index(fields=["date"])]

    def __str__(self):
        return f"{self.person_id} at {self.date:%Y-%m-%d %H:%M}"


class PermissionEffect(models.TextChoices):
    GRANT = "grant", "Grant"
    DENY = "deny", "Deny"


class PersonPermissionRule(models.Model):
    """A key granted to or denied one person on top of their role (a denial wins), until `expires_at` if set.
    Written only by people.services.permission_rules, which keeps `Person.permission_overrides` in step."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="permission_rules")
    key = models.CharField(max_length=100)
    effect = models.CharField(max_length=5, choices=PermissionEffect.choices)
    # Checked against the time of each permission check: an expired rule counts for nothing, no sweep needed.
    expires_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["key"]
        constraints = [
            models.UniqueConstraint(fields=["person", "key"], name="unique_person_permission_rule"),
        ]

    def __str__(self):
        return f"{self.effect} {self.key} for {self.person_id}"

    def is_active(self, now) -> bool:
        return self.expires_at is None or self.expires_at > now


# The LDAP sync's records live with their code (people/ldap/); imported here so Django finds them in this app.
from people.ldap.models import SyncRun, SyncRunAction  # noqa: E402,F401
