"""A real OpenLDAP server for the LDAP tests: Debian's slapd, started once per test session (once per xdist
worker) on free loopback ports (ldap:// with StartTLS, and ldaps://, with a self-signed certificate made by
openssl), from a configuration generated in a temporary directory (mdb database, suffix dc=roster,dc=test,
the cosine, inetorgperson and nis schemas). Each test starts from the same tree
(fixtures/studio.ldif), loaded with ldap-utils; the code under test talks to it with ldap3.

No skipping: without slapd and ldap-utils the tests fail and say how to install them."""

import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.ports import unused_loopback_port

SLAPD = "/usr/sbin/slapd"
SLAPADD = "/usr/sbin/slapadd"
OPENSSL = "/usr/bin/openssl"
LDAP_TOOLS = {name: f"/usr/bin/{name}" for name in ("ldapadd", "ldapmodify", "ldapdelete", "ldapsearch")}
SCHEMAS = Path("/etc/ldap/schema")
FIXTURES = Path(__file__).parent / "fixtures"

SUFFIX = "dc=roster,dc=test"
ADMIN_DN = f"cn=admin,{SUFFIX}"
ADMIN_PASSWORD = "slapd-test-secret"
PEOPLE_DN = f"ou=people,{SUFFIX}"
GROUPS_DN = f"ou=groups,{SUFFIX}"
START_SECONDS = 20

SLAPD_CONF = """\
include {schemas}/core.schema
include {schemas}/cosine.schema
include {schemas}/inetorgperson.schema
include {schemas}/nis.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile {dir}/slapd.pid
TLSCertificateFile {dir}/server.crt
TLSCertificateKeyFile {dir}/server.key
# A person binds to check their own password; nobody reads one.
access to attrs=userPassword
    by anonymous auth
    by * none
access to * by * read
database mdb
maxsize 67108864
suffix "{suffix}"
rootdn "{admin_dn}"
rootpw {admin_password}
directory {dir}/db
"""


def _require_tools() -> None:
    missing = [path for path in (SLAPD, SLAPADD, OPENSSL, *LDAP_TOOLS.values(), str(SCHEMAS / "nis.schema"))
               if not os.path.exists(path)]
    if missing:
        pytest.fail(
            "The LDAP tests need Debian's slapd and ldap-utils, missing: " + ", ".join(missing) + ". Install them "
            "(DEBIAN_FRONTEND=noninteractive apt-get install -y slapd ldap-utils) or run `make test`, whose "
            "scripts/ensure-services.sh installs them.", pytrace=False)


@dataclass
class Slapd:
    url: str
    ldaps_url: str
    workdir: Path
    process: subprocess.Popen | None = None

    @property
    def ca_file(self) -> str:
        """The server's self-signed certificate, which is its own CA."""
        return str(self.workdir / "server.crt")

    def _tool(self, name: str, *args: str, stdin: str | None = None, check: bool = True):
        result = subprocess.run([LDAP_TOOLS[name], "-x", "-H", self.url, "-D", ADMIN_DN, "-w", ADMIN_PASSWORD,
                                 *args], input=stdin, capture_output=True, text=True, timeout=30)
        if check and result.returncode != 0:
            raise AssertionError(f"{name} {' '.join(args)} failed ({result.returncode}): {result.stderr}")
        return result

    def add(self, ldif: str) -> None:
        self._tool("ldapadd", stdin=ldif)

    def modify(self, ldif: str) -> None:
        self._tool("ldapmodify", stdin=ldif)

    def delete(self, *dns: str) -> None:
        self._tool("ldapdelete", *dns)

    def entry_uuid(self, dn: str) -> str:
        out = self._tool("ldapsearch", "-LLL", "-b", dn, "-s", "base", "(objectClass=*)", "entryUUID").stdout
        return next(line.split(":", 1)[1].strip() for line in out.splitlines() if line.startswith("entryUUID:"))

    def answers(self) -> bool:
        return self._tool("ldapsearch", "-LLL", "-b", SUFFIX, "-s", "base", "(objectClass=*)", "dn",
                          check=False).returncode == 0

    def reset(self, ldif_file: str = "studio.ldif") -> None:
        """Back to the base tree plus `ldif_file`: the two branches are emptied and filled again."""
        for branch in (PEOPLE_DN, GROUPS_DN):
            self._tool("ldapdelete", "-r", branch, check=False)
            self.add(f"dn: {branch}\nobjectClass: organizationalUnit\nou: {branch.split(',')[0][3:]}\n")
        if ldif_file:
            self.add((FIXTURES / ldif_file).read_text())


def _start(workdir: Path) -> Slapd:
    conf = workdir / "slapd.conf"
    process = None
    for _attempt in range(3):  # the port is free when picked; another process may take it before slapd binds
        server = Slapd(url=f"ldap://127.0.0.1:{unused_loopback_port()}/",
                       ldaps_url=f"ldaps://127.0.0.1:{unused_loopback_port()}/", workdir=workdir)
        log = open(workdir / "slapd.log", "w")  # noqa: SIM115 (closed with the process)
        # -d 0: stays in the foreground, so the fixture owns the process and stops it by its pid.
        process = subprocess.Popen([SLAPD, "-h", f"{server.url} {server.ldaps_url}", "-f", str(conf), "-d", "0"],
                                   stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline and process.poll() is None:
            if server.answers():
                server.process = process
                return server
            time.sleep(0.1)
        if process.poll() is None:
            process.kill()
            process.wait()
    pytest.fail(f"slapd did not answer within {START_SECONDS} s; its log:\n{(workdir / 'slapd.log').read_text()}",
                pytrace=False)


@pytest.fixture(scope="session")
def slapd(tmp_path_factory):
    _require_tools()
    workdir = tmp_path_factory.mktemp("slapd")
    (workdir / "db").mkdir()
    made = subprocess.run([OPENSSL, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                           "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                           "-keyout", str(workdir / "server.key"), "-out", str(workdir / "server.crt")],
                          capture_output=True, text=True, timeout=60)
    if made.returncode != 0:
        pytest.fail(f"openssl could not make the test certificate: {made.stderr}", pytrace=False)
    (workdir / "slapd.conf").write_text(SLAPD_CONF.format(
        schemas=SCHEMAS, dir=workdir, suffix=SUFFIX, admin_dn=ADMIN_DN, admin_password=ADMIN_PASSWORD))
    loaded = subprocess.run([SLAPADD, "-f", str(workdir / "slapd.conf"), "-l", str(FIXTURES / "base.ldif")],
                            capture_output=True, text=True, timeout=60)
    if loaded.returncode != 0:
        pytest.fail(f"slapadd of the base tree failed: {loaded.stderr}", pytrace=False)
    server = _start(workdir)
    try:
        yield server
    finally:
        server.process.terminate()
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()


@pytest.fixture
def directory(slapd, settings):
    """The studio tree, and Roster's LDAP settings pointing at it (groups mapped to two departments)."""
    slapd.reset()
    settings.LDAP_URL = slapd.url
    settings.LDAP_BIND_DN = ADMIN_DN
    settings.LDAP_BIND_PASSWORD = ADMIN_PASSWORD
    settings.LDAP_BASE_DN = PEOPLE_DN
    settings.LDAP_GROUP_BASE_DN = GROUPS_DN
    settings.LDAP_USER_FILTER = ""
    settings.LDAP_IS_AD = False
    settings.LDAP_EMAIL_DOMAIN = "mail.roster-studio.io"
    settings.LDAP_GROUP_DEPARTMENTS = ""
    settings.LDAP_MAX_DEACTIVATE = "10%"
    settings.LDAP_START_TLS = False
    settings.LDAP_TIMEOUT_SECONDS = 5
    return slapd
