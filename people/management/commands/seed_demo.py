"""Demo data for `make run`: an admin, a few departments and one person of every role. Idempotent.

With `--persons N --time-spents M` it also generates a studio-sized time history in bulk (timetracking's
`seed_history` command, called by name: people does not import timetracking)."""

import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from departments.models import Department, Studio
from people.models import Person, PersonDepartment, Role
from people.services.persons import person_create

DEMO_PASSWORD = os.environ.get("ROSTER_DEMO_PASSWORD", "roster-demo-2026")
ADMIN_EMAIL = "admin@roster.localhost.dev"

DEPARTMENTS = [("Modeling", "#E67E22"), ("Animation", "#3498DB"), ("Lighting", "#F1C40F"),
               ("Compositing", "#9B59B6"), ("Production", "#2ECC71")]
PERSONS = [
    ("Ada", "Admin", ADMIN_EMAIL, Role.ADMIN, "Production"),
    ("Mona", "Manager", "mona.manager@roster.localhost.dev", Role.MANAGER, "Production"),
    ("Sam", "Supervisor", "sam.supervisor@roster.localhost.dev", Role.SUPERVISOR, "Animation"),
    ("Artie", "Artist", "artie.artist@roster.localhost.dev", Role.USER, "Modeling"),
    ("Lena", "Lighter", "lena.lighter@roster.localhost.dev", Role.USER, "Lighting"),
    ("Carl", "Client", "carl.client@roster.localhost.dev", Role.CLIENT, None),
    ("Vera", "Vendor", "vera.vendor@roster.localhost.dev", Role.VENDOR, "Compositing"),
    ("Hana", "Hr", "hana.hr@roster.localhost.dev", Role.HR, "Production"),
]


class Command(BaseCommand):
    help = "Create (once) demo departments and one person of every role; prints the admin's credentials."

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, help="Also generate this many persons with a time history.")
        parser.add_argument("--time-spents", type=int, help="Time-spent rows of that history (with --persons).")
        parser.add_argument("--seed", type=int, default=1, help="The history's random seed.")

    def handle(self, *args, persons=None, time_spents=None, seed=1, **options):
        self.seed_demo()
        if persons or time_spents:
            call_command("seed_history", persons=persons or 2000, time_spents=time_spents or 300_000, seed=seed,
                         stdout=self.stdout, stderr=self.stderr)

    @transaction.atomic
    def seed_demo(self):
        studio, _ = Studio.objects.get_or_create(name="Main studio", defaults={"color": "#34495E"})
        departments = {}
        for name, color in DEPARTMENTS:
            departments[name], _ = Department.objects.get_or_create(name=name, defaults={"color": color})
        created = 0
        for first_name, last_name, email, role, department in PERSONS:
            person = Person.objects.filter(email__iexact=email, is_bot=False).first()
            if person is None:
                person = person_create(acting_user=None, data={
                    "first_name": first_name, "last_name": last_name, "email": email, "role": role,
                    "password": DEMO_PASSWORD, "studio_id": studio.pk,
                    "desktop_login": f"{first_name}.{last_name}".lower(),
                }).person
                created += 1
            if department:
                PersonDepartment.objects.get_or_create(person=person, department=departments[department])
        self.stdout.write(self.style.SUCCESS(
            f"Demo data ready ({created} persons created, {Person.objects.count()} in all)."
        ))
        self.stdout.write(f"Demo admin: {ADMIN_EMAIL} / password: {DEMO_PASSWORD}")
        site = settings.ROSTER_SITE_URL
        self.stdout.write(f"Admin site: {site}/admin/  API docs: {site}/api/docs/  Health: {site}/health/")
