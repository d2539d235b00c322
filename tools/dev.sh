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

# The server options of the cluster. "run"/"tool" (make run, bench, backup, pg-start) keep PostgreSQL's durable
# defaults: fsync, synchronous_commit and full_page_writes on, so an acknowledged posting survives a
# power cut. "test" (make test, for a cluster it starts itself) turns them off for speed.
pg_opts() {
    local mode=${1:-run} sock=${2:-$PG_DIR/run}
    local opts="-p $PG_PORT -k $sock -c listen_addresses='' -c max_connections=200"
    [ "$mode" = test ] && opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    echo "$opts"
}
# pg_start's mode: "run" (make run) restarts a fast cluster durable before serving; "test" starts a
# stopped cluster fast; "tool" (everything else) starts a stopped cluster durable and never restarts one
# (a test run may be using it).
PG_MODE=tool

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
            -o "$(pg_opts "$PG_MODE" "$sock")" start >/dev/null \
            || { tail -20 "$PG_DIR/postgresql.log" >&2; die "PostgreSQL did not start"; }
    fi
    local running_port
    running_port=$(as_pg sed -n 4p "$data/postmaster.pid" 2>/dev/null || true)
    PG_PORT=${running_port:-$PG_PORT}
    PG_SOCK=$sock
    # A cluster left in fast mode (started by make test) is restarted durable before serving.
    if [ "$PG_MODE" = run ] && [ "$(psql_pg -tAc 'SHOW fsync')" != on ]; then
        log "PostgreSQL runs with fsync=off (started by a test run): restarting it durable"
        as_pg "$PG_BIN/pg_ctl" -D "$data" -m fast -w stop >/dev/null
        as_pg "$PG_BIN/pg_ctl" -D "$data" -l "$PG_DIR/postgresql.log" -w -t 60 \
            -o "$(pg_opts run "$sock")" start >/dev/null \
            || { tail -20 "$PG_DIR/postgresql.log" >&2; die "PostgreSQL did not start"; }
        [ "$(psql_pg -tAc 'SHOW fsync')" = on ] || die "PostgreSQL still runs with fsync=off"
    fi
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

# Odoo through a launcher file, not 'python -c': the prefork master starts its long-polling child
# as 'python <argv[0]> gevent ...', which needs argv[0] to be a script.
ODOO_SERVER=$ROOT/tools/odoo-server
odoo() { "$PY" "$ODOO_SERVER" "$@"; }

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

# make run serves with prefork workers (JXC_WORKERS, 0 = threaded), one cron worker and the
# gevent long-polling process on JXC_LONGPOLLING_PORT (HTTP port + 3). With workers the HTTP
# workers listen on JXC_WORKERS_PORT (HTTP port + 1) and tools/dev_proxy.py on the HTTP port sends
# /longpolling/ to the long-polling port, the rest to the workers (nginx does this in production).
# Limits sized for 2 cores and 24 GB: a worker is recycled above 2 GB, killed above 2.5 GB or
# after 600 s CPU / 1200 s real.
WORKERS=${JXC_WORKERS:-2}
LONGPOLLING_PORT=${JXC_LONGPOLLING_PORT:-$((HTTP_PORT + 3))}
WORKERS_PORT=${JXC_WORKERS_PORT:-$((HTTP_PORT + 1))}
run_conf() {
    local odoo_port=$HTTP_PORT
    [ "$WORKERS" = 0 ] || odoo_port=$WORKERS_PORT
    # Production (README): JXC_ADMIN_PASSWD (master password), JXC_LIST_DB=False, JXC_PROXY_MODE=True.
    local admin=${JXC_ADMIN_PASSWD:-admin}
    admin=${admin//\\/\\\\}; admin=${admin//|/\\|}; admin=${admin//&/\\&}
    sed -i -e "s/^http_port = .*/http_port = $odoo_port/" \
        -e "s|^admin_passwd = .*|admin_passwd = $admin|" \
        -e "s/^list_db = .*/list_db = ${JXC_LIST_DB:-True}/" "$1"
    echo "proxy_mode = ${JXC_PROXY_MODE:-False}" >> "$1"
    cat >> "$1" <<CONF
workers = $WORKERS
longpolling_port = $LONGPOLLING_PORT
limit_memory_soft = $((2048 * 1024 * 1024))
limit_memory_hard = $((2560 * 1024 * 1024))
limit_time_cpu = 600
limit_time_real = 1200
limit_request = 8192
CONF
}

cmd_run() {
    PG_MODE=run
    system_packages $RUN_DEBS
    venv requirements.txt
    web_tools
    pg_start
    local conf=$STATE/odoo.conf
    write_conf "$conf" "$HTTP_PORT"
    run_conf "$conf"
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
  Workers: $WORKERS (0 = threaded; workers on port $WORKERS_PORT, long-polling on $LONGPOLLING_PORT).
  Ctrl-C stops Odoo; 'make stop' stops PostgreSQL.

MSG
    # The log goes to the terminal and to $STATE/server.log (read it: an ERROR line is a defect).
    if [ "$WORKERS" != 0 ]; then
        # Started before exec: its parent becomes the Odoo master, and it exits with it.
        "$PY" "$ROOT/tools/dev_proxy.py" "$HTTP_HOST" "$HTTP_PORT" "$WORKERS_PORT" "$LONGPOLLING_PORT" &
    fi
    exec "$PY" "$ODOO_SERVER" -c "$conf" -d "$DB" --db-filter="^$DB\$" \
        > >(tee "$STATE/server.log") 2>&1
}

cmd_test() {
    # A cluster this run starts itself may run without fsync (fast); a running one is used as it is.
    PG_MODE=test
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
        log "creating database jxc_bench_odoo (stock_account, sale_stock, purchase: average cost, real-time valuation)"
        odoo -c "$conf" -d jxc_bench_odoo -i l10n_cn_small_business,stock_account,sale_management,sale_stock,purchase --without-demo=all --stop-after-init --log-level=warn
    fi
    # Databases made before the order flows were measured lack sale_stock or purchase (installing an
    # installed module again would reload its data on every run).
    if [ "$(psql_db jxc_bench_odoo "SELECT count(*) FROM ir_module_module
              WHERE name IN ('sale_management', 'sale_stock', 'purchase') AND state = 'installed'")" != 3 ]; then
        odoo -c "$conf" -d jxc_bench_odoo -i sale_management,sale_stock,purchase --without-demo=all --stop-after-init --log-level=warn
    fi
    "$PY" "$ROOT/bench/bench_stock.py" --conf "$conf" --db jxc_bench --odoo-db jxc_bench_odoo "$@"
    # Every other bench in bench/ (reports, analysis...) on the same database, then the load bench:
    # 8 clients against Odoo with 4 workers for 2 minutes (JXC_BENCH_LOAD_SECONDS; 0 skips it).
    local script
    for script in "$ROOT"/bench/bench_*.py; do
        case "$(basename "$script")" in bench_stock.py|bench_load.py) continue ;; esac
        "$PY" "$script" --conf "$conf" --db jxc_bench
    done
    if [ "${JXC_BENCH_LOAD_SECONDS:-120}" != 0 ]; then
        JXC_STATE_DIR=$STATE "$PY" "$ROOT/bench/bench_load.py" --conf "$conf" --db jxc_bench \
            --seconds "${JXC_BENCH_LOAD_SECONDS:-120}"
    fi
}

# ---------------------------------------------------------------- Backup and restore
# One file per backup: <db>-<UTC stamp>.tar holding dump.pgdump (pg_dump -Fc of the cluster's own
# PostgreSQL), filestore.tar.gz (the database's attachments) and manifest.json.
BACKUP_DIR=${JXC_BACKUP_DIR:-$STATE/backups}
BACKUP_KEEP=${JXC_BACKUP_KEEP:-7}
filestore_dir() { echo "$STATE/odoo-data/filestore/$1"; }
# The cluster's own client tools: beside its pg_ctl (PG_BIN may hold only a link to pg_ctl).
pg_client() {
    local d
    for d in "$PG_BIN" "$(dirname "$(readlink -f "$PG_BIN/pg_ctl")")"; do
        if [ -x "$d/$1" ]; then echo "$d/$1"; return 0; fi
    done
    die "$1 not found beside the cluster's pg_ctl ($PG_BIN)"
}
pg_tool() { local tool; tool=$(pg_client "$1"); shift; "$tool" -h "$PG_SOCK" -p "$PG_PORT" -U "$DB_USER" "$@"; }

cmd_backup() {
    # Durable if this starts the cluster; never restarts one a test run or server is using.
    PG_MODE=tool
    local db=${1:-$DB} dir=$BACKUP_DIR keep=$BACKUP_KEEP
    [[ "$keep" =~ ^[1-9][0-9]*$ ]] || die "JXC_BACKUP_KEEP must be a whole number of at least 1 (got '$keep')"
    pg_start
    db_exists "$db" || die "database $db does not exist: nothing to back up"
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    local stamp out tmp files
    stamp=$(date -u +%Y%m%d-%H%M%S)
    while [ -e "$dir/$db-$stamp.tar" ]; do sleep 1; stamp=$(date -u +%Y%m%d-%H%M%S); done
    out=$dir/$db-$stamp.tar
    tmp=$(mktemp -d "$dir/.backup-XXXXXX")
    trap 'rm -rf "$tmp" "$out.partial"' EXIT
    log "backing up database $db to $out"
    pg_tool pg_dump -Fc --no-owner -f "$tmp/dump.pgdump" "$db" || die "pg_dump of $db failed"
    local fs
    fs=$(filestore_dir "$db")
    if [ -d "$fs" ]; then
        tar -czf "$tmp/filestore.tar.gz" -C "$fs" . || die "archiving the filestore $fs failed"
    else
        tar -czf "$tmp/filestore.tar.gz" -T /dev/null
    fi
    files=$(find "$fs" -type f 2>/dev/null | wc -l)
    cat > "$tmp/manifest.json" <<JSON
{"format": "jxc-backup-1", "db_name": "$db", "created_utc": "$stamp",
 "pg_version": "$("$(pg_client pg_dump)" --version | awk '{print $3}')",
 "jxc_addon": "$(psql_db "$db" "SELECT latest_version FROM ir_module_module WHERE name = 'jxc_addon'")",
 "filestore_files": $files}
JSON
    tar -cf "$out.partial" -C "$tmp" manifest.json dump.pgdump filestore.tar.gz || die "writing $out failed"
    mv "$out.partial" "$out"
    rm -rf "$tmp"
    trap - EXIT
    # Keep the newest $keep backups of this database (the names sort by time).
    ls -1 "$dir/$db"-[0-9]*-[0-9]*.tar 2>/dev/null | sort | head -n -"$keep" | while read -r old; do
        log "removing old backup $old"
        rm -f "$old"
    done
    log "backup done: $out ($(du -h "$out" | cut -f1))"
    echo "$out"
}

# Restore FILE into database TARGET (default: <db>_<stamp> from the file name). An existing
# database is replaced only with JXC_FORCE=1 (make restore ... FORCE=1), and only once the new
# copy has been restored completely.
cmd_restore() {
    # Durable if this starts the cluster; never restarts one a test run or server is using.
    PG_MODE=tool
    local file=${1:-} target=${2:-} force=${JXC_FORCE:-}
    [ -n "$file" ] || die "usage: make restore FILE=path/to/backup.tar [DB=name] [FORCE=1]"
    [ -f "$file" ] || die "backup file $file not found"
    file=$(cd "$(dirname "$file")" && pwd)/$(basename "$file")
    if [ -z "$target" ]; then
        target=$(basename "$file" .tar | tr -c 'A-Za-z0-9_\n' '_')
    fi
    [[ "$target" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]*$ ]] || die "invalid database name '$target'"
    pg_start
    if db_exists "$target" && [ "$force" != 1 ]; then
        die "database $target already exists: nothing was changed. Restore under another name (DB=other_name) or add FORCE=1 to replace it."
    fi
    local tmp work=${target}__restoring
    tmp=$(mktemp -d "$STATE/.restore-XXXXXX")
    trap 'rm -rf "$tmp"' EXIT
    tar -xf "$file" -C "$tmp" dump.pgdump filestore.tar.gz 2>/dev/null \
        || die "$file is not a jxc backup (expected dump.pgdump and filestore.tar.gz in a tar file)"
    "$(pg_client pg_restore)" -l "$tmp/dump.pgdump" >/dev/null || die "$file: the database dump is unreadable"
    log "restoring $file into database $target"
    ! db_exists "$work" || psql_pg -qc "DROP DATABASE \"$work\" WITH (FORCE)" >/dev/null
    psql_pg -qc "CREATE DATABASE \"$work\" OWNER \"$DB_USER\" ENCODING 'UTF8' TEMPLATE template0" >/dev/null
    if ! pg_tool pg_restore --no-owner --exit-on-error -d "$work" "$tmp/dump.pgdump"; then
        psql_pg -qc "DROP DATABASE IF EXISTS \"$work\"" >/dev/null
        die "pg_restore into $target failed: nothing was changed"
    fi
    local fs_new fs
    fs=$(filestore_dir "$target")
    fs_new=$(filestore_dir "$work")
    rm -rf "$fs_new" && mkdir -p "$fs_new"
    tar -xzf "$tmp/filestore.tar.gz" -C "$fs_new" || { psql_pg -qc "DROP DATABASE \"$work\"" >/dev/null; rm -rf "$fs_new"; die "extracting the filestore failed: nothing was changed"; }
    if db_exists "$target"; then
        log "FORCE=1: replacing the existing database $target"
        psql_pg -qc "DROP DATABASE \"$target\" WITH (FORCE)" >/dev/null
    fi
    psql_pg -qc "ALTER DATABASE \"$work\" RENAME TO \"$target\"" >/dev/null
    rm -rf "$fs"
    mv "$fs_new" "$fs"
    rm -rf "$tmp"
    trap - EXIT
    log "restored $file into database $target (filestore $fs)"
}

case "${1:-}" in
    i18n) cmd_i18n ;;
    bench) shift; cmd_bench "$@" ;;
    venv) venv "${2:-requirements.txt}" ;;
    pg-start) PG_MODE=run; pg_start; echo "PostgreSQL running: socket $PG_SOCK port $PG_PORT" ;;
    pg-stop|stop) pg_stop ;;
    pg-running) pg_running ;;
    pg-settings) pg_paths; pg_opts "${2:-run}" ;;
    run) cmd_run ;;
    test) shift; cmd_test "$@" ;;
    backup) shift; cmd_backup "$@" ;;
    restore) shift; cmd_restore "$@" ;;
    *) die "usage: $0 venv|pg-start|stop|run|test|backup [DB]|restore FILE [DB]" ;;
esac
