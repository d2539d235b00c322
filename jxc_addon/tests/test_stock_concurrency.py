"""Real concurrent postings: separate cursors in threads, as separate HTTP workers would be.

Each "request" is replayed on a serialization failure the way Odoo's RPC layer does
(odoo.service.model.check), so the tests see what users see.
"""
import random
import threading
import time
import unittest
import uuid

from psycopg2 import OperationalError

import odoo
from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError
from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY
from odoo.tests.common import get_db_name

from .common import load_chart


class ConcurrencyCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.registry = odoo.registry(get_db_name())
        cls.tag = uuid.uuid4().hex[:6].upper()
        # Committed data lives in a company of its own, on the Chinese chart, so that it stays
        # out of the other tests' sight (multi-company rules) and integrity checks.
        with api.Environment.manage(), cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"lang": "en_US"})
            company = env["res.company"].create({"name": "Race Co %s" % cls.tag,
                                                 "currency_id": env.ref("base.CNY").id})
            load_chart(env, company, env.ref("l10n_cn_small_business.l10n_chart_china_small_business"))
            cls.company_id = company.id

    def request(self, work, before_post=None, failures=None, new_cursor=False):
        """Run work(env) in its own transaction, replayed like Odoo replays a request on a
        concurrency error: a web client request on the same cursor, rolled back before each replay
        (odoo.http checked_call under odoo.service.model.check); with `new_cursor`, an XML-RPC call,
        on a new cursor each time (odoo.service.model.execute). Returns ("ok", result) or
        ("error", UserError); `failures`, if given, gets the pgcode of each failed attempt."""
        # Odoo replays up to 5 times; the stress test hammers two cores far harder than real users,
        # so it allows more replays (a failure here is contention, not a wrong result).
        with api.Environment.manage():
            shared = None if new_cursor else self.registry.cursor()
            try:
                for attempt in range(25):
                    cr = self.registry.cursor() if new_cursor else shared
                    cr.rollback()
                    env = api.Environment(cr, SUPERUSER_ID, {"lang": "en_US", "tracking_disable": True})
                    try:
                        result = work(env, before_post if attempt == 0 else None)
                        cr.commit()
                        return "ok", result
                    except UserError as error:
                        cr.rollback()  # a refused call commits nothing
                        return "error", error
                    except OperationalError as error:
                        if error.pgcode not in PG_CONCURRENCY_ERRORS_TO_RETRY:
                            raise
                        if failures is not None:
                            failures.append(error.pgcode)
                    finally:
                        if new_cursor:
                            cr.close()
                    time.sleep(random.uniform(0.0, min(1.0, 0.05 * 2 ** attempt)))
            finally:
                if shared is not None:
                    shared.close()
        raise AssertionError("request still failing after 25 tries")

    def in_threads(self, jobs):
        results = [None] * len(jobs)

        def run(index, job):
            try:
                results[index] = job()
            except Exception as error:  # reported by the main thread
                results[index] = error

        threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        for result in results:
            if isinstance(result, Exception):
                raise result
        return results

    def setup_stock(self, products=1, warehouses=1, qty=0.0, cost=10.0):
        call = uuid.uuid4().hex[:4].upper()  # several set-ups in one class

        def work(env, _hook):
            whs = env["jxc.warehouse"]
            for i in range(warehouses):
                whs |= env["jxc.warehouse"].create({"name": "Race %s%s %d" % (self.tag, call, i),
                                                    "code": "R%s%s%d" % (self.tag, call, i),
                                                    "company_id": self.company_id})
            prods = env["product.product"]
            for i in range(products):
                prods |= env["product.product"].create({"name": "Race item %s %d" % (self.tag, i), "type": "consu"})
            if qty:
                for wh in whs:
                    env["jxc.stock.picking"].create({
                        "picking_type": "receipt", "warehouse_id": wh.id,
                        "line_ids": [(0, 0, {"product_id": p.id, "uom_id": p.uom_id.id, "quantity": qty,
                                             "unit_cost": cost}) for p in prods]}).button_done()
            return whs.ids, prods.ids
        status, (warehouse_ids, product_ids) = self.request(work)
        return warehouse_ids, product_ids

    def post(self, picking_type, warehouse_id, lines, barrier=None):
        def work(env, before_post):
            picking = env["jxc.stock.picking"].create({
                "picking_type": picking_type, "warehouse_id": warehouse_id,
                "line_ids": [(0, 0, {"product_id": pid, "uom_id": env["product.product"].browse(pid).uom_id.id,
                                     "quantity": qty, "unit_cost": cost}) for pid, qty, cost in lines]})
            if before_post:
                before_post()
            picking.button_done()
            return picking.id
        return self.request(work, barrier.wait if barrier else None)

    def stock_rows(self, product_ids):
        with self.registry.cursor() as cr:
            cr.execute("""
                SELECT q.product_id, q.warehouse_id, q.quantity, q.value,
                       (SELECT COALESCE(SUM(quantity), 0) FROM jxc_stock_ledger l
                         WHERE l.product_id = q.product_id AND l.warehouse_id = q.warehouse_id),
                       (SELECT COALESCE(SUM(value), 0) FROM jxc_stock_ledger l
                         WHERE l.product_id = q.product_id AND l.warehouse_id = q.warehouse_id)
                  FROM jxc_stock_quant q WHERE q.product_id IN %s
            """, (tuple(product_ids),))
            return cr.fetchall()

    def integrity_issues(self):
        with api.Environment.manage(), self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            return env["jxc.stock.check"].new({"company_id": self.company_id})._find_issues()


class TestLastUnitsRace(ConcurrencyCase):

    def test_two_keepers_post_the_last_units_at_once(self):
        (warehouse_id,), (product_id,) = self.setup_stock(qty=5)
        barrier = threading.Barrier(2, timeout=30)
        results = self.in_threads([
            lambda: self.post("delivery", warehouse_id, [(product_id, 4, 0)], barrier),
            lambda: self.post("delivery", warehouse_id, [(product_id, 4, 0)], barrier),
        ])
        statuses = sorted(status for status, _ in results)
        self.assertEqual(statuses, ["error", "ok"], results)
        error = [r for s, r in results if s == "error"][0]
        self.assertIn("Not enough stock", error.name)
        self.assertIn("1 Unit(s) available", error.name, "the loser is told what is left")
        (row,) = self.stock_rows([product_id])
        self.assertEqual(row[2:], (1.0, 10.0, 1.0, 10.0))
        with self.registry.cursor() as cr:
            cr.execute("SELECT count(*) FROM jxc_stock_picking p JOIN jxc_stock_picking_line l ON l.picking_id = p.id "
                       "WHERE l.product_id = %s AND p.picking_type = 'delivery'", (product_id,))
            self.assertEqual(cr.fetchone()[0], 1, "the refused request left no document")
        self.assertEqual(self.integrity_issues(), [])


class TestReplayTakesLocksFirst(ConcurrencyCase):

    def test_replay_waits_for_the_holder_instead_of_failing_again(self):
        """A keeper posts while another request holds the product: his request fails at once
        (NOWAIT), and its one replay waits for the holder's commit and posts on the stock it left,
        where a replay under the request's old snapshot would fail again for as long as the holder
        keeps the lock."""
        self.replay_waits(new_cursor=False)

    def test_xmlrpc_replay_on_a_new_cursor_waits_too(self):
        """The same over XML-RPC, whose replays run on a new cursor."""
        self.replay_waits(new_cursor=True)

    def replay_waits(self, new_cursor):
        (warehouse_id,), (product_id,) = self.setup_stock(qty=10)
        posted, release = threading.Event(), threading.Event()
        failures = []

        def holder():
            def hold(env, _hook):
                picking = self.new_picking(env, "delivery", warehouse_id, product_id, 2)
                picking.button_done()
                posted.set()
                release.wait(30)  # the quants stay locked until this transaction commits
                return picking.id
            return self.request(hold)

        # The keeper's delivery is saved first; pressing 审核 is a request of its own.
        _status, picking_id = self.request(lambda env, _hook: self.new_picking(
            env, "delivery", warehouse_id, product_id, 3).id)

        def second():
            posted.wait(30)
            return self.request(lambda env, _hook: env["jxc.stock.picking"].browse(picking_id).button_done(),
                                failures=failures, new_cursor=new_cursor)

        def referee():
            posted.wait(30)
            deadline = time.time() + 30
            while not failures and time.time() < deadline:
                time.sleep(0.01)
            time.sleep(0.5)  # the replay (if it waits) is now waiting for the lock
            release.set()

        results = self.in_threads([holder, second, referee])
        self.assertEqual([r[0] for r in results[:2]], ["ok", "ok"], results)
        self.assertEqual(failures, ["55P03"], "one immediate failure, then a replay that waited its turn")
        (row,) = self.stock_rows([product_id])
        self.assertEqual(row[2:], (5.0, 50.0, 5.0, 50.0), "10 - 2 - 3 left, at 10.00")
        self.assertEqual(self.integrity_issues(), [])

    def test_document_validated_twice_at_once_posts_once(self):
        """Two keepers press 审核 on the same receipt at the same moment: one posts, the other is
        told it is no longer a draft, without a traceback and without a second posting."""
        (warehouse_id,), (product_id,) = self.setup_stock()
        _status, picking_id = self.request(lambda env, _hook: self.new_picking(
            env, "receipt", warehouse_id, product_id, 4, cost=12.5).id)
        barrier = threading.Barrier(2, timeout=30)

        def validate(env, before_post):
            picking = env["jxc.stock.picking"].browse(picking_id)
            picking.read(["state"])
            if before_post:
                before_post()
            return picking.button_done()

        results = self.in_threads([lambda: self.request(validate, barrier.wait)] * 2)
        self.assertEqual(sorted(status for status, _ in results), ["error", "ok"], results)
        error = [r for s, r in results if s == "error"][0]
        self.assertIn("is no longer Draft", error.name)
        (row,) = self.stock_rows([product_id])
        self.assertEqual(row[2:], (4.0, 50.0, 4.0, 50.0), "posted once")
        self.assertEqual(self.integrity_issues(), [])

    @staticmethod
    def new_picking(env, picking_type, warehouse_id, product_id, qty, cost=0.0):
        product = env["product.product"].browse(product_id)
        return env["jxc.stock.picking"].create({
            "picking_type": picking_type, "warehouse_id": warehouse_id,
            "line_ids": [(0, 0, {"product_id": product_id, "uom_id": product.uom_id.id, "quantity": qty,
                                 "unit_cost": cost})]})


class TestStress(ConcurrencyCase):

    def test_workers_random_in_and_out_keep_ledger_quant_and_books_equal(self):
        warehouse_ids, product_ids = self.setup_stock(products=3, warehouses=2, qty=20, cost=10.0)
        outcomes = []

        def worker(seed):
            rnd = random.Random(seed)
            done = []
            for _ in range(12):
                time.sleep(rnd.uniform(0, 0.03))  # think time between a user's requests
                wh = rnd.choice(warehouse_ids)
                lines = [(pid, rnd.randint(1, 6), round(rnd.uniform(5, 15), 2))
                         for pid in rnd.sample(product_ids, rnd.randint(1, 2))]
                kind = rnd.choice(["receipt", "delivery", "delivery"])
                done.append((kind,) + self.post(kind, wh, lines))
            return done

        for result in self.in_threads([lambda s=s: worker(s) for s in range(4)]):
            outcomes.extend(result)
        succeeded = [o for o in outcomes if o[1] == "ok"]
        refused = [o for o in outcomes if o[1] == "error"]
        self.assertTrue(succeeded)
        self.assertTrue(all("Not enough stock" in o[2].name for o in refused))
        for product_id, warehouse_id, qty, value, ledger_qty, ledger_value in self.stock_rows(product_ids):
            self.assertGreaterEqual(qty, 0, "no overselling")
            self.assertAlmostEqual(qty, ledger_qty, places=4)
            self.assertAlmostEqual(value, ledger_value, places=2)
        with self.registry.cursor() as cr:
            # Replayed requests wrote no duplicates: one ledger row per posted line.
            cr.execute("""
                SELECT count(*) FROM jxc_stock_ledger WHERE product_id IN %s AND kind = 'move'
            """, (tuple(product_ids),))
            ledger_rows = cr.fetchone()[0]
            cr.execute("""
                SELECT count(*) FROM jxc_stock_picking_line l JOIN jxc_stock_picking p ON p.id = l.picking_id
                 WHERE l.product_id IN %s AND p.state = 'done'
            """, (tuple(product_ids),))
            self.assertEqual(ledger_rows, cr.fetchone()[0])
            cr.execute("SELECT count(*) FROM jxc_stock_picking p WHERE p.state = 'done' AND p.warehouse_id IN %s",
                       (tuple(warehouse_ids),))
            self.assertEqual(cr.fetchone()[0], len(succeeded) + len(warehouse_ids))
        self.assertEqual(self.integrity_issues(), [])


class TestOversellingRace(ConcurrencyCase):

    def test_two_salesmen_confirm_the_last_units(self):
        (warehouse_id,), (product_id,) = self.setup_stock(qty=5)

        def confirm(env, before_post):
            customer = env["res.partner"].create({"name": "Race customer %s" % self.tag, "customer": True})
            order = env["jxc.sale.order"].create({
                "partner_id": customer.id, "warehouse_id": warehouse_id, "company_id": self.company_id,
                "line_ids": [(0, 0, {"product_id": product_id, "uom_id": env.ref("product.product_uom_unit").id,
                                     "product_qty": 4, "price_unit": 10.0})]})
            if before_post:
                before_post()
            order.button_confirm()
            return order.id

        barrier = threading.Barrier(2, timeout=30)
        results = self.in_threads([lambda: self.request(confirm, barrier.wait)] * 2)
        self.assertEqual(sorted(status for status, _ in results), ["error", "ok"], results)
        error = [r for s, r in results if s == "error"][0]
        self.assertIn("Not enough stock", error.name)
        with self.registry.cursor() as cr:
            cr.execute("SELECT quantity, reserved_quantity, available_quantity FROM jxc_stock_quant WHERE product_id = %s",
                       (product_id,))
            self.assertEqual(cr.fetchone(), (5.0, 4.0, 1.0), "one order reserved, no overselling")


class TestScansInTwoWorkers(ConcurrencyCase):

    def test_second_worker_steps_aside_and_nothing_is_doubled(self):
        (warehouse_id,), product_ids = self.setup_stock(products=3)

        def make_rules(env, _hook):
            return [env["jxc.reorder.rule"].create({"product_id": pid, "warehouse_id": warehouse_id, "min_qty": 5,
                                                    "max_qty": 10, "user_id": SUPERUSER_ID}).id
                    for pid in product_ids]
        _status, rule_ids = self.request(make_rules)
        first_scanned, second_done = threading.Event(), threading.Event()

        def scan(env, hook):
            result = env["jxc.reorder.rule"].browse(rule_ids).action_reorder_scan()
            if hook:
                hook()
            return result

        def first():
            def hold_open():
                first_scanned.set()
                second_done.wait(30)  # keep the transaction (and its lock) open meanwhile
            return self.request(scan, hold_open)

        def second():
            first_scanned.wait(30)
            try:
                return self.request(scan)
            finally:
                second_done.set()

        results = self.in_threads([first, second])
        self.assertEqual(results, [("ok", True), ("ok", False)], "the second worker found the scan running")
        self.assertEqual(self.request(scan), ("ok", True), "and may scan again once the first is done")
        with self.registry.cursor() as cr:
            cr.execute("""
                SELECT count(*), count(DISTINCT w.rule_id), count(a.id) FROM jxc_reorder_warning w
                  LEFT JOIN mail_activity a ON a.res_model = 'jxc.reorder.warning' AND a.res_id = w.id
                 WHERE w.rule_id = ANY(%s) AND w.state = 'open'
            """, (rule_ids,))
            self.assertEqual(cr.fetchone(), (3, 3, 3), "one open warning and one to-do per rule")
