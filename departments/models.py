from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models

from config.db import ZouModel

hex_color_validator = RegexValidator(
    r"^(#[0-9A-Fa-f]{6})?$", "Color must be a hex color such as #1A2B3C (or empty)."
)


class Position(models.TextChoices):
    SUPERVISOR = "supervisor", "Supervisor"
    LEAD = "lead", "Lead"
    ARTIST = "artist", "Artist"


class Seniority(models.TextChoices):
    SENIOR = "senior", "Senior"
    MID = "mid", "Mid"
    JUNIOR = "junior", "Junior"


class Studio(ZouModel):
    name = models.CharField(max_length=80, unique=True)
    color = models.CharField(max_length=7, blank=True, default="", validators=[hex_color_validator])
    archived = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Department(ZouModel):
    name = models.CharField(max_length=80, unique=True)
    color = models.CharField(max_length=7, blank=True, default="", validators=[hex_color_validator])
    archived = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Team(ZouModel):
    """A working group across departments (a show's crew, a task force); people join it from their record."""

    name = models.CharField(max_length=80, unique=True)
    description = models.TextField(blank=True, default="")
    archived = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


def validate_working_days(value) -> None:
    if (not isinstance(value, list) or not value or len(set(value)) != len(value)
            or not all(isinstance(day, int) and not isinstance(day, bool) and 1 <= day <= 7 for day in value)):
        raise ValidationError("Working days are a list of distinct ISO weekdays, 1 (Monday) to 7 (Sunday).")


def default_working_days() -> list[int]:
    return [1, 2, 3, 4, 5]


class WorkShift(ZouModel):
    """When a person works (seed 003): hours, which may cross midnight (end before start), and ISO weekdays."""

    name = models.CharField(max_length=80, unique=True)
    start_time = models.TimeField()
    end_time = models.TimeField()
    working_days = models.JSONField(default=default_working_days, validators=[validate_working_days])

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.start_time is not None and self.start_time == self.end_time:
            raise ValidationError({"end_time": "A shift ends at another time than it starts."})


class Software(ZouModel):
    name = models.CharField(max_length=40, unique=True)
    short_name = models.CharField(max_length=20)
    archived = models.BooleanField(default=False)
    version = models.CharField(max_length=20, null=True, blank=True)
    file_extension = models.CharField(max_length=20)
    secondary_extensions = models.JSONField(null=True, blank=True)
    monthly_cost = models.IntegerField(default=0, validators=[MinValueValidator(0)])
    inventory_amount = models.IntegerField(default=0, validators=[MinValueValidator(0)])
    departments = models.ManyToManyField(
        Department, through="SoftwareDepartmentLink", related_name="softwares", blank=True
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "software"

    def __str__(self):
        return self.name


class HardwareItem(ZouModel):
    name = models.CharField(max_length=40, unique=True)
    short_name = models.CharField(max_length=20)
    archived = models.BooleanField(default=False)
    monthly_cost = models.IntegerField(default=0, validators=[MinValueValidator(0)])
    inventory_amount = models.IntegerField(default=0, validators=[MinValueValidator(0)])
    departments = models.ManyToManyField(
        Department, through="HardwareItemDepartmentLink", related_name="hardware_items", blank=True
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class SoftwareDepartmentLink(ZouModel):
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="software_links")
    software = models.ForeignKey(Software, on_delete=models.CASCADE, related_name="department_links")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["department", "software"], name="unique_software_department_link")
        ]


class HardwareItemDepartmentLink(ZouModel):
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="hardware_item_links")
    hardware_item = models.ForeignKey(HardwareItem, on_delete=models.CASCADE, related_name="department_links")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["department", "hardware_item"], name="unique_hardware_item_department_link"
            )
        ]


class SalaryScale(ZouModel):
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="salary_scales")
    position = models.CharField(max_length=20, choices=Position.choices, default=Position.ARTIST)
    seniority = models.CharField(max_length=20, choices=Seniority.choices, default=Seniority.MID)
    salary = models.IntegerField(default=0, validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["department__name", "position", "seniority"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "position", "seniority"], name="unique_salary_scale_cell"
            )
        ]

    def __str__(self):
        # The audit log's label and the admin's title; the fill builds cells with their department at hand.
        return f"{self.department.name}, {self.get_position_display()} ({self.get_seniority_display()})"


class Organisation(ZouModel):
    """The studio's own settings; there is one row, created as "Kitsu" on first use like Zou does."""

    name = models.CharField(max_length=80, default="Kitsu")
    hours_by_day = models.FloatField(default=8, validators=[MinValueValidator(0)])
    has_avatar = models.BooleanField(default=False)
    use_original_file_name = models.BooleanField(default=False)
    timesheets_locked = models.BooleanField(default=False)
    format_duration_in_hours = models.BooleanField(default=False)
    hd_by_default = models.BooleanField(default=False)
    dark_theme_by_default = models.BooleanField(default=False)
    chat_token_slack = models.CharField(max_length=80, blank=True, default="")
    chat_webhook_mattermost = models.CharField(max_length=80, blank=True, default="")
    chat_token_discord = models.CharField(max_length=80, blank=True, default="")

    CHAT_SECRET_FIELDS = ("chat_token_slack", "chat_webhook_mattermost", "chat_token_discord")

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return self.name
