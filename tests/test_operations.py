"""Serving for real (issue 12): two Odoo nodes on one database, a worker killed mid-request,
PostgreSQL restarted under load.

Everything runs on a throwaway PostgreSQL cluster (started durable by `tools/dev.sh pg-start`, as
make run's) holding a copy of the test database and its filestore: the faults hit nobody else.
Odoo runs in prefork mode through the launcher (tools/odoo-server), as make run serves it.
"""
import os
import re
import shutil
import signal
import subprocess
import threading
import time
import urllib.request
import xmlrpc.client

import psycopg2
import pytest

from conftest import free_port

DB = "jxc_ops"


def _as_postgres(command):
    return (["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []) + command


class Cluster:
    def __init__(self, odoo_env):
        self.env = odoo_env
        self.dir = "/var/tmp/jxc-ops-test-%d" % os.getpid()
        self.port = free_port()
        self.sock = os.path.join(self.dir, "run")
        self.dev_env = dict(os.environ, JXC_PG_DIR=self.dir, JXC_PG_PORT=str(self.port))
        self.dev = os.path.join(odoo_env["root"], "tools", "dev.sh")

    def start(self):
        subprocess.run([self.dev, "pg-start"], check=True, env=self.dev_env, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)

    def restart_fast(self):
        bin_dir = os.path.dirname(os.path.realpath(shutil.which("pg_ctl") or subprocess.run(
            ["bash", "-c", "ls -d /usr/lib/postgresql/*/bin/pg_ctl | tail -1"], check=True,
            stdout=subprocess.PIPE, universal_newlines=True).stdout.strip()))
        subprocess.run(_as_postgres([os.path.join(bin_dir, "pg_ctl"), "-D", os.path.join(self.dir, "data"),
                                     "-m", "fast", "-w", "restart"]), check=True, stdout=subprocess.DEVNULL)

    def stop(self):
        subprocess.run([self.dev, "stop"], env=self.dev_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        subprocess.run(["rm", "-rf", self.dir])

    def sql(self, query, db=DB):
        out = subprocess.run(["psql", "-h", self.sock, "-p", str(self.port), "-U", "jxc", "-d", db, "-X", "-tA",
                              "-F", "|", "-v", "ON_ERROR_STOP=1", "-c", query],
                             check=True, stdout=subprocess.PIPE, universal_newlines=True).stdout
        return [line.split("|") for line in out.splitlines() if line]


def _conf_value(conf, key):
    with open(conf) as handle:
        for line in handle:
            name, _, value = line.partition("=")
            if name.strip() == key:
                return value.strip()
    raise KeyError(key)


@pytest.fixture(scope="module")
def ops(odoo_env, tmp_path_factory):
    """The throwaway cluster with a copy of the test database, and an Odoo config pointing at it."""
    cluster = Cluster(odoo_env)
    cluster.start()
    try:
        dump = str(tmp_path_factory.mktemp("ops") / "test.pgdump")
        source = odoo_env["conf"]
        subprocess.run(["pg_dump", "-Fc", "--no-owner", "-h", _conf_value(source, "db_host"),
                        "-p", _conf_value(source, "db_port"), "-U", _conf_value(source, "db_user"),
                        "-f", dump, odoo_env["db"]], check=True)
        subprocess.run(["createdb", "-h", cluster.sock, "-p", str(cluster.port), "-U", "jxc", DB], check=True)
        subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", "-h", cluster.sock, "-p", str(cluster.port),
                        "-U", "jxc", "-d", DB, dump], check=True)
        data_dir = str(tmp_path_factory.mktemp("ops-data"))
        filestore = os.path.join(_conf_value(source, "data_dir"), "filestore", odoo_env["db"])
        if os.path.isdir(filestore):
            shutil.copytree(filestore, os.path.join(data_dir, "filestore", DB))
        conf = os.path.join(data_dir, "odoo.conf")
        with open(source) as src, open(conf, "w") as dst:
            for line in src:
                name = line.partition("=")[0].strip()
                line = {"db_host": "db_host = %s\n" % cluster.sock, "db_port": "db_port = %d\n" % cluster.port,
                        "data_dir": "data_dir = %s\n" % data_dir}.get(name, line)
                dst.write(line)
        yield {"cluster": cluster, "conf": conf, "data_dir": data_dir, "env": odoo_env}
    finally:
        cluster.stop()


class Node:
    """One Odoo server in prefork mode: `workers` HTTP workers, a cron worker if `cron`."""

    def __init__(self, ops, name, workers=2, cron=False):
        env = ops["env"]
        self.log = os.path.join(env["state"], "ops-node-%s.log" % name)
        self.port = free_port()
        command = [env["python"], os.path.join(env["root"], "tools", "odoo-server"), "-c", ops["conf"], "-d", DB,
                   "--db-filter=^%s$" % DB, "--http-interface=127.0.0.1", "--http-port=%d" % self.port,
                   "--longpolling-port=%d" % free_port(), "--workers=%d" % workers,
                   "--max-cron-threads=%d" % (1 if cron else 0), "--logfile=%s" % self.log, "--log-level=info"]
        open(self.log, "w").close()
        self.proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        self.url = "http://127.0.0.1:%d" % self.port
        deadline = time.time() + 120
        while True:
            try:
                xmlrpc.client.ServerProxy(self.url + "/xmlrpc/2/common").version()
                break
            except (ConnectionError, OSError, xmlrpc.client.ProtocolError):
                if self.proc.poll() is not None or time.time() > deadline:
                    self.stop()
                    raise RuntimeError("Odoo node %s did not start; see %s" % (name, self.log))
                time.sleep(0.5)

    def login(self, login, password=None):
        uid = xmlrpc.client.ServerProxy(self.url + "/xmlrpc/2/common").authenticate(DB, login, password or login, {})
        assert uid, login
        # A proxy per call: one is not safe to share between threads.
        return lambda model, method, *args, **kw: xmlrpc.client.ServerProxy(
            self.url + "/xmlrpc/2/object", allow_none=True).execute_kw(
            DB, uid, password or login, model, method, list(args), kw)

    def call_once(self, login, password, model, method, *args):
        """One XML-RPC call sent once ("ok" or what went wrong): xmlrpc.client would send it again
        on a reset connection."""
        uid = xmlrpc.client.ServerProxy(self.url + "/xmlrpc/2/common").authenticate(DB, login, password, {})
        body = xmlrpc.client.dumps((DB, uid, password, model, method, list(args), {}), "execute_kw",
                                   allow_none=True).encode()
        request = urllib.request.Request(self.url + "/xmlrpc/2/object", body, {"Content-Type": "text/xml"})
        try:
            with urllib.request.urlopen(request, timeout=300) as response:
                xmlrpc.client.loads(response.read())
            return "ok"
        except Exception as error:  # the connection is reset when the worker dies
            return repr(error)

    def http_workers(self):
        """Pids of the HTTP workers: the master's children other than the cron worker and the
        long-polling process (both named on their command line or in the log)."""
        out = subprocess.run(["ps", "-o", "pid=,args=", "--ppid", str(self.proc.pid)], stdout=subprocess.PIPE,
                             universal_newlines=True).stdout
        crons = set(re.findall(r"WorkerCron \((\d+)\) alive", open(self.log).read()))
        return [int(pid) for pid, args in (line.split(None, 1) for line in out.splitlines())
                if "gevent" not in args and pid not in crons]

    def stop(self):
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


@pytest.fixture(scope="module")
def nodes(ops):
    """Two nodes on the same database and filestore; only the first runs the scheduled actions."""
    first = Node(ops, "a", cron=True)
    try:
        second = Node(ops, "b")
    except Exception:
        first.stop()
        raise
    yield first, second
    second.stop()
    first.stop()


def make_product(call, name, qty=0.0, cost=10.0):
    product = call("product.product", "create", {"name": name, "type": "consu", "standard_price": cost})
    if qty:
        post(call, "receipt", product, qty, cost)
    return product


def warehouse(call):
    return call("ir.model.data", "xmlid_to_res_id", "jxc_addon.jxc_warehouse_gz_demo")


def post(call, picking_type, product, qty, cost=0.0, lines=1):
    unit = call("ir.model.data", "xmlid_to_res_id", "product.product_uom_unit")
    picking = call("jxc.stock.picking", "create", {
        "picking_type": picking_type, "warehouse_id": warehouse(call),
        "line_ids": [(0, 0, {"product_id": product, "uom_id": unit, "quantity": qty, "unit_cost": cost})
                     for _ in range(lines)]})
    call("jxc.stock.picking", "button_done", [picking])
    return picking


def books(ops):
    """(ledger vs quants mismatches, ledger value - 1405 balance, integrity check issues) of the copy."""
    cluster = ops["cluster"]
    (mismatches,), = cluster.sql("""
        SELECT count(*) FROM (SELECT product_id, warehouse_id, SUM(quantity) qty, SUM(value) val
                                FROM jxc_stock_ledger GROUP BY 1, 2) l
          FULL JOIN jxc_stock_quant q USING (product_id, warehouse_id)
         WHERE round(COALESCE(l.qty, 0)::numeric, 4) <> round(COALESCE(q.quantity, 0)::numeric, 4)
            OR round(COALESCE(l.val, 0)::numeric, 2) <> round(COALESCE(q.value, 0)::numeric, 2)""")
    (difference,), = cluster.sql("""
        SELECT round((SELECT COALESCE(SUM(value), 0) FROM jxc_stock_ledger WHERE company_id = c.id)::numeric
                     - (SELECT COALESCE(SUM(aml.balance), 0) FROM account_move_line aml
                          JOIN account_move m ON m.id = aml.move_id AND m.state = 'posted'
                         WHERE aml.account_id = c.jxc_stock_valuation_account_id)::numeric, 2)
          FROM res_company c WHERE c.id = 1""")
    return int(mismatches), float(difference)


def integrity(call):
    check = call("jxc.stock.check", "create", {})
    call("jxc.stock.check", "button_run", [check])
    return call("jxc.stock.check", "read", [check], ["state", "issue_count"])[0]


# ------------------------------------------------------------------------------ two nodes
def test_two_nodes_post_at_once_and_the_books_agree(ops, nodes):
    """Keepers' postings spread over two Odoo servers on one database: every posting counts once,
    stock cannot go below zero, and ledger = quants = 1405."""
    first, second = nodes
    admin_a, admin_b = first.login("admin", "admin"), second.login("admin", "admin")
    product = make_product(admin_a, "双节点商品", qty=30, cost=10.0)
    outcomes = []

    def deliver(call):
        for _ in range(20):
            try:
                post(call, "delivery", product, 1)
                outcomes.append("ok")
            except xmlrpc.client.Fault as fault:
                outcomes.append("refused" if re.search("Not enough stock|库存不足", fault.faultString)
                                else fault.faultString)

    threads = [threading.Thread(target=deliver, args=(call,)) for call in (admin_a, admin_b, admin_a, admin_b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    assert sorted(set(outcomes)) == ["ok", "refused"], outcomes
    assert outcomes.count("ok") == 30, "exactly the stock was delivered, through both nodes"
    for call in (admin_a, admin_b):
        quant = call("jxc.stock.quant", "search_read", [("product_id", "=", product)], ["quantity", "value"])
        assert [(q["quantity"], q["value"]) for q in quant] == [(0.0, 0.0)]
    assert books(ops) == (0, 0.0)
    assert integrity(admin_b)["state"] == "ok"


def test_a_change_on_one_node_is_seen_by_the_other(ops, nodes):
    """Odoo's caches are per process: a right taken away on one node is refused on the other at
    once (registry signalling through PostgreSQL), and a file stored by one node is read by the
    other (one filestore)."""
    first, second = nodes
    admin_a = first.login("admin", "admin")
    keeper_b = second.login("keeper")
    product = make_product(admin_a, "信号商品", qty=5)
    keeper_group = admin_a("ir.model.data", "xmlid_to_res_id", "jxc_addon.group_jxc_keeper")
    keeper = admin_a("res.users", "search", [("login", "=", "keeper")])
    picking = keeper_b("jxc.stock.picking", "create", {
        "picking_type": "other_out", "warehouse_id": warehouse(admin_a),
        "reason_id": admin_a("jxc.stock.reason", "search", [("direction", "=", "out")], limit=1)[0],
        "line_ids": [(0, 0, {"product_id": product, "uom_id": admin_a("ir.model.data", "xmlid_to_res_id",
                                                                      "product.product_uom_unit"), "quantity": 1})]})
    admin_a("res.users", "write", keeper, {"groups_id": [(3, keeper_group)]})
    try:
        with pytest.raises(xmlrpc.client.Fault) as refused:
            keeper_b("jxc.stock.picking", "button_done", [picking])
        assert refused.value.faultCode == 4, refused.value  # Odoo's XML-RPC code of an AccessError
        assert admin_a("jxc.stock.picking", "read", [picking], ["state"])[0]["state"] == "draft"
    finally:
        admin_a("res.users", "write", keeper, {"groups_id": [(4, keeper_group)]})
    keeper_b("jxc.stock.picking", "button_done", [picking])
    assert admin_a("jxc.stock.picking", "read", [picking], ["state"])[0]["state"] == "done"

    data = "5Lqk5o6l5Y2V"  # base64 of 交接单
    attachment = admin_a("ir.attachment", "create", {"name": "交接单.txt", "datas": data,
                                                     "datas_fname": "交接单.txt"})
    assert second.login("admin", "admin")("ir.attachment", "read", [attachment], ["datas"])[0]["datas"] == data
    assert books(ops) == (0, 0.0)


def test_scheduled_actions_run_in_one_node_only(nodes):
    first, second = nodes
    deadline = time.time() + 30
    while "WorkerCron" not in open(first.log).read() and time.time() < deadline:
        time.sleep(0.5)
    assert "WorkerCron" in open(first.log).read(), "the first node runs the scheduled actions"
    assert "WorkerCron" not in open(second.log).read(), "the second node serves requests only"


# ------------------------------------------------------------------------------ faults
def test_worker_killed_mid_request_leaves_nothing_half_written(ops, nodes):
    """A receipt is being validated when its HTTP worker is killed (SIGKILL): its quants are
    already updated in the transaction, which is held at the journal entry's INSERT (the test
    locks account_move meanwhile). PostgreSQL rolls the transaction back: the receipt is still a
    draft with no ledger row and no entry, the stock is untouched, the books agree, the master
    starts a new worker and the receipt then posts whole."""
    _first, second = nodes
    admin = second.login("admin", "admin")
    product = make_product(admin, "断电商品", qty=10, cost=2.0)
    unit = admin("ir.model.data", "xmlid_to_res_id", "product.product_uom_unit")
    picking = admin("jxc.stock.picking", "create", {
        "picking_type": "receipt", "warehouse_id": warehouse(admin),
        "line_ids": [(0, 0, {"product_id": product, "uom_id": unit, "quantity": 1, "unit_cost": 2.5})] * 300})
    name = admin("jxc.stock.picking", "read", [picking], ["name"])[0]["name"]
    cluster = ops["cluster"]
    blocker = psycopg2.connect(dbname=DB, host=cluster.sock, port=cluster.port, user="jxc")
    outcome = []
    try:
        with blocker.cursor() as cr:
            cr.execute("LOCK TABLE account_move IN EXCLUSIVE MODE")  # reads pass, the entry's INSERT waits
        thread = threading.Thread(target=lambda: outcome.append(
            second.call_once("admin", "admin", "jxc.stock.picking", "button_done", [picking])))
        thread.start()
        deadline = time.time() + 60
        while not cluster.sql("SELECT 1 FROM pg_stat_activity WHERE datname = '%s' AND wait_event_type = 'Lock' "
                              "AND query LIKE 'INSERT INTO \"account_move\"%%'" % DB):
            assert time.time() < deadline, "the validation never reached its journal entry"
            time.sleep(0.05)
        # Mid-request: the quants are updated in the open transaction.
        workers = second.http_workers()
        assert workers
        for pid in workers:
            os.kill(pid, signal.SIGKILL)
    finally:
        blocker.rollback()
        blocker.close()
    thread.join(120)
    assert outcome and outcome[0] != "ok", "the request died with its worker"
    deadline = time.time() + 60
    while cluster.sql("SELECT 1 FROM pg_stat_activity WHERE datname = '%s' AND backend_xid IS NOT NULL "
                      "AND query NOT LIKE '%%pg_stat_activity%%'" % DB):
        assert time.time() < deadline, "the dead worker's transaction is still open"
        time.sleep(0.2)

    check = cluster.sql
    assert check("SELECT state FROM jxc_stock_picking WHERE id = %d" % picking) == [["draft"]]
    assert check("SELECT count(*) FROM jxc_stock_ledger WHERE picking_id = %d" % picking) == [["0"]]
    assert check("SELECT count(*) FROM account_move WHERE ref = '%s'" % name) == [["0"]]
    assert check("SELECT quantity::float8, value::float8 FROM jxc_stock_quant WHERE product_id = %d" % product) == [["10", "20"]]
    assert books(ops) == (0, 0.0)

    admin = second.login("admin", "admin")  # served by a new worker
    admin("jxc.stock.picking", "button_done", [picking])
    assert check("SELECT count(*), SUM(quantity)::float8, SUM(value)::float8 FROM jxc_stock_ledger WHERE picking_id = %d"
                 % picking) == [["300", "300", "750"]]
    assert check("SELECT quantity::float8, value::float8 FROM jxc_stock_quant WHERE product_id = %d" % product) == [["310", "770"]]
    assert books(ops) == (0, 0.0)
    assert integrity(admin)["state"] == "ok"


def test_postgresql_restarted_mid_run_the_nodes_reconnect(ops, nodes):
    """Keepers keep posting through both nodes while PostgreSQL is restarted (fast: open
    transactions are rolled back). Requests caught by the restart fail; the nodes reconnect by
    themselves (no restart of Odoo); every document is either posted whole or still a draft; the
    books agree afterwards."""
    first, second = nodes
    admin_a, admin_b = first.login("admin", "admin"), second.login("admin", "admin")
    product = make_product(admin_a, "重启商品", qty=1000, cost=4.0)
    results, stop = [], threading.Event()

    def keep_posting(call):
        while not stop.is_set():
            start = time.time()
            try:
                post(call, "delivery", product, 1)
                results.append((start, time.time(), "ok"))
            except Exception as error:
                results.append((start, time.time(), repr(error)[:200]))
                time.sleep(0.2)

    post(admin_b, "delivery", product, 1)  # both nodes' workers have loaded the registry
    threads = [threading.Thread(target=keep_posting, args=(call,)) for call in (admin_a, admin_b)]
    for thread in threads:
        thread.start()
    time.sleep(3)
    restarting = time.time()
    ops["cluster"].restart_fast()
    restarted = time.time()
    time.sleep(6)
    stop.set()
    for thread in threads:
        thread.join(120)
    before = [r for r in results if r[1] < restarting]
    after = [r for r in results if r[0] > restarted + 2]
    assert before and all(outcome == "ok" for _, _, outcome in before), before[:3]
    assert len(after) >= 4 and all(outcome == "ok" for _, _, outcome in after), (
        "the nodes serve again after the restart without being restarted: %s" % after[:3])

    check = ops["cluster"].sql
    # Posted whole or not at all: a done delivery has its ledger row and entry, a draft has none.
    assert check("""
        SELECT count(*) FROM jxc_stock_picking p
         WHERE p.picking_type = 'delivery' AND EXISTS (SELECT 1 FROM jxc_stock_picking_line l
                                                     WHERE l.picking_id = p.id AND l.product_id = %d)
           AND ((p.state = 'done') <> EXISTS (SELECT 1 FROM jxc_stock_ledger r WHERE r.picking_id = p.id)
                OR (p.state = 'done') <> (p.move_id IS NOT NULL))""" % product) == [["0"]]
    delivered = check("SELECT -SUM(quantity) FROM jxc_stock_ledger WHERE product_id = %d AND quantity < 0"
                      % product)[0][0]
    assert float(delivered) >= 1 + sum(1 for _, _, outcome in results if outcome == "ok")
    assert books(ops) == (0, 0.0)
    assert integrity(admin_b)["state"] == "ok"
    # What the nodes logged as errors is the restart itself, nothing else.
    for node in (first, second):
        for entry in error_entries(node.log):
            assert re.search(r"terminating connection|server closed the connection|connection already closed|"
                             r"could not connect|the database system is (shutting down|starting up)|"
                             r"Connection refused|SSL SYSCALL|connection (to server )?.*(lost|closed)|"
                             r"connection to server on socket .* failed: No such file or directory",
                             entry), entry


def error_entries(path):
    """The ERROR/CRITICAL entries of an Odoo log, each with its following lines (query, traceback)."""
    entries, current = [], None
    header = re.compile(r"^[0-9-]+ [0-9:,]+ [0-9]+ (\w+) ")
    with open(path, encoding="utf-8", errors="replace") as log:
        for line in log:
            match = header.match(line)
            if match:
                current = [line] if match.group(1) in ("ERROR", "CRITICAL") else None
                if current is not None:
                    entries.append(current)
            elif current is not None:
                current.append(line)
    return ["".join(entry) for entry in entries]
