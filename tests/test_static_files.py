"""Static files collected with DEBUG=1 (as `make run` does) or DEBUG=0 (a deployment) serve a server of
either mode: every stylesheet and script that the admin and the API docs link to answers 200.

Each case collects into its own directory, so nothing here depends on what is in the checkout's staticfiles/.
"""

import re
import runpy
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from whitenoise.compress import Compressor

PAGES = ["/admin/login/", "/api/docs/", "/api/redoc/"]
BASE_SETTINGS = Path(__file__).resolve().parent.parent / "config" / "settings" / "base.py"


def storages_when(monkeypatch, debug: bool) -> dict:
    """STORAGES as config/settings/base.py computes it for this DEBUG, read from a fresh run of the module."""
    with monkeypatch.context() as env:
        env.setenv("DEBUG", "1" if debug else "0")
        env.setenv("SECRET_KEY", "static-files-test")
        return runpy.run_path(str(BASE_SETTINGS))["STORAGES"]


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    """DEBUG of the collect -> its STATIC_ROOT, each collected once for the module."""
    roots = {}
    with pytest.MonkeyPatch.context() as monkeypatch:
        # Gzipping every file is most of a collect's time and changes no name nor link: skipped here.
        monkeypatch.setattr(Compressor, "should_compress", lambda self, path: False)
        for debug in (True, False):
            root = tmp_path_factory.mktemp(f"static-collected-debug-{int(debug)}")
            with override_settings(DEBUG=debug, STATIC_ROOT=root, STORAGES=storages_when(monkeypatch, debug)):
                call_command("collectstatic", "--noinput", verbosity=0)
            roots[debug] = root
    return roots


def linked_assets(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="(/static/[^"]+)"', html)


@pytest.mark.django_db
@pytest.mark.parametrize("collected_with_debug", [True, False], ids=["collected DEBUG=1", "collected DEBUG=0"])
@pytest.mark.parametrize("served_with_debug", [True, False], ids=["served DEBUG=1", "served DEBUG=0"])
def test_collected_static_files_serve_either_mode(monkeypatch, collected, collected_with_debug,
                                                 served_with_debug):
    with override_settings(DEBUG=served_with_debug, STATIC_ROOT=collected[collected_with_debug],
                           STORAGES=storages_when(monkeypatch, served_with_debug)):
        client = Client()  # a new client: WhiteNoise reads STATIC_ROOT and DEBUG when it starts
        for page in PAGES:
            response = client.get(page)
            assert response.status_code == 200, page
            assets = linked_assets(response.content.decode())
            assert assets, page
            hashed = [asset for asset in assets if re.search(r"\.[0-9a-f]{12}\.", asset)]
            # DEBUG=0 links the content-hashed copies (cached forever); DEBUG=1 the plain names.
            assert hashed == ([] if served_with_debug else assets), page
            for asset in assets:
                served = client.get(asset)
                assert served.status_code == 200, asset
                assert b"".join(served.streaming_content), asset
