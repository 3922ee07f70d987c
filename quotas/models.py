"""Quota targets (beyond Zou): how many frames, or shots, an artist of a department is expected to deliver
per week on a task type. Attainment is read, never stored (quotas.targets)."""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from config.db import ZouModel
from timetracking.models import Project


class QuotaUnit(models.TextChoices):
    FRAMES = "frames", "Frames"
    SHOTS = "shots", "Shots"


class QuotaTarget(ZouModel):
    """Per artist of `department`, per ISO week, on `task_type` (weighted by the feedback date, as Kitsu's
    default quota view counts)."""

    department = models.ForeignKey("departments.Department", on_delete=models.CASCADE, related_name="quota_targets")
    task_type = models.ForeignKey("timetracking.TaskType", on_delete=models.CASCADE, related_name="quota_targets")
    unit = models.CharField(max_length=10, choices=QuotaUnit.choices, default=QuotaUnit.FRAMES)
    per_week = models.FloatField(validators=[MinValueValidator(0.01)],
                                 help_text="Frames or shots each artist of the department should deliver a week.")

    class Meta:
        ordering = ["department__name", "task_type__name", "unit"]
        constraints = [
            models.UniqueConstraint(fields=["department", "task_type", "unit"], name="unique_quota_target"),
            models.CheckConstraint(condition=Q(per_week__gt=0), name="quota_target_positive"),
        ]

    def __str__(self):
        return f"{self.department} / {self.task_type}: {self.per_week:g} {self.unit} a week"


class QuotaReport(Project):
    """The admin's quota page of a project (a proxy: no table of its own)."""

    class Meta:
        proxy = True
        verbose_name = "quota report"
        verbose_name_plural = "quota reports"
