#!/usr/bin/env bash
# Development and CI entry points behind the Makefile: virtualenv, private PostgreSQL cluster,
# Odoo configuration, demo database, server and test run. Every step is idempotent.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE=${JXC_STATE_DIR:-$ROOT/.local}
mkdir -p "$STATE"
STATE=$(cd "$STATE" && pwd)
VENV=${JXC_VENV:-$ROOT/.venv}
PG_PORT=${JXC_PG_PORT:-54329}
HTTP_HOST=${JXC_HTTP_HOST:-127.0.0.1}
HTTP_PORT=${JXC_HTTP_PORT:-8069}
DB=${JXC_DB:-jxc_demo}
TEST_DB=${JXC_TEST_DB:-jxc_test}
DB_USER=${JXC_DB_USER:-jxc}
PY=$VENV/bin/python

die() { echo "ERROR: $*" >&2; exit 1; }
log() { echo "==> $*" >&2; }

# ---------------------------------------------------------------- Python 3.7 virtualenv
is_python37() { "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 7))' >/dev/null 2>&1; }

find_python37() {
    local root cand
    root=$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")
    # pyenv shims answer to 'python3.7' even when it is not selected: check each candidate runs.
    for cand in "${JXC_PYTHON37:-}" $(ls -d "$root"/versions/3.7.*/bin/python3.7 2>/dev/null | sort -V -r) \
                $(command -v python3.7 2>/dev/null) /usr/bin/python3.7 /usr/local/bin/python3.7; do
        if [ -n "$cand" ] && is_python37 "$cand"; then echo "$cand"; return 0; fi
    done
    return 1
}

venv() {
    local req=${1:-requirements.txt}
    if [ ! -x "$PY" ]; then
        local py37
        py37=$(find_python37) || die "Python 3.7 not found (Odoo 11 needs it). Install it (e.g. 'pyenv install 3.7') or set JXC_PYTHON37=/path/to/python3.7."
        log "creating virtualenv $VENV with $py37"
        "$py37" -m venv "$VENV"
        "$PY" -m pip install -q "setuptools<58" wheel
    fi
    local stamp="$VENV/.installed-$(basename "$req")"
    local sum
    sum=$(cat "$ROOT/requirements.txt" "$ROOT/$req" | sha1sum | cut -c1-40)
    if [ "$(cat "$stamp" 2>/dev/null)" != "$sum" ]; then
        log "installing $req into $VENV"
        # vatnumber (an Odoo dependency) needs setuptools<58 and no build isolation.
        "$PY" -m pip install -q --disable-pip-version-check --no-build-isolation -r "$ROOT/$req" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
        echo "$sum" > "$stamp"
    fi
}

# ---------------------------------------------------------------- PostgreSQL cluster
PG_BIN=""
find_pg() {
    local d
    for d in "${JXC_PG_BIN:-}" $(dirname "$(command -v pg_ctl 2>/dev/null || echo /nonexistent/x)") $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then PG_BIN=$d; return 0; fi
    done
    die "PostgreSQL server binaries (initdb, pg_ctl) not found. Install PostgreSQL 15 (Debian: apt-get install postgresql-15) or set JXC_PG_BIN."
}

# As root, the cluster runs as the 'postgres' system user (initdb refuses root).
as_pg() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

PG_DIR=""
pg_paths() {
    PG_DIR=${JXC_PG_DIR:-$STATE/pg}
    if [ "$(id -u)" = 0 ] && [ ! -e "$PG_DIR" ]; then
        mkdir -p "$PG_DIR"
        chown postgres: "$PG_DIR"
        if ! runuser -u postgres -- test -w "$PG_DIR"; then
            # The checkout lies where the postgres user cannot reach (e.g. a 0700 temp folder):
            # keep the cluster in a folder of its own and link it from the state folder.
            rmdir "$PG_DIR"
            local alt
            alt=/var/tmp/jxc-pg-$(echo "$STATE" | sha1sum | cut -c1-12)
            mkdir -p "$alt" && chown postgres: "$alt" && chmod 700 "$alt"
            ln -sfn "$alt" "$PG_DIR"
        fi
    fi
    mkdir -p "$PG_DIR"
    PG_DIR=$(cd "$PG_DIR" && pwd -P)
}

pg_start() {
    find_pg
    pg_paths
    local data=$PG_DIR/data sock=$PG_DIR/run
    if [ ! -f "$data/PG_VERSION" ]; then
        log "initializing PostgreSQL cluster in $data"
        as_pg mkdir -p "$data" "$sock"
        as_pg "$PG_BIN/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    as_pg mkdir -p "$sock"
    if ! as_pg "$PG_BIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        log "starting PostgreSQL (socket $sock, port $PG_PORT)"
        # Unix socket only: no TCP port to collide with another checkout or server.
        as_pg "$PG_BIN/pg_ctl" -D "$data" -l "$PG_DIR/postgresql.log" -w -t 60 \
            -o "-p $PG_PORT -k $sock -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null \
            || { tail -20 "$PG_DIR/postgresql.log" >&2; die "PostgreSQL did not start"; }
    fi
    local running_port
    running_port=$(as_pg sed -n 4p "$data/postmaster.pid" 2>/dev/null || true)
    PG_PORT=${running_port:-$PG_PORT}
    PG_SOCK=$sock
    # A dedicated non-superuser role: Odoo refuses to run as 'postgres'.
    if ! psql_pg -tAc "SELECT 1 FROM pg_roles WHERE rolname='$DB_USER'" | grep -q 1; then
        psql_pg -qc "CREATE ROLE \"$DB_USER\" LOGIN CREATEDB" >/dev/null
    fi
}

psql_pg() { psql -h "$PG_SOCK" -p "$PG_PORT" -U postgres -d postgres -X "$@"; }

pg_stop() {
    find_pg
    pg_paths
    if [ -f "$PG_DIR/data/PG_VERSION" ] && as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" status >/dev/null 2>&1; then
        as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null
        log "PostgreSQL stopped"
    else
        log "PostgreSQL is not running"
    fi
}

pg_running() {
    find_pg
    pg_paths
    [ -f "$PG_DIR/data/PG_VERSION" ] && as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" status >/dev/null 2>&1
}

db_exists() { psql_pg -tAc "SELECT 1 FROM pg_database WHERE datname='$1'" | grep -q 1; }

# ---------------------------------------------------------------- System packages, lessc
# What the web client and printing need beyond Python: Debian packages (installed with apt-get
# when running as root, else named in the error) and node's lessc in a project-local folder.
# WenQuanYi Zen Hei: with Noto Sans CJK, wkhtmltopdf writes some ideographs as Kangxi radicals.
RUN_DEBS="wkhtmltopdf fonts-wqy-zenhei"
TEST_DEBS="chromium chromium-driver poppler-utils"

deb_missing() {
    local pkg out=""
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || out="$out $pkg"
    done
    echo "$out"
}

system_packages() {
    local missing
    missing=$(deb_missing "$@")
    [ -z "$missing" ] && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        log "installing Debian packages:$missing"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >/dev/null || die "apt-get update failed: cannot install$missing"
        # shellcheck disable=SC2086
        apt-get install -y -qq --no-install-recommends $missing >/dev/null \
            || die "apt-get install failed for:$missing"
    else
        die "missing Debian packages:$missing (the web client needs lessc from nodejs/npm, printing needs wkhtmltopdf and a CJK font, the browser tests chromium, chromium-driver and pdftotext). Install them: sudo apt-get install$missing"
    fi
}

# lessc for Odoo 11's LESS assets: less 3.x pinned in tools/web (4.x breaks Bootstrap 3's math).
NODE_DIR=$STATE/node
web_tools() {
    local stamp=$NODE_DIR/.installed sum
    sum=$(cat "$ROOT/tools/web/package.json" "$ROOT/tools/web/package-lock.json" | sha1sum | cut -c1-40)
    if [ "$(cat "$stamp" 2>/dev/null)" != "$sum" ] || [ ! -x "$NODE_DIR/node_modules/.bin/lessc" ]; then
        # Any node with npm will do (Debian's nodejs + npm when none is on PATH).
        command -v npm >/dev/null || system_packages nodejs npm
        log "installing lessc (less 3.x) into $NODE_DIR"
        mkdir -p "$NODE_DIR"
        cp "$ROOT/tools/web/package.json" "$ROOT/tools/web/package-lock.json" "$NODE_DIR/"
        (cd "$NODE_DIR" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || die "npm ci failed in $NODE_DIR"
        echo "$sum" > "$stamp"
    fi
    "$NODE_DIR/node_modules/.bin/lessc" --version >/dev/null || die "lessc does not run ($NODE_DIR)"
    export PATH="$NODE_DIR/node_modules/.bin:$PATH"
}

# ---------------------------------------------------------------- Odoo
OVERLAY=$STATE/addons-overlay
write_conf() {
    local conf=$1 http_port=$2
    local addons
    addons=$("$PY" -c 'import os, odoo.addons as a; print(os.path.dirname(a.__file__))')
    mkdir -p "$STATE/odoo-data"
    # Stubs hiding the wheels' addons whose dependencies are not installed (see the script).
    "$PY" "$ROOT/tools/addons_overlay.py" "$OVERLAY" "$ROOT" >/dev/null
    cat > "$conf" <<CONF
[options]
addons_path = $OVERLAY,$addons,$ROOT
bin_path = $NODE_DIR/node_modules/.bin
data_dir = $STATE/odoo-data
db_host = $PG_SOCK
db_port = $PG_PORT
db_user = $DB_USER
db_password = False
admin_passwd = admin
http_interface = $HTTP_HOST
http_port = $http_port
list_db = True
without_demo = False
max_cron_threads = 1
CONF
}

odoo() { "$PY" -c 'import odoo.cli; odoo.cli.main()' "$@"; }

log_errors() { grep -E "^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) " "$1" || true; }

psql_db() { psql -h "$PG_SOCK" -p "$PG_PORT" -U "$DB_USER" -d "$1" -X -v ON_ERROR_STOP=1 -tAc "$2"; }

# Odoo's scheduler skips a database holding modules to install/upgrade/remove: none may be left.
# Databases made before the overlay existed hold hidden addons "to install": make them
# "not installable", as the overlay now declares them.
db_health() {
    local db=$1 hidden pending
    hidden=$(ls "$OVERLAY" 2>/dev/null | paste -sd, -)
    psql_db "$db" "UPDATE ir_module_module SET state = 'uninstallable'
                   WHERE state IN ('to install', 'to upgrade')
                     AND name = ANY(string_to_array('$hidden', ','))" >/dev/null
    pending=$(psql_db "$db" "SELECT string_agg(name || ' (' || state || ')', ', ')
                             FROM ir_module_module WHERE state IN ('to install', 'to upgrade', 'to remove')")
    [ -z "$pending" ] || die "database $db has modules waiting: $pending. Odoo's scheduler skips it until they are installed or reset."
}

# Odoo's own -i does not fail on install errors: check the log and the module state.
create_db() {
    local conf=$1 db=$2 logf=$STATE/install-$2.log
    log "creating database $db (l10n_cn_small_business chart, zh_CN, jxc_addon with demo data); log: $logf"
    : > "$logf"
    # The chart first: jxc_addon configures its accounts from the chart it finds.
    odoo -c "$conf" -d "$db" -i l10n_cn_small_business --load-language=zh_CN --stop-after-init --logfile="$logf" --log-level=warn
    odoo -c "$conf" -d "$db" -i jxc_addon --stop-after-init --logfile="$logf" --log-level=warn
    local state
    state=$(psql -h "$PG_SOCK" -p "$PG_PORT" -U "$DB_USER" -d "$db" -X -tAc "SELECT state FROM ir_module_module WHERE name='jxc_addon'")
    if [ "$state" != installed ] || log_errors "$logf" | grep -q .; then
        log_errors "$logf" | head -60 >&2 || true
        die "jxc_addon failed to install in $db (state: ${state:-missing})"
    fi
    db_health "$db"
}

free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

cmd_run() {
    system_packages $RUN_DEBS
    venv requirements.txt
    web_tools
    pg_start
    local conf=$STATE/odoo.conf
    write_conf "$conf" "$HTTP_PORT"
    db_exists "$DB" || create_db "$conf" "$DB"
    db_health "$DB"
    cat <<MSG

  进销存 JXC is served at http://$HTTP_HOST:$HTTP_PORT  (database: $DB)
  Logins (password = login):
    admin       Administrator (进销存 Manager)
    manager     进销存 Manager
    purchaser   Purchaser
    salesman    Salesman
    keeper      Warehouse keeper
    accountant  Accountant
    viewer      User (read only)
  Ctrl-C stops Odoo; 'make stop' stops PostgreSQL.

MSG
    # The log goes to the terminal and to $STATE/server.log (read it: an ERROR line is a defect).
    exec "$PY" -c 'import odoo.cli; odoo.cli.main()' -c "$conf" -d "$DB" --db-filter="^$DB\$" \
        > >(tee "$STATE/server.log") 2>&1
}

cmd_test() {
    system_packages $RUN_DEBS $TEST_DEBS
    venv requirements-test.txt
    web_tools
    pg_start
    local conf=$STATE/odoo-$TEST_DB.conf
    write_conf "$conf" "$(free_port)"
    if [ "${JXC_REUSE_DB:-}" = 1 ] && db_exists "$TEST_DB"; then
        # Iterating on a change: update the module in the existing test database.
        log "updating jxc_addon in $TEST_DB"
        : > "$STATE/update-$TEST_DB.log"
        odoo -c "$conf" -d "$TEST_DB" -u jxc_addon --stop-after-init --log-level=warn --logfile="$STATE/update-$TEST_DB.log"
        ! log_errors "$STATE/update-$TEST_DB.log" | grep . >&2 || die "updating jxc_addon failed (log: $STATE/update-$TEST_DB.log)"
        db_health "$TEST_DB"
    else
        if db_exists "$TEST_DB"; then
            psql_pg -qc "DROP DATABASE \"$TEST_DB\"" >/dev/null
        fi
        create_db "$conf" "$TEST_DB"
    fi
    # A copy made by the same setup for the scheduler test, whose server runs every due job.
    psql_pg -qc "DROP DATABASE IF EXISTS \"${TEST_DB}_cron\"" >/dev/null
    psql_pg -qc "CREATE DATABASE \"${TEST_DB}_cron\" TEMPLATE \"$TEST_DB\" OWNER \"$DB_USER\"" >/dev/null
    export JXC_ODOO_CONF=$conf JXC_TEST_DB=$TEST_DB JXC_PYTHON=$PY JXC_ROOT=$ROOT JXC_STATE_DIR=$STATE
    cd "$ROOT"
    log "running pytest"
    # Arguments (e.g. a test file, -k, -x) replace the default: every test.
    [ $# -gt 0 ] || set -- jxc_addon/tests tests
    "$PY" -m pytest -p no:cacheprovider --odoo-config="$conf" --odoo-database="$TEST_DB" "$@"
}

# Regenerate jxc_addon.pot from the test database and merge it into zh_CN.po (translations kept).
cmd_i18n() {
    venv requirements-test.txt
    pg_start
    local conf=$STATE/odoo-$TEST_DB.conf
    write_conf "$conf" "$(free_port)"
    db_exists "$TEST_DB" || create_db "$conf" "$TEST_DB"
    odoo -c "$conf" -d "$TEST_DB" -u jxc_addon --stop-after-init --log-level=warn --logfile="$STATE/i18n.log"
    # Odoo exports a template when given no language, but only under a .po name.
    odoo -c "$conf" -d "$TEST_DB" --i18n-export="$STATE/jxc_addon.po" --modules=jxc_addon \
        --stop-after-init --log-level=warn --logfile="$STATE/i18n.log"
    mv "$STATE/jxc_addon.po" "$ROOT/jxc_addon/i18n/jxc_addon.pot"
    "$PY" "$ROOT/tools/po_merge.py" "$ROOT/jxc_addon/i18n/jxc_addon.pot" "$ROOT/jxc_addon/i18n/zh_CN.po"
}

# Benchmarks: jxc_addon and Odoo's own stock_account side by side (databases made on first use).
cmd_bench() {
    venv requirements-test.txt
    pg_start
    local conf=$STATE/odoo-bench.conf
    write_conf "$conf" "$(free_port)"
    if ! db_exists jxc_bench; then
        log "creating database jxc_bench"
        odoo -c "$conf" -d jxc_bench -i l10n_cn_small_business --without-demo=all --stop-after-init --log-level=warn
        odoo -c "$conf" -d jxc_bench -i jxc_addon --without-demo=all --stop-after-init --log-level=warn
    fi
    # Measure the code of this checkout: bring the module's schema up to date.
    odoo -c "$conf" -d jxc_bench -u jxc_addon --stop-after-init --log-level=warn
    if ! db_exists jxc_bench_odoo; then
        log "creating database jxc_bench_odoo (stock_account, sale_stock: average cost, real-time valuation)"
        odoo -c "$conf" -d jxc_bench_odoo -i l10n_cn_small_business,stock_account,sale_management,sale_stock --without-demo=all --stop-after-init --log-level=warn
    fi
    # Databases made before the sales flow was measured lack sale_stock.
    odoo -c "$conf" -d jxc_bench_odoo -i sale_management,sale_stock --without-demo=all --stop-after-init --log-level=warn
    "$PY" "$ROOT/bench/bench_stock.py" --conf "$conf" --db jxc_bench --odoo-db jxc_bench_odoo "$@"
}

case "${1:-}" in
    i18n) cmd_i18n ;;
    bench) shift; cmd_bench "$@" ;;
    venv) venv "${2:-requirements.txt}" ;;
    pg-start) pg_start; echo "PostgreSQL running: socket $PG_SOCK port $PG_PORT" ;;
    pg-stop|stop) pg_stop ;;
    pg-running) pg_running ;;
    run) cmd_run ;;
    test) shift; cmd_test "$@" ;;
    *) die "usage: $0 venv|pg-start|stop|run|test" ;;
esac
