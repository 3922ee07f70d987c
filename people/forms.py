from django import forms
from django.core.exceptions import ValidationError
from unfold.widgets import UnfoldAdminPasswordWidget

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
