"""Load bench: concurrent users on a few hot products against Odoo with prefork workers (issue 12).

Run through `make bench`. What it does, on loopback only:
  - copies the bench database (jxc_bench) to a throwaway one (jxc_bench_load) and starts Odoo on it
    with 4 HTTP workers and no cron;
  - creates 8 users (进销存 managers), 5 hot products with stock, a supplier and a customer;
  - runs 8 client processes for 2 minutes (bounded by a number of operations too), each speaking
    JSON-RPC as the web client does (/web/session/authenticate, /web/dataset/call_kw,
    /web/dataset/call_button): purchase receipts, sales confirm + deliver, cancels of orders and of
    posted deliveries (反审核), and double validations (two requests validating the same delivery);
  - prints operations, ok / refused with a clear message / unexpected, p50/p95/p99 latency of the
    stock requests, the server's replays, and checks afterwards that ledger = quants = 1405 balance
    and that reservations match the open orders (the module's integrity check too).
Exits 1 if anything unexpected happened or a check failed; the database is dropped at the end.
"""
import argparse
import configparser
import json
import multiprocessing
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from http.cookiejar import CookieJar

import psycopg2

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# What a user may be told: a refusal in words. Anything else reaching the client is unexpected.
REFUSALS = {"odoo.exceptions.UserError", "odoo.exceptions.ValidationError", "odoo.exceptions.AccessError",
            "odoo.exceptions.Warning", "odoo.exceptions.RedirectWarning"}
STOCK_KINDS = ("sale_confirm", "delivery_validate", "receipt_validate", "order_cancel", "delivery_cancel",
               "double_validate")


class RpcError(Exception):
    def __init__(self, name, message):
        super().__init__("%s: %s" % (name, message))
        self.name = name
        self.message = message


class Client:
    """One web client session."""

    def __init__(self, url, db, login, password):
        self.url = url
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        self.ids = 0
        self.uid = self._post("/web/session/authenticate", {"db": db, "login": login, "password": password})["uid"]
        assert self.uid, "login failed for %s" % login

    def _post(self, path, params):
        self.ids += 1
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": params, "id": self.ids}).encode()
        request = urllib.request.Request(self.url + path, body, {"Content-Type": "application/json"})
        with self.opener.open(request, timeout=300) as response:
            reply = json.loads(response.read().decode())
        if "error" in reply:
            data = reply["error"].get("data") or {}
            raise RpcError(data.get("name", "?"), data.get("message") or reply["error"].get("message"))
        return reply["result"]

    def call(self, model, method, args, context=None, **kwargs):
        return self._post("/web/dataset/call_kw/%s/%s" % (model, method),
                          {"model": model, "method": method, "args": args,
                           "kwargs": dict(kwargs, context=dict(context or {}, lang="zh_CN"))})

    def button(self, model, method, record_id):
        # As the web client sends a button: the ids, then the context.
        return self._post("/web/dataset/call_button", {"model": model, "method": method,
                                                       "args": [[record_id], {"lang": "zh_CN"}]})


def timed(results, kind, fn):
    """Run one request; record (kind, seconds, outcome, message). Returns the result or None."""
    start = time.perf_counter()
    try:
        result = fn()
        outcome, message = "ok", ""
    except RpcError as error:
        result = None
        outcome = "refused" if error.name in REFUSALS and "Traceback" not in error.message else "unexpected"
        message = "%s: %s" % (error.name, error.message[:300])
    except Exception as error:  # a dropped connection or a 500 page is unexpected too
        result = None
        outcome, message = "unexpected", "%s: %s" % (type(error).__name__, str(error)[:300])
    results.append((kind, time.perf_counter() - start, outcome, message))
    return result


def client_loop(index, url, db, setup, seconds, max_ops, queue):
    rnd = random.Random(index)
    login = "load%d" % index
    me = Client(url, db, login, login)
    twin = Client(url, db, login, login)  # a second tab of the same user, for double validations
    results = []
    products, wh, supplier, customer, uom = (setup[k] for k in ("products", "warehouse", "supplier",
                                                                  "customer", "uom"))
    deadline = time.time() + seconds
    delivered = []  # posted deliveries of this client, candidates for 反审核
    ops = 0
    while time.time() < deadline and ops < max_ops:
        ops += 1
        choice = rnd.random()
        lines = rnd.sample(products, rnd.randint(1, 3))
        if choice < 0.30:
            order = timed(results, "create", lambda: me.call("jxc.purchase.order", "create", [{
                "partner_id": supplier, "warehouse_id": wh,
                "line_ids": [(0, 0, {"product_id": p, "uom_id": uom, "product_qty": rnd.randint(5, 20),
                                     "price_unit": round(rnd.uniform(9, 13), 2)}) for p in lines]}]))
            # call_button answers False for a button that returns no action: None is a failure.
            if not order or timed(results, "other", lambda: me.button("jxc.purchase.order", "button_confirm",
                                                                      order)) is None:
                continue
            receipt = draft_picking(me, results, "jxc.purchase.order", order, "receipt")
            if receipt:
                timed(results, "receipt_validate", lambda: me.button("jxc.stock.picking", "button_done", receipt))
            continue
        order = timed(results, "create", lambda: me.call("jxc.sale.order", "create", [{
            "partner_id": customer, "warehouse_id": wh,
            "line_ids": [(0, 0, {"product_id": p, "uom_id": uom, "product_qty": rnd.randint(1, 6),
                                 "price_unit": 20.0}) for p in lines]}]))
        if not order:
            continue
        if timed(results, "sale_confirm", lambda: me.button("jxc.sale.order", "button_confirm", order)) is None:
            continue
        if choice < 0.40:
            timed(results, "order_cancel", lambda: me.button("jxc.sale.order", "button_cancel", order))
            continue
        delivery = draft_picking(me, results, "jxc.sale.order", order, "delivery")
        if not delivery:
            continue
        if choice < 0.55:
            # Two requests validate the same delivery at once: one posts, the other is refused.
            start = threading.Barrier(2, timeout=30)
            shared = []

            def validate(client):
                start.wait()
                timed(shared, "double_validate", lambda: client.button("jxc.stock.picking", "button_done",
                                                                       delivery))
            threads = [threading.Thread(target=validate, args=(c,)) for c in (me, twin)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(300)
            results.extend(shared)
            if sorted(r[2] for r in shared) != ["ok", "refused"]:
                results.append(("double_validate_check", 0.0, "unexpected",
                                "double validation ended %s" % [r[2:] for r in shared]))
            delivered.append(delivery)
            continue
        if timed(results, "delivery_validate", lambda: me.button("jxc.stock.picking", "button_done", delivery)) \
                is not None:
            delivered.append(delivery)
        if choice > 0.92 and delivered:
            picking = delivered.pop(rnd.randrange(len(delivered)))
            timed(results, "delivery_cancel", lambda: me.button("jxc.stock.picking", "button_cancel", picking))
    queue.put(results)


def draft_picking(client, results, model, order_id, picking_type):
    records = timed(results, "other", lambda: client.call(model, "read", [[order_id], ["picking_ids"]]))
    if not records:
        return None
    pickings = timed(results, "other", lambda: client.call(
        "jxc.stock.picking", "search_read", [[("id", "in", records[0]["picking_ids"]), ("state", "=", "draft"),
                                               ("picking_type", "=", picking_type)]], fields=["id"]))
    return pickings[0]["id"] if pickings else None


# ---------------------------------------------------------------------------------------- set-up
def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pg_connect(options, db):
    conn = psycopg2.connect(dbname=db, host=options["db_host"], port=options["db_port"], user=options["db_user"])
    conn.autocommit = True
    return conn


def copy_database(options, template, db):
    with pg_connect(options, "postgres") as conn, conn.cursor() as cr:
        cr.execute('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % db)  # names from this script, not input
        for attempt in range(60):
            try:
                cr.execute('CREATE DATABASE "%s" TEMPLATE "%s"' % (db, template))
                return
            except psycopg2.errors.ObjectInUse:
                if attempt == 59:
                    raise  # the template is still open elsewhere (another bench?)
                time.sleep(2)


def drop_database(options, db):
    conn = pg_connect(options, "postgres")
    try:
        with conn.cursor() as cr:
            cr.execute('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % db)
    finally:
        conn.close()


def start_server(conf, db, workers, log_path):
    port, longpolling = free_port(), free_port()
    command = [sys.executable, os.path.join(ROOT, "tools", "odoo-server"), "-c", conf, "-d", db,
               "--db-filter=^%s$" % db, "--http-interface=127.0.0.1", "--http-port=%d" % port,
               "--longpolling-port=%d" % longpolling, "--workers=%d" % workers, "--max-cron-threads=0",
               "--limit-time-real=300", "--logfile=%s" % log_path, "--log-level=info"]
    # A session of its own: the master, its workers and long-polling process are stopped together.
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)
    url = "http://127.0.0.1:%d" % port
    deadline = time.time() + 120
    while True:
        try:
            urllib.request.urlopen(url + "/web/login", timeout=5)
            return proc, url
        except urllib.error.HTTPError:
            return proc, url  # it answers
        except Exception:
            if proc.poll() is not None or time.time() > deadline:
                stop_server(proc)
                raise RuntimeError("Odoo did not start; see %s" % log_path)
            time.sleep(0.5)


def stop_server(proc):
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def setup_data(url, db, clients, hot):
    admin = Client(url, db, "admin", "admin")
    manager_group = admin.call("ir.model.data", "xmlid_to_res_id", ["jxc_addon.group_jxc_manager"])
    user_group = admin.call("ir.model.data", "xmlid_to_res_id", ["base.group_user"])
    for i in range(clients):
        login = "load%d" % i
        if not admin.call("res.users", "search", [[("login", "=", login)]]):
            admin.call("res.users", "create", [{"name": "压测 %d" % i, "login": login, "password": login,
                                                "email": "%s@example.com" % login,
                                                "groups_id": [(6, 0, [user_group, manager_group])]}],
                       context={"no_reset_password": True})
    uom = admin.call("ir.model.data", "xmlid_to_res_id", ["product.product_uom_unit"])
    warehouse = admin.call("jxc.warehouse", "create", [{"name": "压测仓", "code": "LOAD"}])
    supplier = admin.call("res.partner", "create", [{"name": "压测供应商", "supplier": True, "customer": False}])
    customer = admin.call("res.partner", "create", [{"name": "压测客户", "customer": True}])
    products = [admin.call("product.product", "create", [{"name": "热销品 %d" % i, "type": "consu",
                                                          "standard_price": 10.0, "list_price": 20.0}])
                for i in range(hot)]
    opening = admin.call("jxc.stock.picking", "create", [{
        "picking_type": "receipt", "warehouse_id": warehouse, "partner_id": supplier,
        "line_ids": [(0, 0, {"product_id": p, "uom_id": uom, "quantity": 200, "unit_cost": 10.0})
                     for p in products]}])
    admin.button("jxc.stock.picking", "button_done", opening)
    return admin, {"products": products, "warehouse": warehouse, "supplier": supplier, "customer": customer,
                   "uom": uom}


# ---------------------------------------------------------------------------------------- checks
def books_check(options, db):
    """Ledger = quants = 1405, and reservations = what the open orders reserved."""
    with pg_connect(options, db) as conn, conn.cursor() as cr:
        cr.execute("""
            SELECT count(*) FROM (
                SELECT product_id, warehouse_id, SUM(quantity) AS qty, SUM(value) AS value
                  FROM jxc_stock_ledger GROUP BY product_id, warehouse_id) l
             FULL JOIN jxc_stock_quant q USING (product_id, warehouse_id)
             WHERE round(COALESCE(l.qty, 0)::numeric, 4) <> round(COALESCE(q.quantity, 0)::numeric, 4)
                OR round(COALESCE(l.value, 0)::numeric, 2) <> round(COALESCE(q.value, 0)::numeric, 2)
        """)
        ledger_vs_quants = cr.fetchone()[0]
        cr.execute("""
            SELECT (SELECT COALESCE(SUM(value), 0) FROM jxc_stock_ledger WHERE company_id = c.id),
                   (SELECT COALESCE(SUM(aml.debit - aml.credit), 0) FROM account_move_line aml
                      JOIN account_move m ON m.id = aml.move_id AND m.state = 'posted'
                     WHERE aml.account_id = c.jxc_stock_valuation_account_id)
              FROM res_company c ORDER BY c.id LIMIT 1
        """)
        ledger_value, books_value = cr.fetchone()
        cr.execute("""
            SELECT count(*) FROM jxc_stock_quant q
              LEFT JOIN (SELECT l.product_id, o.warehouse_id, SUM(l.qty_reserved) AS qty
                           FROM jxc_sale_order_line l JOIN jxc_sale_order o ON o.id = l.order_id
                          WHERE o.state = 'confirmed' GROUP BY l.product_id, o.warehouse_id) r
                     USING (product_id, warehouse_id)
             WHERE round(q.reserved_quantity::numeric, 4) <> round(COALESCE(r.qty, 0)::numeric, 4)
        """)
        reservations = cr.fetchone()[0]
        cr.execute("SELECT count(*), COALESCE(SUM(quantity), 0) FROM jxc_stock_ledger WHERE quantity < 0")
        outs = cr.fetchone()
        cr.execute("SELECT count(*) FROM jxc_stock_quant WHERE quantity < 0")
        negative = cr.fetchone()[0]
    return {"ledger_vs_quants_mismatches": ledger_vs_quants, "ledger_value": float(ledger_value),
            "books_1405": float(books_value), "reservation_mismatches": reservations,
            "negative_quants": negative, "out_rows": outs[0]}


def percentile(values, pct):
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(round(pct / 100.0 * (len(values) - 1))))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--conf", required=True)
    parser.add_argument("--db", default="jxc_bench", help="database copied for the run")
    parser.add_argument("--load-db", default="jxc_bench_load")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--products", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--max-ops", type=int, default=2000, help="per client")
    parser.add_argument("--keep", action="store_true", help="keep the load database")
    args = parser.parse_args()

    config = configparser.ConfigParser()
    config.read(args.conf)
    options = dict(config["options"])
    state = os.environ.get("JXC_STATE_DIR") or os.path.join(ROOT, ".local")
    log_path = os.path.join(state, "bench-load-server.log")
    open(log_path, "w").close()
    copy_database(options, args.db, args.load_db)
    proc, url = start_server(args.conf, args.load_db, args.workers, log_path)
    try:
        admin, setup = setup_data(url, args.load_db, args.clients, args.products)
        queue = multiprocessing.Queue()
        clients = [multiprocessing.Process(target=client_loop, args=(
            i, url, args.load_db, setup, args.seconds, args.max_ops, queue)) for i in range(args.clients)]
        started = time.time()
        for client in clients:
            client.start()
        results = []
        for _client in clients:
            results.extend(queue.get(timeout=args.seconds + 600))
        for client in clients:
            client.join(60)
            if client.is_alive():
                client.terminate()
        elapsed = time.time() - started
        check_id = admin.call("jxc.stock.check", "create", [{}])
        admin.button("jxc.stock.check", "button_run", check_id)
        check = admin.call("jxc.stock.check", "read", [[check_id], ["state", "issue_count"]])[0]
    finally:
        stop_server(proc)

    books = books_check(options, args.load_db)
    with open(log_path, encoding="utf-8", errors="replace") as log:
        text = log.read()
    replays = len(re.findall(r"(LOCK_NOT_AVAILABLE|SERIALIZATION_FAILURE|DEADLOCK_DETECTED), retry \d", text))
    exhausted = len(re.findall(r"maximum number of tries reached", text))
    errors = [line for line in text.splitlines() if re.match(r"^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ", line)]

    print("Load: %d clients (JSON-RPC as the web client), %d hot products, %d workers, %.0f s"
          % (args.clients, args.products, args.workers, elapsed))
    print("%-20s %6s %6s %8s %10s %8s %8s %8s %8s" % ("operation", "count", "ok", "refused", "unexpected",
                                                     "p50 ms", "p95 ms", "p99 ms", "max ms"))
    kinds = sorted({r[0] for r in results}, key=lambda k: (k not in STOCK_KINDS, k))
    for kind in kinds + ["stock requests"]:
        rows = [r for r in results if (r[0] in STOCK_KINDS if kind == "stock requests" else r[0] == kind)]
        times = [r[1] * 1000 for r in rows]
        print("%-20s %6d %6d %8d %10d %8.0f %8.0f %8.0f %8.0f" % (
            kind, len(rows), sum(r[2] == "ok" for r in rows), sum(r[2] == "refused" for r in rows),
            sum(r[2] == "unexpected" for r in rows), percentile(times, 50), percentile(times, 95),
            percentile(times, 99), max(times or [0])))
    refusals = {}
    for r in results:
        if r[2] == "refused":
            key = re.sub(r"[0-9.]+|S\d+\S*|\S+/\d+\S*", "#", r[3])[:110]
            refusals[key] = refusals.get(key, 0) + 1
    print("Refusals (clear messages):")
    for message, count in sorted(refusals.items(), key=lambda item: -item[1])[:8]:
        print("  %5d  %s" % (count, message))
    unexpected = [r for r in results if r[2] == "unexpected"]
    for r in unexpected[:10]:
        print("UNEXPECTED %s after %.1f s: %s" % (r[0], r[1], r[3]))
    print("Server: %d replays of a request after a lock conflict, %d gave up after 5, %d ERROR lines (%s)"
          % (replays, exhausted, len(errors), log_path))
    print("Books: ledger value %.2f, 1405 balance %.2f; ledger/quants mismatches %d; reservation mismatches %d; "
          "negative quants %d; integrity check: %s (%d issues)"
          % (books["ledger_value"], books["books_1405"], books["ledger_vs_quants_mismatches"],
             books["reservation_mismatches"], books["negative_quants"], check["state"], check["issue_count"]))
    stock_times = [r[1] for r in results if r[0] in STOCK_KINDS]
    failed = bool(unexpected or errors or exhausted or books["ledger_vs_quants_mismatches"]
                  or books["reservation_mismatches"] or books["negative_quants"]
                  or abs(books["ledger_value"] - books["books_1405"]) > 0.005 or check["state"] != "ok")
    print("Goal: 0 unexpected (%d), p99 of stock requests < 5 s (%.2f s): %s"
          % (len(unexpected), percentile(stock_times, 99), "met" if not failed and percentile(stock_times, 99) < 5
             else "NOT met"))
    if not args.keep:
        drop_database(options, args.load_db)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
