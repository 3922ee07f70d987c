"""The time-tracking routes. Included before people's, so that the persons router's `data/persons/<pk>`
pattern never swallows the time routes Zou serves under `/data/persons/...`; within this file, static
segments come before `<person_id>`."""

from config.api import ZouRouter, api_path
from timetracking.api import time_views, views
from timetracking.api.presence_views import PresenceLogsView

router = ZouRouter()
router.register("data/projects", views.ProjectViewSet, basename="projects")
router.register("data/entity-types", views.EntityTypeViewSet, basename="entity-types")
router.register("data/task-types", views.TaskTypeViewSet, basename="task-types")
router.register("data/task-status", views.TaskStatusViewSet, basename="task-status")
router.register("data/entities", views.EntityViewSet, basename="entities")
router.register("data/tasks", views.TaskViewSet, basename="tasks")
router.register("data/time-spents", time_views.TimeSpentViewSet, basename="time-spents")
router.register("data/day-offs", time_views.DayOffViewSet, basename="day-offs")

PERSON = r"(?P<person_id>[^/]+)"
TASK = r"(?P<task_id>[^/]+)"
DATE = r"(?P<date>[^/]+)"
YEAR = r"(?P<year>\d+)"
MONTH = r"(?P<month>\d+)"
WEEK = r"(?P<week>\d+)"
DAY = r"(?P<day>\d+)"

task_time = time_views.TaskTimeSpentViewSet.as_view
person_time = time_views.PersonTimeViewSet.as_view
tables = time_views.TimeTablesViewSet.as_view
mine = time_views.CurrentUserTimeViewSet.as_view
sequences = views.SequenceViewSet.as_view
shots = views.ShotViewSet.as_view
episodes = views.EpisodeViewSet.as_view
scenes = views.SceneViewSet.as_view
PROJECT = r"(?P<project_id>[^/]+)"
PK = r"(?P<pk>[^/]+)"
EPISODE = r"(?P<episode_id>[^/]+)"
SEQUENCE = r"(?P<sequence_id>[^/]+)"

urlpatterns = [
    # 5.3: logging time on a task
    api_path(f"actions/tasks/{TASK}/time-spents/{DATE}/persons/{PERSON}/add", task_time({"post": "add_time"}),
             name="task-time-spent-add"),
    api_path(f"actions/tasks/{TASK}/time-spents/{DATE}/persons/{PERSON}",
             task_time({"post": "set_time", "delete": "remove_time"}), name="task-time-spent"),
    api_path(f"actions/tasks/{TASK}/time-spents/{DATE}", task_time({"get": "task_time_of_day"}),
             name="task-time-spents-of-day"),
    api_path(f"actions/tasks/{TASK}/time-spents", task_time({"get": "task_time"}), name="task-time-spents"),
    # 5 #3, #11-#14, #16: static paths under data/persons/
    api_path(r"data/persons/presence-logs/(?P<month>[^/]+)", PresenceLogsView.as_view(), name="presence-logs"),
    api_path("data/persons/time-spents/year-table", tables({"get": "year_table"}), name="time-table-year"),
    api_path(f"data/persons/time-spents/month-table/{YEAR}", tables({"get": "month_table"}),
             name="time-table-month"),
    api_path(f"data/persons/time-spents/week-table/{YEAR}", tables({"get": "week_table"}),
             name="time-table-week"),
    api_path(f"data/persons/time-spents/day-table/{YEAR}/{MONTH}", tables({"get": "day_table"}),
             name="time-table-day"),
    api_path(f"data/persons/day-offs/{YEAR}/{MONTH}", tables({"get": "month_day_offs"}),
             name="day-offs-of-month"),
    # 5 #4-#10: a person's time spent
    api_path(f"data/persons/{PERSON}/time-spents", person_time({"get": "time_spents"}),
             name="person-time-spents"),
    api_path(f"data/persons/{PERSON}/time-spents/month/all/{YEAR}/{MONTH}", person_time({"get": "month_all"}),
             name="person-time-spents-month-all"),
    api_path(f"data/persons/{PERSON}/time-spents/year/{YEAR}", person_time({"get": "year_entries"}),
             name="person-time-spents-year"),
    api_path(f"data/persons/{PERSON}/time-spents/month/{YEAR}/{MONTH}", person_time({"get": "month_entries"}),
             name="person-time-spents-month"),
    api_path(f"data/persons/{PERSON}/time-spents/week/{YEAR}/{WEEK}", person_time({"get": "week_entries"}),
             name="person-time-spents-week"),
    api_path(f"data/persons/{PERSON}/time-spents/day/{YEAR}/{MONTH}/{DAY}", person_time({"get": "day_entries"}),
             name="person-time-spents-day"),
    api_path(f"data/persons/{PERSON}/time-spents/{DATE}", person_time({"get": "time_of_day"}),
             name="person-time-spents-of-day"),
    # 5 #15, #17-#20: a person's day-offs
    api_path(f"data/persons/{PERSON}/day-offs", person_time({"get": "day_offs"}), name="person-day-offs"),
    api_path(f"data/persons/{PERSON}/day-offs/week/{YEAR}/{WEEK}", person_time({"get": "week_day_offs"}),
             name="person-day-offs-week"),
    api_path(f"data/persons/{PERSON}/day-offs/month/{YEAR}/{MONTH}", person_time({"get": "month_day_offs"}),
             name="person-day-offs-month"),
    api_path(f"data/persons/{PERSON}/day-offs/year/{YEAR}", person_time({"get": "year_day_offs"}),
             name="person-day-offs-year"),
    api_path(f"data/persons/{PERSON}/day-offs/{DATE}", person_time({"get": "day_off_of_day"}),
             name="person-day-off-of-day"),
    # 5.2: the current user's
    api_path("data/user/time-spents", mine({"get": "my_time_spents"}), name="user-time-spents"),
    api_path(f"data/user/time-spents/{DATE}", mine({"get": "my_time_of_day"}), name="user-time-spents-of-day"),
    api_path(f"data/user/tasks/{TASK}/time-spents/{DATE}", mine({"get": "my_task_time"}),
             name="user-task-time-spent"),
    api_path(f"data/user/day-offs/{DATE}", mine({"get": "my_day_off"}), name="user-day-off"),
    # Zou's shots blueprint, as far as gazu.shot's and gazu.scene's helpers go: before the projects router's
    # `data/projects/<pk>`, and `shots/all`, `scenes/all` before `<kind>/<pk>`.
    api_path(f"data/projects/{PROJECT}/episodes", episodes({"get": "project_list", "post": "project_create"}),
             name="project-episodes"),
    api_path(f"data/projects/{PROJECT}/sequences", sequences({"get": "project_list", "post": "project_create"}),
             name="project-sequences"),
    api_path(f"data/projects/{PROJECT}/shots", shots({"get": "project_list", "post": "project_create"}),
             name="project-shots"),
    api_path(f"data/projects/{PROJECT}/scenes", scenes({"get": "project_list", "post": "project_create"}),
             name="project-scenes"),
    api_path("data/episodes", episodes({"get": "list"}), name="episodes-list"),
    api_path(f"data/episodes/{EPISODE}/sequences", sequences({"get": "episode_list"}), name="episode-sequences"),
    api_path(f"data/episodes/{EPISODE}/shots", shots({"get": "episode_list"}), name="episode-shots"),
    api_path(f"data/episodes/{PK}", episodes({"get": "retrieve", "delete": "destroy"}), name="episodes-detail"),
    api_path("data/sequences", sequences({"get": "list"}), name="sequences-list"),
    api_path(f"data/sequences/{SEQUENCE}/shots", shots({"get": "sequence_list"}), name="sequence-shots"),
    api_path(f"data/sequences/{SEQUENCE}/scenes", scenes({"get": "sequence_list"}), name="sequence-scenes"),
    api_path(f"data/sequences/{PK}", sequences({"get": "retrieve", "delete": "destroy"}),
             name="sequences-detail"),
    api_path("data/shots", shots({"get": "list"}), name="shots-list"),
    api_path("data/shots/all", shots({"get": "list"}), name="shots-all"),
    api_path(f"data/shots/{PK}", shots({"get": "retrieve", "put": "update", "delete": "destroy"}),
             name="shots-detail"),
    api_path("data/scenes/all", scenes({"get": "list"}), name="scenes-all"),
    api_path(f"data/scenes/{PK}", scenes({"get": "retrieve"}), name="scenes-detail"),
    *router.urls,
]
