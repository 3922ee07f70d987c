"""Every admin page loads its styles, scripts, fonts and images from this server: unfold bundles them, no CDN.

(The browser test also records every request Chromium makes while it walks the admin.)
"""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.contrib import admin
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from departments.models import Department, HardwareItem, Software, Studio
from departments.services import organisation_get_or_create, salary_scales_fill_missing
from notifications.models import OutboxEmail
from people.services.desktop_logins import desktop_login_log_create
from tests.conftest import make_person

# Attributes through which a page makes the browser fetch something.
ASSET_ATTRIBUTES = {
    "link": ("href",), "script": ("src",), "img": ("src", "srcset"), "source": ("src", "srcset"),
    "iframe": ("src",), "video": ("src", "poster"), "audio": ("src",), "embed": ("src",), "object": ("data",),
    "input": ("src",), "image": ("href",), "use": ("href",),
}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""")


class AssetParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.assets: list[str] = []
        self.in_style = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ASSET_ATTRIBUTES.get(tag, ()):
            for value in (attrs.get(name) or "").split(","):
                if value.strip():
                    self.assets.append(value.strip().split()[0])
        self.assets += css_references(attrs.get("style") or "")
        self.in_style = tag == "style"

    def handle_endtag(self, tag):
        self.in_style = False

    def handle_data(self, data):
        if self.in_style:
            self.assets += css_references(data)


def css_references(css: str) -> list[str]:
    return [first or second for first, second in CSS_URL.findall(css)]


def is_off_server(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.netloc) or parts.scheme in ("http", "https")


def assets_of(html: str) -> list[str]:
    parser = AssetParser()
    parser.feed(html)
    return parser.assets


def stylesheet_references(url: str) -> list[str]:
    """What a local stylesheet pulls in (fonts, images, imports), read from the static files."""
    path = finders.find(urlsplit(url).path.removeprefix("/static/"))
    assert path, f"{url} is not a static file of this project"
    with open(path, encoding="utf-8") as stylesheet:
        return css_references(stylesheet.read())


@pytest.fixture
def every_kind_of_row(admin):
    make_person(email="someone@studio.io")
    Department.objects.create(name="Lighting", color="#F1C40F")
    Studio.objects.create(name="Paris", color="#000000")
    Software.objects.create(name="Blender", short_name="bl")
    HardwareItem.objects.create(name="Tablet", short_name="tab")
    salary_scales_fill_missing()
    organisation_get_or_create()
    OutboxEmail.objects.create(to="a@b.io", kind="invitation", subject="s", body="b")
    desktop_login_log_create(acting_user=admin, person=admin, date=None)


def admin_pages() -> list[str]:
    pages = [reverse("admin:index"), reverse("admin:password_change")]
    for model in admin.site._registry:
        opts = model._meta
        pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
        first = model.objects.order_by("pk").first()
        if first is not None:
            pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk]))
            pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[first.pk]))
    return pages


def test_admin_pages_load_nothing_from_outside_the_server(admin, every_kind_of_row):
    hr = Client()
    login_page = hr.get(reverse("admin:login"))
    assert login_page.status_code == 200
    hr.force_login(admin)
    pages = {reverse("admin:login"): login_page}
    for path in admin_pages():
        response = hr.get(path)
        assert response.status_code in (200, 403), path  # 403: an add page where adding is off
        pages[path] = response
    assert len(pages) > 30

    stylesheets, off_server = set(), []
    for path, response in pages.items():
        for url in assets_of(response.content.decode()):
            if is_off_server(url):
                off_server.append((path, url))
            elif url.endswith(".css") or ".css?" in url:
                stylesheets.add(url)
    assert stylesheets, "the pages link their stylesheets"
    for stylesheet in sorted(stylesheets):
        off_server += [(stylesheet, url) for url in stylesheet_references(stylesheet) if is_off_server(url)]
    assert off_server == []


def test_the_fonts_are_served_from_the_bundle():
    references = stylesheet_references("/static/unfold/fonts/inter/styles.css")
    assert references and all(url.endswith(".woff2") and not is_off_server(url) for url in references)


@pytest.mark.parametrize("url", ["https://cdn.example.com/x.css", "//cdn.example.com/x.js", "http://a/b.png"])
def test_off_server_urls_are_recognised(url):
    page = (f'<link href="{url}"><script src="{url}"></script><img srcset="{url} 2x">'
            f'<div style="background: url({url})"></div><style>@import "{url}";</style>')
    assets = assets_of(page)
    assert assets == [url] * 5 and all(is_off_server(asset) for asset in assets)
    assert not is_off_server("/static/unfold/css/styles.css") and not is_off_server("data:image/png;base64,AA")
