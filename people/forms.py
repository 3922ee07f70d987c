import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from unfold.widgets import (
    DATETIME_CLASSES,
    UnfoldAdminPasswordWidget,
    UnfoldAdminSelectWidget,
    UnfoldAdminTextareaWidget,
)

from people import validators
from people.columns import ADMIN_FORM_FIELDS
from people.models import SIGN_IN_STATUSES, Person


class PersonAdminForm(forms.ModelForm):
    """The admin's person form; rules are enforced by people.services when the admin saves."""

    new_password = forms.CharField(
        required=False, strip=False, widget=UnfoldAdminPasswordWidget(render_value=False),
        help_text="Leave empty to keep the current password. At least 8 characters.",
    )

    class Meta:
        model = Person
        fields = ADMIN_FORM_FIELDS
        # The `manager` field is the line manager; "Manager" alone reads as the role (Zou's production manager).
        labels = {"manager": "Reports to"}
        help_texts = {"manager": "The person's line manager: they see this person's HR data."}

    # Format rules shared with the API (people.validators), shown inline on the field.
    def _normalized(self, field, normalize):
        try:
            return normalize(self.cleaned_data.get(field))
        except ValidationError as exc:
            self.add_error(field, exc)
            return self.cleaned_data.get(field)

    def clean_country(self):
        return self._normalized("country", validators.normalize_country)

    def clean_locale(self):
        return self._normalized("locale", validators.normalize_locale)

    def clean_timezone(self):
        return self._normalized("timezone", validators.normalize_timezone)

    def clean_email(self):
        return self._normalized("email", validators.normalize_email)

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        if status:
            # `status` is what HR sets; `active` follows it (the database checks that they agree).
            cleaned["active"] = status in SIGN_IN_STATUSES
            self.instance.active = cleaned["active"]
        return cleaned


# Grants and denials from the person page ------------------------------------------------------------------

RULE_CHOICES = [("", "as the role says"), ("grant", "grant"), ("deny", "deny")]


def _last_day(expires_at):
    """The day a stored expiry reads as on the form, "through that day": an expiry at a local midnight is the
    end of the day before it (people.services.permission_rules reads a date the same way)."""
    if expires_at is None:
        return None
    local = timezone.localtime(expires_at)
    return (local - dt.timedelta(days=1)).date() if local.time() == dt.time.min else local.date()


class PermissionRulesForm(forms.Form):
    """One row per declared key: nothing, grant or deny, and an optional last day. It only collects what HR
    chose; people.services.permission_rules (the API's PATCH) checks and saves it, so the form holds no rule of
    its own beyond "a reason is required here"."""

    reason = forms.CharField(max_length=1000, widget=UnfoldAdminTextareaWidget(attrs={"rows": 3}),
                             help_text="Kept with the rules set now and in the audit log.")

    def __init__(self, *args, keys, rules, **kwargs):
        """`keys`: the declared keys in display order; `rules`: the person's stored rules, keyed by key."""
        super().__init__(*args, **kwargs)
        now = timezone.now()
        # Expired rules count for nothing and are not offered again: saving drops them.
        self.stored = {key: rule for key, rule in rules.items() if rule.is_active(now)}
        self.keys = list(keys)
        for key in self.keys:
            rule = self.stored.get(key)
            self.fields[f"effect:{key}"] = forms.ChoiceField(
                choices=RULE_CHOICES, required=False, label=key, initial=rule.effect if rule else "",
                widget=UnfoldAdminSelectWidget)
            self.fields[f"until:{key}"] = forms.DateField(
                required=False, label=f"{key}: last day", initial=_last_day(rule.expires_at) if rule else None,
                widget=forms.DateInput(attrs={"type": "date", "class": " ".join(DATETIME_CLASSES)},
                                       format="%Y-%m-%d"))

    def rows(self):
        """(key, effect field, last-day field) for the template."""
        return [(key, self[f"effect:{key}"], self[f"until:{key}"]) for key in self.keys]

    def service_body(self) -> dict:
        """The API's PATCH body. A rule left as it was is sent with its stored expiry, to the second, so that the
        service sees no change and keeps who set it and when."""
        body = {"granted": [], "denied": [], "reason": self.cleaned_data["reason"]}
        for key in self.keys:
            effect = self.cleaned_data.get(f"effect:{key}")
            if not effect:
                continue
            day = self.cleaned_data.get(f"until:{key}")
            rule = self.stored.get(key)
            if rule is not None and rule.effect == effect and _last_day(rule.expires_at) == day:
                expires_at = rule.expires_at.astimezone(dt.UTC).isoformat() if rule.expires_at else None
            else:
                expires_at = day.isoformat() if day else None
            body["granted" if effect == "grant" else "denied"].append({"key": key, "expires_at": expires_at})
        return body

    def add_service_error(self, error) -> None:
        """A refusal of the service on the form: on the reason when it names it, else above the table."""
        field = ((error.data or {}).get("errors") or [{}])[0].get("field") if isinstance(error.data, dict) else None
        self.add_error("reason" if field == "reason" else None, error.message)
