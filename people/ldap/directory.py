"""Talking to the directory with ldap3: reading person entries and the mapped groups (paged), and checking a
person's password by binding as their entry.

Every failure is a DirectoryError, raised as soon as anything goes wrong, including in the middle of a paged
read: a read that stopped half-way must never pass for a smaller directory (the plan would deactivate everyone
on the missing pages). Connections ask for no schema (`get_info=NONE`): values are taken raw and decoded here,
the same on OpenLDAP and AD."""

import ssl
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ldap3 import NONE, SUBTREE, Connection, Server, Tls
from ldap3.core.exceptions import LDAPException, LDAPInvalidCredentialsResult
from ldap3.utils.conv import escape_filter_chars

from people.ldap.config import LdapConfig

PAGE_SIZE = 500
PERSON_ATTRIBUTES = ("givenName", "sn", "cn", "mail")
GROUP_MEMBER_ATTRIBUTES = ("member", "uniqueMember", "memberUid")


class DirectoryError(Exception):
    """The directory could not be reached, refused the bind, or failed an operation; nothing it answered
    before may be acted upon."""


@dataclass(frozen=True)
class DirectoryEntry:
    dn: str
    ldap_uid: str  # entryUUID, or objectGUID on AD: stable across renames
    login: str  # uid, or sAMAccountName on AD: becomes desktop_login
    first_name: str
    last_name: str
    mail: str
    groups: frozenset[str]  # the mapped groups (cn, lower case) the entry belongs to


@dataclass(frozen=True)
class SkippedEntry:
    dn: str
    reason: str


@dataclass(frozen=True)
class DirectoryRead:
    entries: list[DirectoryEntry]
    skipped: list[SkippedEntry]


def _server(config: LdapConfig) -> Server:
    tls = Tls(validate=ssl.CERT_REQUIRED if config.tls_verify else ssl.CERT_NONE,
              ca_certs_file=config.ca_cert_file or None)
    return Server(config.url, use_ssl=config.url.lower().startswith("ldaps://"), tls=tls, get_info=NONE,
                  connect_timeout=config.timeout)


def _open(config: LdapConfig, *, user: str, password: str) -> Connection:
    """A bound connection; raises LDAPException subclasses (callers turn them into their own answers)."""
    connection = Connection(_server(config), user=user or None, password=password or None,
                            raise_exceptions=True, receive_timeout=config.timeout, auto_referrals=False,
                            read_only=True)
    try:
        connection.open()
        if config.start_tls:
            connection.start_tls()
        connection.bind()
    except BaseException:
        _close(connection)
        raise
    return connection


def _close(connection: Connection) -> None:
    try:
        connection.unbind()
    except LDAPException:
        pass


def _service_connection(config: LdapConfig) -> Connection:
    try:
        return _open(config, user=config.bind_dn, password=config.bind_password)
    except LDAPException as exc:
        # The exception's text never holds the password; the DN is the operator's own setting.
        raise DirectoryError(f"Cannot bind to {config.url} as {config.bind_dn or '(anonymous)'}: "
                             f"{_describe(exc)}") from None


def _describe(exc: LDAPException) -> str:
    return getattr(exc, "description", None) or type(exc).__name__ + (f": {exc}" if str(exc) else "")


def _first_text(raw: dict, name: str) -> str:
    for key, values in raw.items():
        if key.lower() == name.lower() and values:
            value = values[0]
            return (value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)).strip()
    return ""


def _all_texts(raw: dict, name: str) -> list[str]:
    for key, values in raw.items():
        if key.lower() == name.lower():
            return [(v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)).strip() for v in values]
    return []


def _identity(raw: dict, config: LdapConfig) -> str:
    if config.is_ad:
        for key, values in raw.items():
            if key.lower() == "objectguid" and values and len(values[0]) == 16:
                return str(uuid.UUID(bytes_le=bytes(values[0])))
        return ""
    return _first_text(raw, config.id_attribute).lower()


def normalised_dn(dn: str) -> str:
    """DNs as group members and entries spell them, compared without case or spaces around separators."""
    parts = []
    for rdn in dn.split(","):
        attribute, _, value = rdn.partition("=")
        parts.append(f"{attribute.strip().lower()}={value.strip().lower()}")
    return ",".join(parts)


def _paged(connection: Connection, base: str, search_filter: str, attributes: Iterable[str]):
    yield from (
        response for response in connection.extend.standard.paged_search(
            base, search_filter, search_scope=SUBTREE, attributes=list(attributes), paged_size=PAGE_SIZE,
            paged_criticality=True, generator=True)
        if response.get("type") == "searchResEntry"  # referrals are not followed
    )


def _read_groups(connection: Connection, config: LdapConfig) -> dict[str, tuple[set[str], set[str]]]:
    """{mapped group cn: (member DNs normalised, memberUid logins)}. A mapped group the directory does not hold
    is an error: its department would otherwise lose every member."""
    wanted = sorted(config.group_departments)
    search_filter = "(|{})".format("".join(f"(cn={escape_filter_chars(cn)})" for cn in wanted))
    found: dict[str, tuple[set[str], set[str]]] = {}
    for response in _paged(connection, config.group_base_dn, search_filter, ("cn", *GROUP_MEMBER_ATTRIBUTES)):
        raw = response["raw_attributes"]
        names = {name.lower() for name in _all_texts(raw, "cn")} & set(wanted)
        members = {normalised_dn(dn) for attribute in ("member", "uniqueMember")
                   for dn in _all_texts(raw, attribute) if dn}
        logins = {login for login in _all_texts(raw, "memberUid") if login}
        for name in names:
            dns, uids = found.setdefault(name, (set(), set()))
            dns.update(members)
            uids.update(logins)
    missing = [cn for cn in wanted if cn not in found]
    if missing:
        raise DirectoryError(f"Group(s) named in LDAP_GROUP_DEPARTMENTS not found under {config.group_base_dn}: "
                             f"{', '.join(missing)}.")
    return found


def directory_read(config: LdapConfig, *, progress: Callable[[int], None] | None = None) -> DirectoryRead:
    """Every person entry under LDAP_BASE_DN matching the filter, with the mapped groups each belongs to.
    `progress(n)` is called as entries arrive. Raises DirectoryError on any failure, the first page or the
    last."""
    connection = _service_connection(config)
    try:
        attributes = (config.login_attribute, config.id_attribute, *PERSON_ATTRIBUTES)
        raw_entries = []
        for response in _paged(connection, config.base_dn, config.user_filter, attributes):
            raw_entries.append((response["dn"], response["raw_attributes"]))
            if progress is not None:
                progress(1)
        groups = _read_groups(connection, config) if config.group_departments else {}
    except LDAPException as exc:
        raise DirectoryError(f"Reading {config.url} failed: {_describe(exc)}") from None
    finally:
        _close(connection)

    entries, skipped = [], []
    for dn, raw in raw_entries:
        login = _first_text(raw, config.login_attribute)
        identity = _identity(raw, config)
        if not login or not identity:
            missing = config.login_attribute if not login else config.id_attribute
            skipped.append(SkippedEntry(dn=dn, reason=f"no {missing}"))
            continue
        member_of = frozenset(
            name for name, (dns, logins) in groups.items() if normalised_dn(dn) in dns or login in logins)
        first_name = _first_text(raw, "givenName") or _first_text(raw, "cn") or login
        entries.append(DirectoryEntry(dn=dn, ldap_uid=identity, login=login, first_name=first_name,
                                      last_name=_first_text(raw, "sn"), mail=_first_text(raw, "mail"),
                                      groups=member_of))
    return DirectoryRead(entries=entries, skipped=skipped)


def directory_check_password(config: LdapConfig, *, login: str, password: str, ldap_uid: str | None) -> bool:
    """Whether `password` is the one of the entry whose login is `login` (and, when given, whose identity is
    `ldap_uid`): the entry is found with the service account, the value escaped, then bound to as itself.
    False for a wrong password, no such entry, two entries, or another entry than the person's own; raises
    DirectoryError when the directory cannot answer (not the person's fault, so not counted as a failure)."""
    if not password or not login:
        # An LDAP simple bind with a DN and an empty password is an "unauthenticated" bind, which servers
        # answer with success: an empty password must never reach the directory.
        return False
    connection = _service_connection(config)
    try:
        search_filter = f"(&{config.user_filter}({config.login_attribute}={escape_filter_chars(login)}))"
        connection.search(config.base_dn, search_filter, search_scope=SUBTREE,
                          attributes=[config.id_attribute], size_limit=2)
        found = [r for r in connection.response if r.get("type") == "searchResEntry"]
    except LDAPException as exc:
        if type(exc).__name__ == "LDAPSizeLimitExceededResult":
            return False  # two entries answer to this login: no way to tell which one is the person
        raise DirectoryError(f"Searching {config.url} failed: {_describe(exc)}") from None
    finally:
        _close(connection)
    if len(found) != 1:
        return False
    if ldap_uid and _identity(found[0]["raw_attributes"], config) != ldap_uid:
        return False
    try:
        _close(_open(config, user=found[0]["dn"], password=password))
    except LDAPInvalidCredentialsResult:
        return False
    except LDAPException as exc:
        raise DirectoryError(f"Binding to {config.url} failed: {_describe(exc)}") from None
    return True
