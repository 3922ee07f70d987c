"""The directory's settings (LDAP_* in config.settings.base), read and checked once per use, so a test or an
operator changing them needs no restart. The bind password stays in `LdapConfig` (never in its repr) and
never reaches a log line, a SyncRun or an audit row: `describe()` is what those get."""

import math
from dataclasses import dataclass, field

from django.conf import settings

# Default filters: every person entry; on Active Directory, user accounts that are not disabled (bit 2 of
# userAccountControl), so an account disabled in AD counts as gone and is deactivated here too.
DEFAULT_USER_FILTER = "(objectClass=inetOrgPerson)"
DEFAULT_AD_USER_FILTER = ("(&(objectCategory=person)(objectClass=user)"
                          "(!(userAccountControl:1.2.840.113556.1.4.803:=2)))")


class LdapConfigError(Exception):
    """LDAP is off (LDAP_URL empty) or a setting cannot be understood; the message names the variable."""


@dataclass(frozen=True)
class DeactivationLimit:
    """LDAP_MAX_DEACTIVATE or --max-deactivate: a count (`5`) or a share of the active LDAP persons (`10%`)."""

    value: float
    percent: bool

    @classmethod
    def parse(cls, raw, *, name: str = "LDAP_MAX_DEACTIVATE") -> "DeactivationLimit":
        text = str(raw).strip()
        percent = text.endswith("%")
        number = text[:-1].strip() if percent else text
        try:
            value = float(number) if percent else int(number)
        except ValueError:
            raise LdapConfigError(f"{name} must be a count (5) or a percentage (10%), got {text!r}.") from None
        # float() also reads 'nan', which passes both comparisons and then fails the run's arithmetic.
        if not math.isfinite(value) or value < 0 or (percent and value > 100):
            raise LdapConfigError(f"{name} must be a count (5) or a percentage (10%), got {text!r}.")
        return cls(value=value, percent=percent)

    def allowed(self, active_ldap_persons: int) -> int:
        """How many deactivations one run may apply; a percentage rounds down, so 10% of 5 allows none."""
        if self.percent:
            return math.floor(active_ldap_persons * self.value / 100)
        return int(self.value)

    def __str__(self) -> str:
        return f"{self.value:g}%" if self.percent else str(int(self.value))


def _group_departments(raw: str) -> dict[str, str]:
    """`animators:Animation,modelers:Modeling` -> {group cn (lower case): department name}."""
    mapping: dict[str, str] = {}
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        group, colon, department = item.partition(":")
        if not colon or not group.strip() or not department.strip():
            raise LdapConfigError(
                f"LDAP_GROUP_DEPARTMENTS must list <group cn>:<department name> pairs separated by commas, "
                f"got {item!r}.")
        mapping[group.strip().lower()] = department.strip()
    return mapping


@dataclass(frozen=True)
class LdapConfig:
    url: str
    bind_dn: str
    bind_password: str = field(repr=False)
    base_dn: str
    user_filter: str
    group_base_dn: str
    is_ad: bool
    email_domain: str
    group_departments: dict[str, str]
    max_deactivate: DeactivationLimit
    start_tls: bool
    tls_verify: bool
    ca_cert_file: str
    timeout: int

    @property
    def login_attribute(self) -> str:
        return "sAMAccountName" if self.is_ad else "uid"

    @property
    def id_attribute(self) -> str:
        """The entry's own identity, kept as `ldap_uid`: it survives a rename of the login or of the DN."""
        return "objectGUID" if self.is_ad else "entryUUID"

    def describe(self) -> dict[str, object]:
        """What a run records of the settings it ran with: no password."""
        return {"url": self.url, "bind_dn": self.bind_dn, "base_dn": self.base_dn,
                "user_filter": self.user_filter, "group_base_dn": self.group_base_dn, "is_ad": self.is_ad,
                "group_departments": self.group_departments, "max_deactivate": str(self.max_deactivate),
                "start_tls": self.start_tls}


def ldap_enabled() -> bool:
    return bool(settings.LDAP_URL)


def ldap_config() -> LdapConfig:
    if not settings.LDAP_URL:
        raise LdapConfigError("LDAP is not configured: set LDAP_URL (and LDAP_BIND_DN, LDAP_BIND_PASSWORD, "
                              "LDAP_BASE_DN).")
    url = settings.LDAP_URL.rstrip("/")  # ldap3 wants no path, not even the empty one
    if not url.lower().startswith(("ldap://", "ldaps://")):
        raise LdapConfigError(f"LDAP_URL must start with ldap:// or ldaps://, got {url!r}.")
    if not settings.LDAP_BASE_DN:
        raise LdapConfigError("LDAP_BASE_DN is required: the subtree where person entries are searched.")
    if settings.LDAP_START_TLS and url.lower().startswith("ldaps://"):
        raise LdapConfigError("LDAP_START_TLS is for ldap:// URLs; an ldaps:// URL is encrypted already.")
    timeout = int(settings.LDAP_TIMEOUT_SECONDS)
    if timeout <= 0:
        raise LdapConfigError("LDAP_TIMEOUT_SECONDS must be a positive number of seconds.")
    user_filter = settings.LDAP_USER_FILTER or (
        DEFAULT_AD_USER_FILTER if settings.LDAP_IS_AD else DEFAULT_USER_FILTER)
    if not (user_filter.startswith("(") and user_filter.endswith(")")):
        raise LdapConfigError(f"LDAP_USER_FILTER must be an LDAP filter in parentheses, got {user_filter!r}.")
    return LdapConfig(
        url=url, bind_dn=settings.LDAP_BIND_DN, bind_password=settings.LDAP_BIND_PASSWORD,
        base_dn=settings.LDAP_BASE_DN, user_filter=user_filter,
        group_base_dn=settings.LDAP_GROUP_BASE_DN or settings.LDAP_BASE_DN, is_ad=bool(settings.LDAP_IS_AD),
        email_domain=settings.LDAP_EMAIL_DOMAIN.lstrip("@"),
        group_departments=_group_departments(settings.LDAP_GROUP_DEPARTMENTS),
        max_deactivate=DeactivationLimit.parse(settings.LDAP_MAX_DEACTIVATE),
        start_tls=bool(settings.LDAP_START_TLS), tls_verify=bool(settings.LDAP_TLS_VERIFY),
        ca_cert_file=settings.LDAP_CA_CERT_FILE, timeout=timeout,
    )
