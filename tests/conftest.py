"""Tests that use Odoo from outside, as an integration would: a real server over XML-RPC.

`make test` exports where things are (JXC_ODOO_CONF, JXC_TEST_DB, JXC_PYTHON, JXC_ROOT).
"""
import os
import re
import socket
import subprocess
import time
import xmlrpc.client

import pytest


def _env(name):
    value = os.environ.get(name)
    if not value:
        raise RuntimeError("%s is not set: run these tests through `make test`." % name)
    return value


@pytest.fixture(scope="session")
def odoo_env():
    return {
        "conf": _env("JXC_ODOO_CONF"),
        "db": _env("JXC_TEST_DB"),
        "python": _env("JXC_PYTHON"),
        "root": _env("JXC_ROOT"),
        "state": _env("JXC_STATE_DIR"),
    }


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def odoo_command(odoo_env, *args):
    return [odoo_env["python"], "-c", "import odoo.cli; odoo.cli.main()",
            "-c", odoo_env["conf"]] + list(args)


@pytest.fixture(scope="session")
def odoo_server(odoo_env):
    """An Odoo server on a free port, serving the test database only."""
    port = free_port()
    # One log per database: runs on other test databases of the same checkout keep their own.
    log_path = os.path.join(odoo_env["state"], "xmlrpc-server-%s.log" % odoo_env["db"])
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            odoo_command(odoo_env, "-d", odoo_env["db"], "--db-filter=^%s$" % odoo_env["db"],
                         "--http-port=%d" % port, "--http-interface=127.0.0.1",
                         "--max-cron-threads=0", "--no-database-list"),
            stdout=log, stderr=subprocess.STDOUT)
    url = "http://127.0.0.1:%d" % port
    deadline = time.time() + 120
    while True:
        try:
            xmlrpc.client.ServerProxy(url + "/xmlrpc/2/common").version()
            break
        except (ConnectionError, OSError, xmlrpc.client.ProtocolError):
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                raise RuntimeError("Odoo server did not start; see %s" % log_path)
            time.sleep(0.5)
    yield {"url": url, "db": odoo_env["db"], "log": log_path}
    proc.terminate()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()
    # An ERROR line in the server's log is a defect even when every request seemed to work.
    errors = log_errors(log_path)
    assert not errors, "the test server logged errors (%s):\n%s" % (log_path, "\n".join(errors[:20]))


@pytest.fixture(scope="session")
def rpc(odoo_server):
    """rpc(model, method, *args, **kwargs): a call as the admin on the test server, over XML-RPC."""
    common = xmlrpc.client.ServerProxy(odoo_server["url"] + "/xmlrpc/2/common")
    models = xmlrpc.client.ServerProxy(odoo_server["url"] + "/xmlrpc/2/object", allow_none=True)
    uid = common.authenticate(odoo_server["db"], "admin", "admin", {})

    def call(model, method, *args, **kwargs):
        return models.execute_kw(odoo_server["db"], uid, "admin", model, method, list(args), kwargs)
    return call


def log_errors(path):
    with open(path, encoding="utf-8", errors="replace") as log:
        return [line.rstrip() for line in log
                if re.match(r"^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ", line)]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Lets fixtures see whether their test failed (the browser then keeps a screenshot)."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, "rep_" + report.when, report)
