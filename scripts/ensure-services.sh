#!/usr/bin/env bash
# Make sure the services the test suite needs answer on loopback:
#   PostgreSQL on 127.0.0.1:5432 (role postgres, trust auth, allowed to create databases)
#   Redis      on 127.0.0.1:6379, and the redis-server binary (the fault tests start private servers)
#   Chromium   /usr/bin/chromium + /usr/bin/chromedriver (Debian's packages; the browser tests drive them)
#   slapd      /usr/sbin/slapd + ldap-utils (Debian's packages; the LDAP tests start private servers)
# Starts them when installed but stopped; installs them with apt-get when missing and running as root.
set -euo pipefail

PG_HOST=127.0.0.1
PG_PORT=5432
REDIS_HOST=127.0.0.1
REDIS_PORT=6379

ROOT_DIR="$(cd "$(dirname "$0")/.." && pwd)"

ok() { printf 'ok   %s\n' "$*"; }
note() { printf '...  %s\n' "$*" >&2; }
fail() {
    printf 'FAIL %s\n' "$1" >&2
    shift
    for line in "$@"; do printf '     %s\n' "$line" >&2; done
    exit 1
}

is_root() { [ "$(id -u)" -eq 0 ]; }
have() { command -v "$1" >/dev/null 2>&1; }

# apt-get install, refreshing the package lists once if the first attempt fails (fresh machines).
apt_install() {
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q "$@" || { apt-get update -q && apt-get install -y -q "$@"; }
}

# True if something accepts TCP connections on host:port (bash /dev/tcp, no extra tools).
tcp_open() {
    local host=$1 port=$2
    if have timeout; then
        timeout 2 bash -c "exec 3<>/dev/tcp/$host/$port" 2>/dev/null
    else
        (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null
    fi
}

# Wait up to $1 seconds for command "$2 ..." to succeed.
wait_for() {
    local seconds=$1
    shift
    local i
    for ((i = 0; i < seconds; i++)); do
        if "$@"; then return 0; fi
        sleep 1
    done
    "$@"
}

# ---------------------------------------------------------------- PostgreSQL

pg_up() {
    if have pg_isready; then
        pg_isready -q -h "$PG_HOST" -p "$PG_PORT" -t 2
    else
        tcp_open "$PG_HOST" "$PG_PORT"
    fi
}

pg_installed() {
    [ -d /etc/postgresql ] && [ -n "$(ls -A /etc/postgresql 2>/dev/null)" ]
}

pg_start() {
    have pg_ctlcluster || fail "PostgreSQL $PG_HOST:$PG_PORT" \
        "PostgreSQL is required for the test suite: pg_ctlcluster (postgresql-common) not found."
    local version
    version="$(ls /etc/postgresql | head -1)"
    note "starting PostgreSQL $version/main"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start ||
        fail "PostgreSQL $PG_HOST:$PG_PORT" \
            "PostgreSQL is required for the test suite: 'pg_ctlcluster $version main start' failed" \
            "(run as root or as the postgres user; see /var/log/postgresql/)."
    wait_for 30 pg_up || fail "PostgreSQL $PG_HOST:$PG_PORT" \
        "PostgreSQL is required for the test suite: cluster $version/main started but does not answer on $PG_HOST:$PG_PORT after 30 s."
}

# Run one query as role postgres over TCP without ever prompting for a password.
pg_query() {
    if have psql; then
        PGCONNECT_TIMEOUT=5 psql -X -w -q -At -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -c "$1"
    elif [ -x "$ROOT_DIR/.venv/bin/python" ]; then
        "$ROOT_DIR/.venv/bin/python" - "$PG_HOST" "$PG_PORT" "$1" <<'PY'
import sys

import psycopg

host, port, query = sys.argv[1:]
with psycopg.connect(host=host, port=int(port), user="postgres", dbname="postgres", connect_timeout=5) as conn:
    value = conn.execute(query).fetchone()[0]
print(("t" if value else "f") if isinstance(value, bool) else value)
PY
    else
        echo "neither psql nor .venv/bin/python (psycopg) is available to connect" >&2
        return 1
    fi
}

ensure_postgres() {
    if ! pg_up; then
        if ! pg_installed; then
            if is_root && have apt-get; then
                note "installing PostgreSQL (apt-get install -y postgresql)"
                apt_install postgresql >&2 || fail "PostgreSQL $PG_HOST:$PG_PORT" \
                    "PostgreSQL is required for the test suite: 'apt-get install -y postgresql' failed."
            else
                fail "PostgreSQL $PG_HOST:$PG_PORT" \
                    "PostgreSQL is required for the test suite: nothing answers on $PG_HOST:$PG_PORT and it is not installed." \
                    "Install it (e.g. 'sudo apt-get install postgresql') or rerun as root to let this script install it."
            fi
        fi
        # The package's postinst may already have started the cluster.
        pg_up || pg_start
    fi

    local out
    if ! out="$(pg_query 'select 1' 2>&1)" || [ "$out" != "1" ]; then
        fail "PostgreSQL $PG_HOST:$PG_PORT" \
            "PostgreSQL is required for the test suite: role postgres cannot connect to $PG_HOST:$PG_PORT without a password:" \
            "  ${out//$'\n'/ }" \
            "The suite connects as postgres://postgres@$PG_HOST:$PG_PORT (trust auth). Add to pg_hba.conf, before other host lines:" \
            "  host all postgres 127.0.0.1/32 trust" \
            "then reload PostgreSQL (pg_ctlcluster <version> main reload)."
    fi

    if ! out="$(pg_query 'select rolcreatedb or rolsuper from pg_roles where rolname=current_user' 2>&1)" ||
        [ "$out" != "t" ]; then
        fail "PostgreSQL $PG_HOST:$PG_PORT" \
            "PostgreSQL is required for the test suite: role postgres may not create databases (got: ${out//$'\n'/ })." \
            "pytest-django creates test_roster, test_roster_gw0, ...; run: ALTER ROLE postgres CREATEDB;"
    fi
    ok "PostgreSQL $PG_HOST:$PG_PORT"
}

# ---------------------------------------------------------------- Redis

redis_up() {
    if have redis-cli; then
        local reply
        if have timeout; then
            reply="$(timeout 3 redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null)" || return 1
        else
            reply="$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null)" || return 1
        fi
        [ "$reply" = "PONG" ]
    else
        # Speak the protocol over bash /dev/tcp: PING -> +PONG
        (
            exec 3<>"/dev/tcp/$REDIS_HOST/$REDIS_PORT" || exit 1
            printf 'PING\r\n' >&3
            IFS= read -r -t 3 reply <&3 || exit 1
            [ "${reply%$'\r'}" = "+PONG" ]
        ) 2>/dev/null
    fi
}

redis_start() {
    local data_dir=/var/lib/redis log_dir=/var/log/redis
    mkdir -p "$data_dir" "$log_dir" 2>/dev/null || true
    if ! [ -w "$data_dir" ] || ! [ -w "$log_dir" ]; then
        # Not root: keep the throwaway server's files in a private temp directory.
        data_dir="${TMPDIR:-/tmp}/roster-redis"
        log_dir="$data_dir"
        mkdir -p "$data_dir"
    fi
    note "starting redis-server on $REDIS_HOST:$REDIS_PORT (log: $log_dir/ci.log)"
    local args=(--daemonize yes --port "$REDIS_PORT" --save "" --appendonly no
        --dir "$data_dir" --logfile "$log_dir/ci.log")
    # "-::1" (optional IPv6 bind) needs Redis >= 7; retry IPv4-only on older servers.
    redis-server --bind 127.0.0.1 -::1 "${args[@]}" >&2 ||
        redis-server --bind 127.0.0.1 "${args[@]}" >&2 ||
        fail "Redis $REDIS_HOST:$REDIS_PORT" "Redis is required for the test suite: redis-server failed to start (see $log_dir/ci.log)."
    wait_for 15 redis_up || fail "Redis $REDIS_HOST:$REDIS_PORT" \
        "Redis is required for the test suite: redis-server started but does not answer PING on $REDIS_HOST:$REDIS_PORT after 15 s" \
        "(see $log_dir/ci.log)."
}

ensure_redis() {
    # The binary is needed even when a Redis already answers: the fault tests
    # (tests/notifications/test_faults.py) start and stop private servers of their own.
    if ! have redis-server; then
        if is_root && have apt-get; then
            note "installing Redis (apt-get install -y redis-server)"
            apt_install redis-server >&2 || fail "Redis $REDIS_HOST:$REDIS_PORT" \
                "Redis is required for the test suite: 'apt-get install -y redis-server' failed."
        else
            fail "Redis $REDIS_HOST:$REDIS_PORT" \
                "Redis is required for the test suite: redis-server is not installed (the fault tests start private servers)." \
                "Install it (e.g. 'sudo apt-get install redis-server') or rerun as root to let this script install it."
        fi
    fi
    # The package's postinst may already have started a server.
    redis_up || redis_start
    ok "Redis $REDIS_HOST:$REDIS_PORT"
}

# ---------------------------------------------------------------- Chromium

CHROMIUM=/usr/bin/chromium
CHROMEDRIVER=/usr/bin/chromedriver

ensure_chromium() {
    if [ ! -x "$CHROMIUM" ] || [ ! -x "$CHROMEDRIVER" ]; then
        if ! is_root || ! have apt-get; then
            fail "Chromium $CHROMIUM" \
                "Chromium is required for the browser tests (tests/test_admin_browser.py): $CHROMIUM or $CHROMEDRIVER is missing." \
                "Install Debian's packages ('sudo apt-get install chromium chromium-driver') or rerun as root to let this script install them."
        fi
        note "installing Chromium (apt-get install -y chromium chromium-driver)"
        apt_install chromium chromium-driver >&2 || fail "Chromium $CHROMIUM" \
            "Chromium is required for the browser tests: 'apt-get install -y chromium chromium-driver' failed."
        [ -x "$CHROMIUM" ] && [ -x "$CHROMEDRIVER" ] || fail "Chromium $CHROMIUM" \
            "Chromium is required for the browser tests: apt-get installed chromium and chromium-driver" \
            "but $CHROMIUM or $CHROMEDRIVER is still missing."
    fi
    local version
    version="$("$CHROMIUM" --version 2>/dev/null)" || fail "Chromium $CHROMIUM" \
        "Chromium is required for the browser tests: '$CHROMIUM --version' failed."
    version="${version#Chromium }"
    ok "Chromium ${version%% *}"
}

# ---------------------------------------------------------------- OpenLDAP

SLAPD=/usr/sbin/slapd
LDAPADD=/usr/bin/ldapadd

ensure_slapd() {
    # Only the binaries: tests/ldap/conftest.py starts a private server per test session on a free port.
    if [ ! -x "$SLAPD" ] || [ ! -x "$LDAPADD" ]; then
        if ! is_root || ! have apt-get; then
            fail "OpenLDAP $SLAPD" \
                "slapd and ldap-utils are required for the LDAP tests (tests/ldap/): $SLAPD or $LDAPADD is missing." \
                "Install Debian's packages ('sudo apt-get install slapd ldap-utils') or rerun as root to let this script install them."
        fi
        note "installing OpenLDAP (apt-get install -y slapd ldap-utils)"
        apt_install slapd ldap-utils >&2 || fail "OpenLDAP $SLAPD" \
            "slapd and ldap-utils are required for the LDAP tests: 'apt-get install -y slapd ldap-utils' failed."
        [ -x "$SLAPD" ] && [ -x "$LDAPADD" ] || fail "OpenLDAP $SLAPD" \
            "slapd and ldap-utils are required for the LDAP tests: apt-get installed them" \
            "but $SLAPD or $LDAPADD is still missing."
        # The package may start a system server on port 389; the tests need none, so it is stopped again.
        if have service; then service slapd stop >/dev/null 2>&1 || true; fi
    fi
    local version
    version="$("$SLAPD" -VV 2>&1 | head -1)" || true
    version="${version#*slapd }"
    ok "OpenLDAP slapd ${version%% *}"
}

ensure_postgres
ensure_redis
ensure_chromium
ensure_slapd
