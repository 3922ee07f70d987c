from config.filters import ZouFilterSet
from departments.models import (
    Department,
    HardwareItem,
    Organisation,
    SalaryScale,
    Software,
    Studio,
    Team,
    WorkShift,
)


class DepartmentFilterSet(ZouFilterSet):
    class Meta:
        model = Department
        fields = ["id", "name", "color", "archived", "created_at", "updated_at"]


class StudioFilterSet(ZouFilterSet):
    class Meta:
        model = Studio
        fields = ["id", "name", "color", "archived", "created_at", "updated_at"]


class WorkShiftFilterSet(ZouFilterSet):
    class Meta:
        model = WorkShift
        fields = ["id", "name", "created_at", "updated_at"]


class TeamFilterSet(ZouFilterSet):
    class Meta:
        model = Team
        fields = ["id", "name", "archived", "created_at", "updated_at"]


class SoftwareFilterSet(ZouFilterSet):
    class Meta:
        model = Software
        fields = ["id", "name", "short_name", "archived", "version", "file_extension", "monthly_cost",
                  "inventory_amount", "created_at", "updated_at"]


class HardwareItemFilterSet(ZouFilterSet):
    class Meta:
        model = HardwareItem
        fields = ["id", "name", "short_name", "archived", "monthly_cost", "inventory_amount", "created_at",
                  "updated_at"]


class SalaryScaleFilterSet(ZouFilterSet):
    class Meta:
        model = SalaryScale
        fields = ["id", "department", "position", "seniority", "salary"]


class OrganisationFilterSet(ZouFilterSet):
    class Meta:
        model = Organisation
        fields = ["id", "name"]
