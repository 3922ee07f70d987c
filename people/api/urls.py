from config.api import ZouRouter, api_path
from people.api import auth_views, hr_views, permission_views, user_views, views

router = ZouRouter()
router.register("data/persons", views.PersonViewSet, basename="persons")

PERSON = r"(?P<person_id>[^/]+)"
actions = views.PersonActionViewSet.as_view
hr_data = hr_views.PersonHrDataViewSet.as_view  # HR-data reads, scoped by people.visibility

# Static and sub-resource paths come before the router's `data/persons/<pk>` pattern.
urlpatterns = [
    # Settings, search, the current user, presence and the directory (issue 7 item 6): `search` and `directory`
    # before any `data/persons/<id>` pattern, which would take them for ids.
    api_path("data/persons/search", user_views.PersonLookupViewSet.as_view({"get": "search"}),
             name="persons-search"),
    api_path("data/persons/directory", user_views.PersonLookupViewSet.as_view({"get": "directory"}),
             name="persons-directory"),
    api_path(f"data/persons/{PERSON}/settings",
             user_views.PersonSettingsViewSet.as_view({"get": "view_settings", "put": "replace_settings"}),
             name="person-settings"),
    api_path("data/user/me", user_views.CurrentUserViewSet.as_view({"get": "me"}), name="user-me"),
    api_path("data/user/profile", user_views.CurrentUserViewSet.as_view({"patch": "update_profile"}),
             name="user-profile"),
    api_path("data/user/presence", user_views.CurrentUserViewSet.as_view({"patch": "set_presence"}),
             name="user-presence"),
    api_path("auth/login", auth_views.LoginView.as_view(), name="auth-login"),
    api_path("auth/authenticated", auth_views.AuthenticatedView.as_view(), name="auth-authenticated"),
    api_path("auth/logout", auth_views.LogoutView.as_view(), name="auth-logout"),
    api_path("auth/refresh-token", auth_views.RefreshTokenView.as_view(), name="auth-refresh-token"),
    api_path("auth/change-password", auth_views.ChangePasswordView.as_view(), name="auth-change-password"),
    api_path("auth/reset-password", auth_views.ResetPasswordView.as_view(), name="auth-reset-password"),
    api_path(f"actions/persons/{PERSON}/departments/add", actions({"post": "add_department"}),
             name="person-department-add"),
    api_path(rf"actions/persons/{PERSON}/departments/(?P<department_id>[^/]+)",
             actions({"delete": "remove_department"}), name="person-department-remove"),
    # `assign-all` and `remove-all` before the `<team_id>` pattern, which would take them for ids.
    api_path(f"actions/persons/{PERSON}/teams/assign-all", actions({"post": "join_all_teams"}),
             name="person-teams-assign-all"),
    api_path(f"actions/persons/{PERSON}/teams/remove-all", actions({"delete": "leave_all_teams"}),
             name="person-teams-remove-all"),
    api_path(rf"actions/persons/{PERSON}/teams/(?P<team_id>[^/]+)",
             actions({"post": "join_team", "delete": "leave_team"}), name="person-team"),
    api_path(f"actions/persons/{PERSON}/lock", actions({"post": "lock"}), name="person-lock"),
    api_path(f"actions/persons/{PERSON}/unlock", actions({"delete": "unlock"}), name="person-unlock"),
    api_path(f"actions/persons/{PERSON}/suspend", actions({"post": "suspend"}), name="person-suspend"),
    api_path(f"actions/persons/{PERSON}/activate", actions({"post": "activate"}), name="person-activate"),
    api_path(f"actions/persons/{PERSON}/force-password-reset", actions({"post": "force_password_reset"}),
             name="person-force-password-reset"),
    api_path(f"data/persons/{PERSON}/status", actions({"patch": "set_status"}), name="person-status"),
    api_path(f"data/persons/{PERSON}/reporting", actions({"patch": "set_reporting"}), name="person-reporting"),
    api_path(f"data/persons/{PERSON}/role", actions({"patch": "set_role"}), name="person-role"),
    api_path(f"data/persons/{PERSON}/department", actions({"patch": "set_department"}), name="person-department"),
    api_path(f"data/persons/{PERSON}/department-details", actions({"patch": "set_department_details"}),
             name="person-department-details"),
    api_path(f"data/persons/{PERSON}/admin-profile", hr_data({"get": "admin_profile", "patch": "set_admin_profile"}),
             name="person-admin-profile"),
    api_path(f"data/persons/{PERSON}/admin-summary", hr_data({"get": "admin_summary"}), name="person-admin-summary"),
    api_path(f"actions/persons/{PERSON}/change-password", actions({"post": "set_password"}),
             name="person-change-password"),
    api_path(f"actions/persons/{PERSON}/invite", actions({"get": "invite"}), name="person-invite"),
    api_path(f"actions/persons/{PERSON}/reset-password-link", actions({"post": "reset_password_link"}),
             name="person-reset-password-link"),
    api_path(f"actions/persons/{PERSON}/disable-two-factor-authentication",
             actions({"delete": "disable_two_factor"}), name="person-disable-two-factor"),
    api_path(f"data/persons/{PERSON}/two-factor-authentication", actions({"delete": "disable_two_factor"}),
             name="person-two-factor"),
    api_path(f"actions/persons/{PERSON}/clear-avatar", actions({"delete": "clear_avatar"}),
             name="person-clear-avatar"),
    api_path(f"data/persons/{PERSON}/avatar", actions({"delete": "clear_avatar"}), name="person-avatar"),
    api_path(r"pictures/thumbnails/persons/(?P<person_id>[^/]+)\.png", actions({"get": "download_avatar"}),
             name="person-avatar-download"),
    api_path(f"pictures/thumbnails/persons/{PERSON}", actions({"post": "upload_avatar"}),
             name="person-avatar-upload"),
    api_path(f"data/persons/{PERSON}/audit-logs", hr_data({"get": "audit_logs"}), name="person-audit-logs"),
    api_path(f"data/persons/{PERSON}/desktop-login-logs",
             actions({"get": "desktop_login_logs", "post": "add_desktop_login_log"}),
             name="person-desktop-login-logs"),
    api_path("data/user/desktop-login-logs",
             actions({"get": "my_desktop_login_logs", "post": "add_my_desktop_login_log"}),
             name="user-desktop-login-logs"),
    # Grants and denials (issue 7): read by admins, HR and the person; set by admins and HR.
    api_path(f"data/persons/{PERSON}/permissions",
             permission_views.PersonPermissionsViewSet.as_view({"get": "retrieve_permissions",
                                                               "patch": "update_permissions"}),
             name="person-permissions"),
    *router.urls,
]
