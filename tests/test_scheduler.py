"""Odoo's own scheduler runs the 进销存 scheduled actions on a database made by the project's setup.

A database holding modules "to install" is skipped by Odoo's cron ("Skipping database ... because
of modules to install/upgrade/remove"): then no scan, grade or integrity check ever runs by itself.
Here a real server with its cron thread serves a copy of the test database (made by `make test`
with the same setup as `make run`), the daily integrity check is made due, and its result appears.
"""
import os
import subprocess
import time
from datetime import datetime

import pytest

from conftest import free_port, log_errors
from test_install import _connect, _drop

# Odoo's cron thread sleeps 60 s between polls; the server here polls every second, nothing else
# is changed (same command line, same configuration).
SERVER = "import odoo.service.server as s; s.SLEEP_INTERVAL = 1; import odoo.cli; odoo.cli.main()"


@pytest.fixture
def cron_db(odoo_env):
    dbname = odoo_env["db"] + "_cron"
    conn = _connect(odoo_env, dbname)  # made by tools/dev.sh from the test database
    conn.autocommit = True
    yield dbname, conn
    conn.close()
    _drop(odoo_env, dbname)


def _scalar(conn, query, params=()):
    with conn.cursor() as cr:
        cr.execute(query, params)
        return cr.fetchone()[0]


def test_scheduler_runs_the_integrity_check_by_itself(odoo_env, cron_db):
    dbname, conn = cron_db
    pending = _scalar(conn, "SELECT count(*) FROM ir_module_module"
                            " WHERE state IN ('to install', 'to upgrade', 'to remove')")
    assert pending == 0
    checks_before = _scalar(conn, "SELECT count(*) FROM jxc_stock_check")
    cron_id = _scalar(conn, """
        SELECT res_id FROM ir_model_data WHERE module = 'jxc_addon' AND name = 'ir_cron_jxc_stock_check'""")
    with conn.cursor() as cr:
        cr.execute("UPDATE ir_cron SET active = true, nextcall = (now() at time zone 'UTC') - interval '1 minute'"
                   " WHERE id = %s", (cron_id,))
        cr.execute("SELECT nextcall FROM ir_cron WHERE id = %s", (cron_id,))
        due_at = cr.fetchone()[0]

    log_path = os.path.join(odoo_env["state"], "cron-server.log")
    if os.path.exists(log_path):
        os.unlink(log_path)
    proc = subprocess.Popen([odoo_env["python"], "-c", SERVER, "-c", odoo_env["conf"], "-d", dbname,
                             "--db-filter=^%s$" % dbname, "--http-port=%d" % free_port(),
                             "--http-interface=127.0.0.1", "--max-cron-threads=1", "--logfile=%s" % log_path])
    try:
        deadline = time.time() + 120
        while time.time() < deadline and proc.poll() is None:
            done = _scalar(conn, "SELECT count(*) FROM jxc_stock_check WHERE state IS NOT NULL")
            if done > checks_before:
                break
            time.sleep(1)
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
    with open(log_path, encoding="utf-8", errors="replace") as log:
        text = log.read()
    assert "Skipping database" not in text
    assert not log_errors(log_path), log_errors(log_path)
    companies = _scalar(conn, "SELECT count(*) FROM res_company")
    with conn.cursor() as cr:
        cr.execute("""SELECT c.state, c.issue_count FROM jxc_stock_check c
                       WHERE c.company_id = (SELECT res_id FROM ir_model_data
                                              WHERE module = 'base' AND name = 'main_company')
                       ORDER BY c.id DESC LIMIT 1""")
        state, issues = cr.fetchone()
        cr.execute("SELECT nextcall FROM ir_cron WHERE id = %s", (cron_id,))
        next_call = cr.fetchone()[0]
    # One check per company, once: the job ran, and only once.
    assert _scalar(conn, "SELECT count(*) FROM jxc_stock_check") == checks_before + companies, \
        "the scheduler did not run the integrity check (log: %s)" % log_path
    # The demo company's stock is consistent, and the job is rescheduled a day later.
    assert (state, issues) == ("ok", 0)
    # (Odoo, loaded in this process, makes psycopg2 return timestamps as text.)
    assert (_datetime(next_call) - _datetime(due_at)).days >= 1


def _datetime(value):
    return value if isinstance(value, datetime) else datetime.strptime(str(value)[:19], "%Y-%m-%d %H:%M:%S")
