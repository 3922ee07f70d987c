"""Kitsu's default task statuses (Zou's `init-data`), by short name: the data migration creates the missing ones
on a fresh database, and the CSV import gives a status it creates these names, colours and flags. Plain data:
migrations import it, so it imports nothing."""

ZOU_DEFAULT_TASK_STATUSES = {
    "todo": {"name": "Todo", "color": "#f5f5f5", "is_default": True},
    "ready": {"name": "Ready", "color": "#fbbf24"},
    "wip": {"name": "Work In Progress", "color": "#3273dc", "is_wip": True},
    "wfa": {"name": "Waiting For Approval", "color": "#ab26ff", "is_feedback_request": True},
    "retake": {"name": "Retake", "color": "#ff3860", "is_retake": True},
    "done": {"name": "Done", "color": "#22d160", "is_done": True},
}
