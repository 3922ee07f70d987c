from config.api import ZouRouter
from departments.api import views

router = ZouRouter()
router.register("data/departments", views.DepartmentViewSet, basename="departments")
router.register("data/studios", views.StudioViewSet, basename="studios")
router.register("data/teams", views.TeamViewSet, basename="teams")
router.register("data/work-shifts", views.WorkShiftViewSet, basename="work-shifts")
router.register("data/softwares", views.SoftwareViewSet, basename="softwares")
router.register("data/hardware-items", views.HardwareItemViewSet, basename="hardware-items")
router.register("data/salary-scales", views.SalaryScaleViewSet, basename="salary-scales")
router.register("data/organisations", views.OrganisationViewSet, basename="organisations")

urlpatterns = router.urls
