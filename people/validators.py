"""Normalizers for person fields; each returns the clean value or raises ValidationError naming the rule."""

import functools
import zoneinfo

import babel
from django.core.exceptions import ValidationError
from email_validator import EmailNotValidError, validate_email

from people.models import DateFormat

# CLDR territory codes that name no country (unknown region, EU, UN, outlying Oceania, pseudo-locales).
NOT_COUNTRIES = frozenset({"ZZ", "EU", "EZ", "UN", "QO", "XA", "XB"})


@functools.cache
def _country_codes() -> frozenset[str]:
    return frozenset(
        code for code in babel.Locale("en").territories
        if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES
    )


@functools.cache
def _timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def normalize_country(value):
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValidationError("Country must be an ISO 3166 alpha-2 code such as FR.")
    code = value.strip().upper()
    if code == "":
        return None
    if code not in _country_codes():
        raise ValidationError(f"Invalid country code: {value!r}.")
    return code


def normalize_locale(value):
    if not isinstance(value, str):
        raise ValidationError("Locale must be a string such as en_US.")
    locale = value.strip()
    if not locale or len(locale) > 10:
        raise ValidationError(f"Invalid locale: {value!r}.")
    try:
        babel.Locale.parse(locale)
    except (ValueError, TypeError, babel.UnknownLocaleError):
        raise ValidationError(f"Invalid locale: {value!r}.") from None
    return locale


def normalize_timezone(value):
    if not isinstance(value, str) or value.strip() not in _timezones():
        raise ValidationError(f"Invalid timezone: {value!r}.")
    return value.strip()


def normalize_display_date_format(value):
    if value is None:
        return None
    if value not in DateFormat.values:
        raise ValidationError(f"Invalid date format: {value!r}. Use one of {', '.join(DateFormat.values)}.")
    return value


def normalize_email(value):
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValidationError("Email must be a string.")
    value = value.strip()
    if value == "":
        return None
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValidationError(str(exc)) from None
