"""people.services.reset_tokens called directly: a pending token is reused, the link carries an HMAC of
the stored nonce, and only the person's own live token matches."""

import datetime as dt
import re

from django.utils import timezone

from people.models import PasswordResetToken
from people.services.reset_tokens import password_reset_token_issue, password_reset_token_match, reset_link
from tests.factories import PersonFactory


def test_a_pending_token_is_reused_per_purpose(artist):
    first = password_reset_token_issue(person=artist)
    assert re.fullmatch(r"[A-Z0-9]{64}", first)
    assert password_reset_token_issue(person=artist) == first
    invitation = password_reset_token_issue(person=artist, purpose="invite")
    assert invitation != first
    assert password_reset_token_issue(person=artist, purpose="invite") == invitation
    assert PasswordResetToken.objects.filter(person=artist).count() == 2


def test_an_expired_or_used_token_is_replaced(artist):
    first = password_reset_token_issue(person=artist)
    PasswordResetToken.objects.filter(person=artist).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    second = password_reset_token_issue(person=artist)
    assert second != first
    PasswordResetToken.objects.filter(person=artist).update(used_at=timezone.now())
    assert password_reset_token_issue(person=artist) not in (first, second)
    assert PasswordResetToken.objects.filter(person=artist).count() == 3


def test_lifetimes_are_the_reset_setting_or_the_given_hours(artist, settings):
    settings.ROSTER_RESET_TOKEN_HOURS = 2
    before = timezone.now()
    password_reset_token_issue(person=artist)
    password_reset_token_issue(person=artist, hours=7 * 24, purpose="invite")
    lifetimes = {row.purpose: row.expires_at - before for row in PasswordResetToken.objects.filter(person=artist)}
    assert dt.timedelta(hours=2) <= lifetimes["reset"] < dt.timedelta(hours=2, seconds=5)
    assert dt.timedelta(days=7) <= lifetimes["invite"] < dt.timedelta(days=7, seconds=5)


def test_the_table_holds_no_usable_token(artist, settings):
    """The link's token is derived from the stored nonce with SECRET_KEY: the row alone is not enough."""
    token = password_reset_token_issue(person=artist)
    row = PasswordResetToken.objects.get(person=artist)
    assert token not in (row.nonce, row.nonce.upper())
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789"
    assert password_reset_token_issue(person=artist) != token


def test_only_the_persons_own_live_token_matches(artist):
    token = password_reset_token_issue(person=artist)
    row = PasswordResetToken.objects.get(person=artist)
    assert password_reset_token_match(person=artist, token=token) == row
    assert password_reset_token_match(person=artist, token=token.lower()) is None
    assert password_reset_token_match(person=artist, token=None) is None
    assert password_reset_token_match(person=None, token=token) is None
    other = PersonFactory(first_name="Other")
    assert password_reset_token_match(person=other, token=token) is None
    PasswordResetToken.objects.filter(pk=row.pk).update(used_at=timezone.now())
    assert password_reset_token_match(person=artist, token=token) is None


def test_reset_and_invitation_links(artist, settings):
    settings.ROSTER_SITE_URL = "https://roster.example.com"
    assert reset_link(person=artist, token="ABC123") == (
        "https://roster.example.com/reset-change-password?email=arturo%40studio.io&token=ABC123"
    )
    assert reset_link(person=artist, token="ABC123", invitation=True) == (
        "https://roster.example.com/reset-change-password?email=arturo%40studio.io&token=ABC123&type=new"
    )
