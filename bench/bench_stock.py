"""Stock posting benchmark: jxc_addon next to Odoo 11's own stock_account, in one run.

Run through `make bench` (creates the databases on first use). Prints:
  - ms and SQL queries per validated 5-line receipt and delivery, ours and Odoo's
    (stock + stock_account, average cost, real-time valuation);
  - the 5-line order flows with 13% VAT, step by step, ours and Odoo's (sale_stock, purchase):
    sales (confirm, deliver, invoice, post the invoice) and purchase (confirm, receive, bill,
    validate the bill);
  - Odoo 11's floor for a 5-line invoice and bill (one create with every value, then validate), and
    the queries of our invoice and bill by where they come from (JXC_BENCH_PROFILE=1: the functions);
  - 月结: a month of 500 delivered orders of 20 customers invoiced by the consolidated invoicing wizard
    (20 validated invoices), against invoices made order by order and Odoo's own Create Invoices on
    many orders, and the whole sales flow per order with either; the same for purchases: 500 received
    orders of 20 suppliers in 20 validated bills (GRNI matched with the receipts), against bills made
    order by order and Odoo's one bill with many orders added, and the whole purchase flow per order;
  - one 5,000-line receipt validated by jxc_addon;
  - the integrity check over 1,000,000 ledger rows;
  - the hourly reorder scan over 50,000 reorder rules (5,000 products × 10 warehouses), first run
    and re-run, with its query count next to a scan of a tenth of the rules.
Everything runs in transactions that are rolled back: the databases stay as they were.
"""
import argparse
import collections
import contextlib
import cProfile
import datetime
import linecache
import os
import pstats
import sys
import time

from psycopg2 import sql

import odoo
from odoo import SUPERUSER_ID, api, fields


@contextlib.contextmanager
def profiled():
    """With JXC_BENCH_PROFILE=1: print the slowest queries and the Python profile of the block."""
    if not os.environ.get("JXC_BENCH_PROFILE"):
        yield
        return
    profile = cProfile.Profile()
    timings = []
    execute = odoo.sql_db.Cursor.execute

    def timed_execute(self, query, params=None, log_exceptions=None):
        start = time.perf_counter()
        try:
            return execute(self, query, params, log_exceptions)
        finally:
            timings.append((time.perf_counter() - start, " ".join(str(query).split())[:150]))
    odoo.sql_db.Cursor.execute = timed_execute
    profile.enable()
    try:
        yield
    finally:
        profile.disable()
        odoo.sql_db.Cursor.execute = execute
        for seconds, query in sorted(timings, reverse=True)[:12]:
            print("%8.3f s  %s" % (seconds, query))
        pstats.Stats(profile).sort_stats("cumulative").print_stats(30)


ODOO_DIR = os.path.dirname(odoo.__file__) + os.sep
ADDONS_DIR = os.path.join(ODOO_DIR, "addons") + os.sep
# Frames that only pass a call on: the field-access and guard mixins, mail's create/write wrappers.
PASS_THROUGH_FILES = ("jxc_field_access_mixin.py", "jxc_guarded_mixin.py")
PASS_THROUGH_MAIL = ("mail/models/mail_thread.py", "mail/models/mail_activity.py")


def query_origin(frame):
    """(origin, function) of a query: the innermost frame of jxc_addon or of an Odoo addon that does
    the work. Frames that only hand the call on are skipped: the mixins, mail's create/write wrappers
    and jxc_addon methods on their `super()` line. Queries with no such frame are Odoo's core."""
    while frame is not None:
        filename = frame.f_code.co_filename
        if "/jxc_addon/" in filename:
            if not filename.endswith(PASS_THROUGH_FILES) and \
                    "super(" not in linecache.getline(filename, frame.f_lineno):
                return "jxc_addon", "%s:%s" % (filename.split("/jxc_addon/")[1], frame.f_code.co_name)
        elif filename.startswith(ADDONS_DIR):
            relative = filename[len(ADDONS_DIR):]
            if not relative.startswith(PASS_THROUGH_MAIL):
                module = relative.split("/")[0]
                return module, "%s:%s" % (relative, frame.f_code.co_name)
        frame = frame.f_back
    return "core", ""


class QueryOrigins:
    """Counts the SQL queries of the blocks run inside it by origin (query_origin)."""

    def __init__(self):
        self.by_module = collections.Counter()
        self.by_function = collections.Counter()
        self.blocks = 0

    def __enter__(self):
        self._execute = execute = odoo.sql_db.Cursor.execute
        origins = self

        def counted(cr, query, params=None, log_exceptions=None):
            module, function = query_origin(sys._getframe(1))
            origins.by_module[module] += 1
            origins.by_function[(module, function)] += 1
            return execute(cr, query, params, log_exceptions)
        odoo.sql_db.Cursor.execute = counted
        self.blocks += 1
        return self

    def __exit__(self, *exc):
        odoo.sql_db.Cursor.execute = self._execute

    def per_block(self, module):
        return self.by_module[module] / float(self.blocks or 1)

    def summary(self, modules=("jxc_addon", "account", "mail")):
        other = sum(v for k, v in self.by_module.items() if k not in modules)
        parts = ["%s %.0f" % (m, self.per_block(m)) for m in modules]
        return ", ".join(parts + ["other %.0f" % (other / float(self.blocks or 1))])

    def top(self, count=12):
        return [(n / float(self.blocks or 1), module, function)
                for (module, function), n in self.by_function.most_common(count)]


def measure(cr, fn):
    queries = cr.sql_log_count
    start = time.perf_counter()
    result = fn()
    return (time.perf_counter() - start) * 1000.0, cr.sql_log_count - queries, result


def env_for(db):
    registry = odoo.registry(db)
    cr = registry.cursor()
    return api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True, "lang": "en_US"})


def jxc_setup(db, big_lines):
    """Master data the measured company already has: products, partners, a warehouse.
    Made once and committed (the database is a bench copy), then ANALYZEd, so plans are those
    of a live database rather than of tables created a second ago in the same transaction."""
    env = env_for(db)
    cr = env.cr
    try:
        Product = env["product.product"]
        existing = Product.search_count([("default_code", "=like", "BULK-%")])
        for i in range(existing, big_lines):
            Product.create({"name": "Bulk %d" % i, "default_code": "BULK-%05d" % i, "type": "consu"})
        for i in range(Product.search_count([("default_code", "=like", "BENCH-%")]), 5):
            Product.create({"name": "Bench %d" % i, "default_code": "BENCH-%d" % i, "type": "consu"})
        if not env["jxc.warehouse"].search([("code", "=", "BENCH")]):
            env["jxc.warehouse"].create({"name": "Bench", "code": "BENCH"})
        for i in range(env["jxc.warehouse"].search_count([("code", "=like", "BW%")]), 10):
            env["jxc.warehouse"].create({"name": "Bench W%d" % i, "code": "BW%d" % i})
        for name, flag in (("Bench supplier", "supplier"), ("Bench customer", "customer")):
            if not env["res.partner"].search([("name", "=", name)]):
                env["res.partner"].create({"name": name, flag: True})
        cr.commit()
        cr.execute("ANALYZE")
        cr.commit()
    finally:
        cr.close()
    odoo.sql_db.close_db(db)  # measure on a fresh connection


def jxc_bench(db, docs, big_lines, floor_docs):
    jxc_setup(db, big_lines)
    env = env_for(db)
    cr = env.cr
    try:
        wh = env["jxc.warehouse"].search([("code", "=", "BENCH")])
        products = env["product.product"].search([("default_code", "=like", "BENCH-%")], order="default_code")
        supplier = env["res.partner"].search([("name", "=", "Bench supplier")], limit=1)
        customer = env["res.partner"].search([("name", "=", "Bench customer")], limit=1)

        def doc(kind, partner, cost):
            return env["jxc.stock.picking"].create({
                "picking_type": kind, "warehouse_id": wh.id, "partner_id": partner.id,
                "line_ids": [(0, 0, {"product_id": p.id, "uom_id": p.uom_id.id, "quantity": 10 if cost else 3,
                                     "unit_cost": cost}) for p in products]})

        results = {}
        for kind, partner, cost in (("receipt", supplier, 5.0), ("delivery", customer, 0.0)):
            times, counts = [], []
            for _ in range(docs):
                picking = doc(kind, partner, cost)
                env["res.users"].invalidate_cache()  # the whole ORM cache
                ms, queries, _ = measure(cr, picking.button_done)
                times.append(ms)
                counts.append(queries)
            results[kind] = (sum(times) / len(times), sum(counts) / len(counts))

        results.update(jxc_flows(env, wh, products, supplier, customer, docs, floor_docs))
        return results
    finally:
        cr.rollback()
        cr.close()


class Steps:
    """ms and SQL of each step of a flow, summed over the timed documents; the query origins of each
    step from one more document, not timed (walking the stack of every query would slow the steps)."""

    def __init__(self, names):
        self.names = names
        self.ms = collections.Counter()
        self.sql = collections.Counter()
        self.origins = {name: QueryOrigins() for name in names}
        self.docs = 0

    def run(self, cr, name, fn, origins=False):
        if origins:
            with self.origins[name]:
                return fn()
        ms, queries, result = measure(cr, fn)
        self.ms[name] += ms
        self.sql[name] += queries
        return result

    def mean(self, *names):
        """(ms, SQL) per document of these steps together (all of them if none is named)."""
        names = names or self.names
        return (sum(self.ms[n] for n in names) / self.docs, sum(self.sql[n] for n in names) / float(self.docs))


def jxc_flows(env, wh, products, supplier, customer, docs, floor_docs):
    """The order flows of a 5-line order with 13% VAT, step by step: sales (confirm, deliver,
    invoice, post the invoice) and purchase (confirm, receive, bill, validate the bill)."""
    cr = env.cr
    sale, purchase = Steps(["confirm", "move", "create", "validate"]), Steps(["confirm", "move", "create", "validate"])
    for i in range(docs + 1):
        origins = i == docs  # the last one: where the queries come from
        env["jxc.stock.picking"].create({
            "picking_type": "receipt", "warehouse_id": wh.id, "partner_id": supplier.id,
            "line_ids": [(0, 0, {"product_id": p.id, "uom_id": p.uom_id.id, "quantity": 3, "unit_cost": 5.0})
                         for p in products]}).button_done()
        order = env["jxc.sale.order"].create({
            "partner_id": customer.id, "warehouse_id": wh.id,
            "line_ids": [(0, 0, {"product_id": p.id, "uom_id": p.uom_id.id, "product_qty": 3, "price_unit": 9.0,
                                 "tax_ids": [(6, 0, p.taxes_id.ids)]}) for p in products]})
        env["res.users"].invalidate_cache()
        sale.run(cr, "confirm", order.button_confirm, origins)
        sale.run(cr, "move", lambda: env["jxc.stock.picking"].browse(order.action_deliver()["res_id"]).button_done(),
                 origins)
        invoice = sale.run(cr, "create", lambda: env["account.invoice"].browse(
            order.action_create_invoice()["res_id"]), origins)
        sale.run(cr, "validate", invoice.action_invoice_open, origins)
        assert invoice.state == "open" and abs(invoice.amount_total - 152.55) < 0.005, (
            invoice.state, invoice.amount_total)
        sale.docs += not origins
    for i in range(docs + 1):
        origins = i == docs
        order = env["jxc.purchase.order"].create({
            "partner_id": supplier.id, "warehouse_id": wh.id,
            "line_ids": [(0, 0, {"product_id": p.id, "uom_id": p.uom_id.id, "product_qty": 10, "price_unit": 5.0,
                                 "tax_ids": [(6, 0, p.supplier_taxes_id.ids)]}) for p in products]})
        env["res.users"].invalidate_cache()
        purchase.run(cr, "confirm", order.button_confirm, origins)
        purchase.run(cr, "move",
                     lambda: env["jxc.stock.picking"].browse(order.action_receive()["res_id"]).button_done(), origins)
        bill = purchase.run(cr, "create", lambda: env["account.invoice"].browse(
            order.action_create_bill()["res_id"]), origins)
        purchase.run(cr, "validate", bill.action_invoice_open, origins)
        assert bill.state == "open" and abs(bill.amount_total - 282.5) < 0.005, (bill.state, bill.amount_total)
        purchase.docs += not origins
    return {"sale": sale, "purchase": purchase, "floor": invoice_floor(env, customer, supplier, products, floor_docs)}


def invoice_floor(env, customer, supplier, products, docs):
    """Odoo 11's own cost of a 5-line customer invoice and vendor bill with VAT: one create with every
    value its onchanges would fill in (no onchange, taxes computed by create), then validated."""
    results = {}
    company = env.user.company_id
    for kind, partner in (("out_invoice", customer), ("in_invoice", supplier)):
        customer_side = kind == "out_invoice"
        journal = env["account.journal"].search([("type", "=", "sale" if customer_side else "purchase"),
                                                 ("company_id", "=", company.id)], limit=1)
        lines = []
        for product in products:
            accounts = product.product_tmpl_id.get_product_accounts()
            taxes = product.taxes_id if customer_side else product.supplier_taxes_id
            lines.append((0, 0, {
                "product_id": product.id, "name": product.name, "quantity": 3 if customer_side else 10,
                "uom_id": product.uom_id.id, "price_unit": 9.0 if customer_side else 5.0,
                "account_id": (accounts["income"] if customer_side else accounts["expense"]).id,
                "invoice_line_tax_ids": [(6, 0, taxes.ids)]}))
        vals = {"type": kind, "partner_id": partner.id, "journal_id": journal.id, "company_id": company.id,
                "currency_id": company.currency_id.id, "payment_term_id": False, "fiscal_position_id": False,
                "partner_bank_id": False, "user_id": env.uid,
                "account_id": (partner.property_account_receivable_id if customer_side
                               else partner.property_account_payable_id).id,
                "invoice_line_ids": lines}
        steps = Steps(["create", "validate"])
        for i in range(docs + bool(os.environ.get("JXC_BENCH_PROFILE"))):
            origins = i == docs  # with JXC_BENCH_PROFILE, one more: where the queries come from
            env["res.users"].invalidate_cache()
            invoice = steps.run(env.cr, "create", lambda: env["account.invoice"].create(dict(vals)), origins)
            steps.run(env.cr, "validate", invoice.action_invoice_open, origins)
            assert invoice.state == "open" and invoice.tax_line_ids, invoice.state
            steps.docs += not origins
        results[kind] = steps
    return results


def jxc_big_bench(db, big_lines, ledger_rows):
    """A container arriving (one receipt of `big_lines` distinct products), then the integrity check over
    a million ledger rows. On a connection of its own: the bench database has almost no committed
    documents, and a connection that already ran the small documents keeps foreign-key check plans made
    for tiny tables (sequential scans) that a live database, with its history, would not use."""
    odoo.sql_db.close_db(db)
    env = env_for(db)
    cr = env.cr
    results = {}
    try:
        wh = env["jxc.warehouse"].search([("code", "=", "BENCH")])
        supplier = env["res.partner"].search([("name", "=", "Bench supplier")], limit=1)
        # One big receipt: distinct products, as a container arriving.
        big_products = env["product.product"].search([("default_code", "=like", "BULK-%")],
                                                     order="default_code", limit=big_lines)
        big = env["jxc.stock.picking"].create({
            "picking_type": "receipt", "warehouse_id": wh.id, "partner_id": supplier.id,
            "line_ids": [(0, 0, {"product_id": p.id, "uom_id": p.uom_id.id, "quantity": 2, "unit_cost": 3.5})
                         for p in big_products]})
        env["res.users"].invalidate_cache()  # the whole ORM cache
        with profiled():
            results["big"] = measure(cr, big.button_done)[:2]
        results["big_move_lines"] = len(big.move_id.line_ids)

        # A million ledger rows (with their quants kept consistent), then the full check.
        cr.execute("""
            INSERT INTO jxc_stock_ledger (date, reference, kind, product_id, warehouse_id, company_id,
                                          quantity, unit_cost, value, balance_qty, balance_value, user_id)
            SELECT CURRENT_DATE, 'BENCH', 'move', p.id, %(wh)s, %(company)s, 1, 1, 1, 2 + g, 7 + g, 1
              FROM generate_series(1, %(per)s) g CROSS JOIN (SELECT id FROM product_product WHERE id IN %(ids)s) p
        """, {"wh": wh.id, "company": wh.company_id.id, "per": ledger_rows // len(big_products),
              "ids": tuple(big_products.ids)})
        # a live table that size would be analyzed; without it the planner may take a million rows for none
        cr.execute("ANALYZE jxc_stock_ledger")
        cr.execute("""
            UPDATE jxc_stock_quant q SET quantity = l.qty, value = l.value
              FROM (SELECT product_id, warehouse_id, SUM(quantity) qty, SUM(value) value FROM jxc_stock_ledger
                     WHERE warehouse_id = %s GROUP BY product_id, warehouse_id) l
             WHERE q.product_id = l.product_id AND q.warehouse_id = l.warehouse_id
        """, (wh.id,))
        cr.execute("SELECT count(*) FROM jxc_stock_ledger")
        results["ledger_rows"] = cr.fetchone()[0]
        check = env["jxc.stock.check"].create({"company_id": wh.company_id.id})
        ms, queries, _ = measure(cr, check.button_run)
        results["check"] = (ms, queries, check.issue_count)
        return results
    finally:
        cr.rollback()
        cr.close()


def reorder_bench(db, rule_count):
    """The reorder scan as its hourly cron runs it, over `rule_count` rules with stock, open
    purchase orders and requests; all in a transaction rolled back at the end."""
    env = env_for(db)
    cr = env.cr
    try:
        warehouses = env["jxc.warehouse"].search([("code", "=like", "BW%")], order="code")
        products = env["product.product"].search([("default_code", "=like", "BULK-%")], order="default_code")
        per_warehouse = rule_count // len(warehouses)
        assert len(products) >= per_warehouse, "run with --big-lines >= rules / 10"
        company = warehouses[0].company_id
        cr.execute("DELETE FROM jxc_reorder_rule")
        cr.execute("""
            INSERT INTO jxc_reorder_rule (product_id, warehouse_id, company_id, min_qty, max_qty, multiple,
                                          lead_days, safety_days, active, create_uid, create_date, write_uid, write_date)
            SELECT p.id, w.id, %(company)s, 10, 50, 12, 7, 3, TRUE, 1, now(), 1, now()
              FROM unnest(%(products)s::int[]) p(id) CROSS JOIN unnest(%(warehouses)s::int[]) w(id)
        """, {"company": company.id, "products": products.ids[:per_warehouse], "warehouses": warehouses.ids})
        # on hand 0..59 spread over the pairs: about 1 in 6 below the minimum, 1 in 6 above the maximum
        cr.execute("""
            INSERT INTO jxc_stock_quant (product_id, warehouse_id, company_id, quantity, reserved_quantity, value,
                                         create_uid, create_date, write_uid, write_date)
            SELECT r.product_id, r.warehouse_id, r.company_id, (r.product_id * 7 + r.warehouse_id) % 60, 0,
                   ((r.product_id * 7 + r.warehouse_id) % 60) * 5, 1, now(), 1, now()
              FROM jxc_reorder_rule r
            ON CONFLICT DO NOTHING
        """)
        supplier = env["res.partner"].search([("name", "=", "Bench supplier")], limit=1)
        order = env["jxc.purchase.order"].create({
            "partner_id": supplier.id, "warehouse_id": warehouses[0].id,
            "line_ids": [(0, 0, {"product_id": p.id, "uom_id": p.uom_id.id, "product_qty": 30, "price_unit": 1.0})
                         for p in products[:200]]})
        order.button_confirm()
        env["jxc.purchase.request"].create({"line_ids": [
            (0, 0, {"product_id": p.id, "uom_id": p.uom_id.id, "product_qty": 20, "price_estimated": 1.0})
            for p in products[200:400]]})
        cr.execute("ANALYZE jxc_reorder_rule")
        cr.execute("ANALYZE jxc_stock_quant")
        Warning = env["jxc.reorder.warning"]
        results = {}
        env["res.users"].invalidate_cache()
        with profiled():
            results["first"] = measure(cr, Warning._cron_reorder_scan)
        cr.execute("SELECT kind, count(*) FROM jxc_reorder_warning WHERE state = 'open' GROUP BY kind")
        results["open"] = dict(cr.fetchall())
        cr.execute("SELECT count(*) FROM mail_activity WHERE res_model = 'jxc.reorder.warning'")
        results["activities"] = cr.fetchone()[0]
        # the next hourly run finds the new warnings analyzed (autovacuum had the hour to do it)
        cr.execute("ANALYZE jxc_reorder_warning")
        cr.execute("ANALYZE mail_activity")
        env["res.users"].invalidate_cache()
        with profiled():
            results["rerun"] = measure(cr, Warning._cron_reorder_scan)
        # a tenth of the rules: the query count must not change
        cr.execute("UPDATE jxc_reorder_rule SET active = FALSE WHERE warehouse_id <> %s", (warehouses[0].id,))
        env["res.users"].invalidate_cache()
        results["tenth"] = measure(cr, Warning._cron_reorder_scan)
        return results
    finally:
        cr.rollback()
        cr.close()


def odoo_bench(db, docs, floor_docs):
    """Odoo 11's own: 5-line incoming and outgoing pickings, average cost, real-time valuation."""
    env = env_for(db)
    cr = env.cr
    try:
        category = env["product.category"].create({
            "name": "Bench AVCO", "property_cost_method": "average", "property_valuation": "real_time"})
        company = env.user.company_id
        account = env["account.account"].search([("company_id", "=", company.id), ("code", "=like", "1405%")], limit=1)
        grni = env["account.account"].search([("company_id", "=", company.id), ("code", "=like", "2202%")], limit=1)
        cogs = env["account.account"].search([("company_id", "=", company.id), ("code", "=like", "5401%")], limit=1)
        journal = env["account.journal"].search([("company_id", "=", company.id), ("type", "=", "general")], limit=1)
        category.write({"property_stock_valuation_account_id": account.id,
                        "property_stock_account_input_categ_id": grni.id,
                        "property_stock_account_output_categ_id": cogs.id,
                        "property_stock_journal": journal.id})
        products = env["product.product"]
        for i in range(5):
            products |= env["product.product"].create({"name": "Odoo bench %d" % i, "type": "product",
                                                       "categ_id": category.id, "standard_price": 5.0})
        warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
        supplier = env["res.partner"].create({"name": "Bench supplier", "supplier": True})
        customer = env["res.partner"].create({"name": "Bench customer", "customer": True})
        results = {}
        for kind, picking_type, partner, src, dest, qty in (
                ("receipt", warehouse.in_type_id, supplier, env.ref("stock.stock_location_suppliers"),
                 warehouse.lot_stock_id, 10),
                ("delivery", warehouse.out_type_id, customer, warehouse.lot_stock_id,
                 env.ref("stock.stock_location_customers"), 3)):
            times, counts = [], []
            for _ in range(docs):
                picking = env["stock.picking"].create({
                    "picking_type_id": picking_type.id, "partner_id": partner.id,
                    "location_id": src.id, "location_dest_id": dest.id,
                    "move_lines": [(0, 0, {"name": p.name, "product_id": p.id, "product_uom": p.uom_id.id,
                                           "product_uom_qty": qty, "location_id": src.id,
                                           "location_dest_id": dest.id, "price_unit": 5.0})
                                   for p in products]})
                env["res.users"].invalidate_cache()  # the whole ORM cache

                def validate():
                    picking.action_confirm()
                    odoo_validate_picking(picking)
                ms, queries, _ = measure(cr, validate)
                assert picking.state == "done", picking.state
                times.append(ms)
                counts.append(queries)
            results[kind] = (sum(times) / len(times), sum(counts) / len(counts))
        results["sale"] = odoo_sale_flow(env, products, customer, warehouse, docs)
        results["purchase"] = odoo_purchase_flow(env, products, supplier, docs)
        results["floor"] = invoice_floor(env, customer, supplier, products, floor_docs)
        return results
    finally:
        cr.rollback()
        cr.close()


def odoo_sale_flow(env, products, customer, warehouse, docs):
    """sale_stock + stock_account: confirm a 5-line order, deliver it, invoice it (the Create Invoice
    button), post the invoice. Lines get the product's taxes, as Odoo's create fills them in."""
    steps = Steps(["confirm", "move", "create", "validate"])
    for _ in range(docs):
        order = env["sale.order"].create({
            "partner_id": customer.id, "warehouse_id": warehouse.id,
            "order_line": [(0, 0, {"product_id": p.id, "product_uom_qty": 3, "price_unit": 9.0,
                                   "product_uom": p.uom_id.id, "name": p.name}) for p in products]})
        env["res.users"].invalidate_cache()
        steps.run(env.cr, "confirm", order.action_confirm)

        steps.run(env.cr, "move", lambda: odoo_validate_picking(order.picking_ids))
        invoice = steps.run(env.cr, "create", lambda: env["account.invoice"].browse(order.action_invoice_create()))
        steps.run(env.cr, "validate", invoice.action_invoice_open)
        assert invoice.state == "open" and invoice.tax_line_ids, invoice.state
        steps.docs += 1
    return steps


def odoo_purchase_flow(env, products, supplier, docs):
    """purchase + stock_account: confirm a 5-line order, receive it, make its vendor bill as the web
    client does (a new bill with the order chosen: its onchanges fill the lines and taxes, then it is
    saved), validate the bill."""
    steps = Steps(["confirm", "move", "create", "validate"])
    Invoice = env["account.invoice"].with_context(type="in_invoice", journal_type="purchase")
    for _ in range(docs):
        order = env["purchase.order"].create({
            "partner_id": supplier.id,
            "order_line": [(0, 0, {"product_id": p.id, "product_qty": 10, "price_unit": 5.0, "name": p.name,
                                   "product_uom": p.uom_po_id.id, "date_planned": odoo.fields.Datetime.now(),
                                   "taxes_id": [(6, 0, p.supplier_taxes_id.ids)]}) for p in products]})
        env["res.users"].invalidate_cache()
        steps.run(env.cr, "confirm", order.button_confirm)

        steps.run(env.cr, "move", lambda: odoo_validate_picking(order.picking_ids))

        bill = steps.run(env.cr, "create", lambda: odoo_new_bill(Invoice, supplier, order))
        steps.run(env.cr, "validate", bill.action_invoice_open)
        assert bill.state == "open" and len(bill.invoice_line_ids) == 5 and bill.tax_line_ids, bill.state
        assert all(line.qty_invoiced == 10 for line in order.order_line)
        steps.docs += 1
    return steps


def clone_sql(cr, table, replaced, source, with_id=False):
    """INSERT INTO table (every column but id, unless with_id) SELECT the template's columns (t.*),
    `replaced` ({column: SQL expression}) standing in for theirs, FROM `source`: every other column holds
    what the ORM wrote."""
    cr.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s AND table_schema = 'public' "
               "AND (column_name <> 'id' OR %s) ORDER BY ordinal_position", (table, with_id))
    names = [name for (name,) in cr.fetchall()]
    select = [sql.SQL(replaced[name]) if name in replaced else sql.SQL("t.") + sql.Identifier(name) for name in names]
    return sql.SQL("INSERT INTO {} ({}) SELECT {} FROM {}").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, names)), sql.SQL(", ").join(select),
        sql.SQL(source) if isinstance(source, str) else source)


# The tables of a month of orders copied by SQL: orders, lines, the lines' taxes (relation, column), and
# the stock documents' columns naming the order and the order line.
MONTH_TABLES = {
    "sale": ("jxc_sale_order", "jxc_sale_order_line", "account_tax_jxc_sale_order_line_rel",
             "jxc_sale_order_line_id", "sale_id", "sale_line_id"),
    "purchase": ("jxc_purchase_order", "jxc_purchase_order_line", "account_tax_jxc_purchase_order_line_rel",
                 "jxc_purchase_order_line_id", "purchase_id", "purchase_line_id"),
}


def clone_month(cr, side, params):
    """Copies of the template order (params: template, picking — its validated stock document) and of its
    document, by SQL: orders named params["orders"] + a number, the first `month` of them spread over the
    `n` first partners, the rest for the last partner, dated over the month from `first`; their lines and
    the lines' taxes; a done document per order named params["documents"] + the order id, and its lines."""
    order, line, tax_rel, tax_column, picking_order, picking_line = MONTH_TABLES[side]
    ident = sql.Identifier
    params = dict(params, like=params["orders"] + "%", documents_like=params["documents"] + "%")
    clone_orders(cr, (order, line, tax_rel, tax_column), {
        "name": "%(orders)s || g",
        "partner_id": "CASE WHEN g < %(month)s + 1 THEN (%(partners)s::int[])[1 + g %% %(n)s] "
                      "ELSE (%(partners)s::int[])[%(n)s + 1] END",
        "date_order": "%(first)s::date + g %% %(days)s",
    }, {"order_id": "o.id", "partner_id": "o.partner_id", "date_order": "o.date_order"}, params)
    cr.execute(clone_sql(cr, "jxc_stock_picking", {
        "name": "%(documents)s || o.id", picking_order: "o.id", "partner_id": "o.partner_id",
        "date": "o.date_order", "origin": "o.name", "move_id": "NULL",
    }, sql.SQL("jxc_stock_picking t CROSS JOIN {} o WHERE t.id = %(picking)s AND o.name LIKE %(like)s").format(
        ident(order))), params)
    cr.execute(clone_sql(cr, "jxc_stock_picking_line", {"picking_id": "p.id", picking_line: "l.id"}, sql.SQL(
        "jxc_stock_picking_line t JOIN jxc_stock_picking p ON p.name LIKE %(documents_like)s "
        "JOIN {} l ON l.order_id = p.{} AND l.product_id = t.product_id WHERE t.picking_id = %(picking)s").format(
        ident(line), ident(picking_order))), params)
    analyze(cr, "jxc_stock_picking", "jxc_stock_picking_line", "res_partner")


def month_invoicing(env, kind, partners, sample, first, last, invoice_order):
    """Per-order invoicing of the last partner's `sample` orders (invoice_order(order) -> the draft invoice, then
    validated), then the consolidated invoicing wizard on the other partners: (per-order (ms, SQL) mean
    or None, wizard's (ms, SQL), its invoices)."""
    cr = env.cr
    model = "jxc.sale.order" if kind == "customer" else "jxc.purchase.order"
    steps = Steps(["create", "validate"])
    sample_orders = env[model].search([("partner_id", "=", partners[-1].id)])
    assert len(sample_orders) == sample, (len(sample_orders), sample)
    for order in sample_orders:
        invoice = steps.run(cr, "create", lambda: invoice_order(order))
        steps.run(cr, "validate", invoice.action_invoice_open)
        steps.docs += 1
    env["res.users"].invalidate_cache()
    wizard = env["jxc.invoice.consolidate"].create({
        "kind": kind, "date_from": fields.Date.to_string(first), "date_to": fields.Date.to_string(last),
        "partner_ids": [(6, 0, partners[:-1].ids)], "validate": True})
    with profiled():
        ms, queries, action = measure(cr, wizard.action_create_invoices)
    return (steps.mean() if steps.docs else None), (ms, queries), env["account.invoice"].search(action["domain"])


# Odoo's own orders copied by SQL: orders, lines, the lines' taxes (relation, column), the order's
# procurement group column.
ODOO_TABLES = {
    "sale": ("sale_order", "sale_order_line", "account_tax_sale_order_line_rel", "sale_order_line_id",
             "procurement_group_id"),
    "purchase": ("purchase_order", "purchase_order_line", "account_tax_purchase_order_line_rel",
                 "purchase_order_line_id", "group_id"),
}


def clone_odoo_orders(cr, side, template, count, prefix):
    """`count` copies of Odoo's order `template` with its lines and their taxes, named prefix + a number."""
    order, line, tax_rel, tax_column, group = ODOO_TABLES[side]
    clone_orders(cr, (order, line, tax_rel, tax_column), {"name": "%(prefix)s || g", group: "NULL"},
                 {"order_id": "o.id"}, {"template": template, "count": count, "prefix": prefix, "like": prefix + "%"})


def clone_orders(cr, tables, order_replaced, line_replaced, params):
    """Copies of the order params["template"] (params["count"] of them, named to match params["like"]),
    of its lines and of the lines' taxes; tables: (orders, lines, taxes relation, its line column);
    order_replaced, line_replaced: the copies' own columns (clone_sql)."""
    order, line, tax_rel, tax_column = tables
    ident = sql.Identifier
    cr.execute(clone_sql(cr, order, order_replaced, sql.SQL(
        "{} t CROSS JOIN generate_series(1, %(count)s) g WHERE t.id = %(template)s").format(ident(order))), params)
    cr.execute(clone_sql(cr, line, line_replaced, sql.SQL(
        "{} t CROSS JOIN {} o WHERE t.order_id = %(template)s AND o.name LIKE %(like)s").format(
        ident(line), ident(order))), params)
    cr.execute(sql.SQL("""
        INSERT INTO {rel} ({column}, account_tax_id)
        SELECT l.id, r.account_tax_id FROM {line} l
          JOIN {order} o ON o.id = l.order_id AND o.name LIKE %(like)s
          JOIN {line} t ON t.order_id = %(template)s AND t.product_id = l.product_id
          JOIN {rel} r ON r.{column} = t.id
    """).format(rel=ident(tax_rel), column=ident(tax_column), line=ident(line), order=ident(order)), params)
    analyze(cr, order, line, tax_rel)


def analyze(cr, *tables):
    """ANALYZE the tables just filled. Besides the planner's figures, this drops the plans this
    connection cached while they were nearly empty: the foreign key checks of the next insert would
    otherwise scan a whole table for each of a million rows."""
    for table in tables:
        cr.execute(sql.SQL("ANALYZE {}").format(sql.Identifier(table)))


def odoo_new_bill(Invoice, supplier, orders):
    """Odoo's vendor bill of received purchase orders as its web client makes it: a new bill of the
    supplier, each order chosen in turn in Add Purchase Order (its onchange adds the order's received
    lines), then saved."""
    values = Invoice.default_get(list(Invoice._fields))
    values.update({"type": "in_invoice", "partner_id": supplier.id})
    bill = Invoice.new(values)
    bill._onchange_partner_id()
    for order in orders:
        bill.purchase_id = order
        bill.purchase_order_change()
    bill._onchange_invoice_line_ids()
    bill._onchange_origin()
    return Invoice.create(bill._convert_to_write(bill._cache))


def odoo_validate_picking(picking):
    """Odoo's picking done as a user does it: reserve, every quantity done, validate."""
    picking.action_assign()
    for move in picking.move_lines:
        move.quantity_done = move.product_uom_qty
    picking.action_done()


def odoo_month_products(env, name, values):
    """Five consumable products "<name> <n>" of a category of their own, with `values` (the policy)."""
    category = env["product.category"].create({"name": "Bench " + name})
    products = env["product.product"]
    for i in range(5):
        products |= env["product.product"].create(dict(values, name="%s %d" % (name, i), type="consu",
                                                       categ_id=category.id))
    return products


def last_month_dates(env):
    today = fields.Date.from_string(fields.Date.context_today(env.user))
    last = today.replace(day=1) - datetime.timedelta(days=1)
    return last.replace(day=1), last


def jxc_month_bench(db, orders, customers, sample, group_lines=False):
    """月结: a month of `orders` delivered 5-line orders of `customers` customers, invoiced by the
    consolidated invoicing wizard (one validated invoice per customer), against `sample` orders of
    one more customer invoiced order by order. One order is made through the ORM (confirmed,
    delivered); the others are copies of it, of its lines and of its delivery made by SQL, dated over
    last month; rolled back at the end. group_lines: with Odoo's journal option Group Invoice Lines
    on the sales journal (one journal item per product and account instead of one per invoice line)."""
    odoo.sql_db.close_db(db)
    env = env_for(db)
    cr = env.cr
    results = {}
    try:
        if group_lines:
            env["account.journal"].search([("type", "=", "sale")]).write({"group_invoice_lines": True})
        wh = env["jxc.warehouse"].search([("code", "=", "BENCH")])
        products = env["product.product"].search([("default_code", "=like", "BENCH-%")], order="default_code")
        supplier = env["res.partner"].search([("name", "=", "Bench supplier")], limit=1)
        partners = env["res.partner"]
        for i in range(customers + 1):
            partners |= env["res.partner"].create({"name": "Bench 月结 customer %d" % i, "customer": True,
                                                   "is_company": True})
        first, last = last_month_dates(env)
        env["jxc.stock.picking"].create({
            "picking_type": "receipt", "warehouse_id": wh.id, "partner_id": supplier.id,
            "date": fields.Date.to_string(first),
            "line_ids": [(0, 0, {"product_id": p.id, "uom_id": p.uom_id.id, "quantity": 3, "unit_cost": 5.0})
                         for p in products]}).button_done()
        template = env["jxc.sale.order"].create({
            "partner_id": partners[0].id, "warehouse_id": wh.id, "date_order": fields.Date.to_string(first),
            "line_ids": [(0, 0, {"product_id": p.id, "uom_id": p.uom_id.id, "product_qty": 3, "price_unit": 9.0,
                                 "tax_ids": [(6, 0, p.taxes_id.ids)]}) for p in products]})
        template.button_confirm()
        delivery = env["jxc.stock.picking"].browse(template.action_deliver()["res_id"])
        delivery.date = fields.Date.to_string(first)
        delivery.button_done()
        days = (last - first).days + 1
        # copies 1..orders-1 for the month's customers (order 0 is the template), then `sample` for the last one
        clone_month(cr, "sale", {"template": template.id, "picking": delivery.id, "partners": partners.ids,
                                 "n": customers, "count": orders - 1 + sample, "month": orders - 1, "first": first,
                                 "days": days, "orders": "月结-", "documents": "月结-CK-"})
        env["res.users"].invalidate_cache()
        results["per_order"], (ms, queries), invoices = month_invoicing(
            env, "customer", partners, sample, first, last,
            lambda order: env["account.invoice"].browse(order.action_create_invoice()["res_id"]))
        assert len(invoices) == customers and set(invoices.mapped("state")) == {"open"}, invoices
        lines = sum(len(invoice.invoice_line_ids) for invoice in invoices)
        assert lines == orders * len(products), lines
        expected = round(orders * 5 * 30.51, 2)
        assert abs(sum(invoices.mapped("amount_total")) - expected) < 0.01, (sum(invoices.mapped("amount_total")),
                                                                           expected)
        results["consolidated"] = (ms / orders, queries / float(orders), ms, queries, len(invoices), lines)
        return results
    finally:
        cr.rollback()
        cr.close()


def odoo_month_bench(db, orders):
    """Odoo 11's invoicing of `orders` delivered 5-line orders of one customer with its own Create
    Invoices (sale.order.action_invoice_create on all of them: one invoice per customer), then validated.
    One order is made through the ORM (confirmed, delivered), the others are copies made by SQL."""
    env = env_for(db)
    cr = env.cr
    try:
        products = odoo_month_products(env, "Odoo month", {"invoice_policy": "delivery"})
        customer = env["res.partner"].create({"name": "Bench 月结 customer", "customer": True, "is_company": True})
        warehouse = env["stock.warehouse"].search([("company_id", "=", env.user.company_id.id)], limit=1)
        template = env["sale.order"].create({
            "partner_id": customer.id, "warehouse_id": warehouse.id,
            "order_line": [(0, 0, {"product_id": p.id, "product_uom_qty": 3, "price_unit": 9.0,
                                   "product_uom": p.uom_id.id, "name": p.name}) for p in products]})
        template.action_confirm()
        odoo_validate_picking(template.picking_ids)
        assert all(line.qty_to_invoice == 3 for line in template.order_line)
        clone_odoo_orders(cr, "sale", template.id, orders - 1, "月结-")
        env["res.users"].invalidate_cache()
        month = env["sale.order"].search([("partner_id", "=", customer.id)])
        assert len(month) == orders

        def invoice_month():
            invoices = env["account.invoice"].browse(month.action_invoice_create())
            invoices.action_invoice_open()
            return invoices
        ms, queries, invoices = measure(cr, invoice_month)
        assert len(invoices) == 1 and len(invoices.invoice_line_ids) == orders * 5 and invoices.state == "open"
        return (ms / orders, queries / float(orders), ms, queries)
    finally:
        cr.rollback()
        cr.close()


def jxc_purchase_month_bench(db, orders, suppliers, sample):
    """月结 of purchases: a month of `orders` received 5-line purchase orders of `suppliers` suppliers,
    billed by the consolidated invoicing wizard (one validated bill per supplier, its GRNI matched with
    the receipts product by product), against `sample` orders of one more supplier billed order by order.
    One order is made through the ORM (confirmed, received: receipt, GRNI entry); the others are copies of
    it, of its lines, its receipt and the receipt's journal entry made by SQL, dated over last month;
    rolled back at the end."""
    odoo.sql_db.close_db(db)
    env = env_for(db)
    cr = env.cr
    results = {}
    try:
        wh = env["jxc.warehouse"].search([("code", "=", "BENCH")])
        products = env["product.product"].search([("default_code", "=like", "BENCH-%")], order="default_code")
        partners = env["res.partner"]
        for i in range(suppliers + 1):
            partners |= env["res.partner"].create({"name": "Bench 月结 supplier %d" % i, "supplier": True,
                                                   "is_company": True})
        first, last = last_month_dates(env)
        template = env["jxc.purchase.order"].create({
            "partner_id": partners[0].id, "warehouse_id": wh.id, "date_order": fields.Date.to_string(first),
            "line_ids": [(0, 0, {"product_id": p.id, "uom_id": p.uom_id.id, "product_qty": 10, "price_unit": 5.0,
                                 "tax_ids": [(6, 0, p.supplier_taxes_id.ids)]}) for p in products]})
        template.button_confirm()
        receipt = env["jxc.stock.picking"].browse(template.action_receive()["res_id"])
        receipt.date = fields.Date.to_string(first)
        receipt.button_done()
        assert receipt.move_id and all(line.qty_received == 10 for line in template.line_ids)
        days = (last - first).days + 1
        params = {"template": template.id, "picking": receipt.id, "move": receipt.move_id.id,
                  "partners": partners.ids, "n": suppliers, "count": orders - 1 + sample, "month": orders - 1,
                  "first": first, "days": days, "orders": "月结P-", "documents": "月结P-RK-"}
        clone_month(cr, "purchase", params)
        # each receipt's journal entry (1405 against GRNI, product by product), found again by its reference
        cr.execute(clone_sql(cr, "account_move", {
            "name": "p.name", "ref": "p.name", "partner_id": "p.partner_id", "date": "p.date",
        }, "account_move t CROSS JOIN jxc_stock_picking p WHERE t.id = %(move)s AND p.name LIKE '月结P-RK-%%'"),
            params)
        cr.execute("""
            UPDATE jxc_stock_picking p SET move_id = m.id FROM account_move m
             WHERE p.name LIKE '月结P-RK-%%' AND m.ref = p.name AND m.journal_id = %(journal)s
        """, dict(params, journal=receipt.move_id.journal_id.id))
        cr.execute(clone_sql(cr, "account_move_line", {
            "move_id": "m.id", "ref": "m.ref", "date": "m.date", "date_maturity": "m.date",
            "partner_id": "CASE WHEN t.partner_id IS NULL THEN NULL ELSE m.partner_id END",
        }, "account_move_line t JOIN jxc_stock_picking p ON p.name LIKE '月结P-RK-%%' "
           "JOIN account_move m ON m.id = p.move_id WHERE t.move_id = %(move)s"), params)
        analyze(cr, "jxc_stock_picking", "account_move", "account_move_line")
        env["res.users"].invalidate_cache()
        grni = env.user.company_id.jxc_grni_account_id

        def grni_balance():
            cr.execute("SELECT COALESCE(SUM(balance), 0), COUNT(*) FILTER (WHERE NOT reconciled) "
                       "FROM account_move_line WHERE account_id = %s", (grni.id,))
            return cr.fetchone()
        balance_before, open_before = grni_balance()

        results["per_order"], (ms, queries), bills = month_invoicing(
            env, "supplier", partners, sample, first, last,
            lambda order: env["account.invoice"].browse(order.action_create_bill()["res_id"]))
        assert len(bills) == suppliers and set(bills.mapped("state")) == {"open"}, bills
        lines = sum(len(bill.invoice_line_ids) for bill in bills)
        assert lines == orders * len(products), lines
        expected = round(orders * 282.5, 2)
        assert abs(sum(bills.mapped("amount_total")) - expected) < 0.01, (sum(bills.mapped("amount_total")), expected)
        # every order billed at its receipt value: GRNI back to what it was before the month, all of it matched
        balance_after, open_after = grni_balance()
        billed_orders = orders + sample
        assert abs(balance_after - (balance_before + billed_orders * 250.0)) < 0.01, (balance_before, balance_after)
        assert open_after == open_before - billed_orders * len(products), (open_before, open_after)
        results["consolidated"] = (ms / orders, queries / float(orders), ms, queries, len(bills), lines)
        return results
    finally:
        cr.rollback()
        cr.close()


def odoo_purchase_month_bench(db, orders):
    """Odoo 11's billing of `orders` received 5-line purchase orders of one supplier in one vendor bill, as
    its web client does it: a new bill, each order chosen in turn in its Add Purchase Order field (the
    onchange adds that order's received lines), saved, validated. One order is made through the ORM
    (confirmed, received); the others are copies of it and of its lines made by SQL."""
    env = env_for(db)
    cr = env.cr
    try:
        products = odoo_month_products(env, "Odoo purchase month", {"purchase_method": "receive"})
        supplier = env["res.partner"].create({"name": "Bench 月结 supplier", "supplier": True, "is_company": True})
        template = env["purchase.order"].create({
            "partner_id": supplier.id,
            "order_line": [(0, 0, {"product_id": p.id, "product_qty": 10, "price_unit": 5.0, "name": p.name,
                                   "product_uom": p.uom_po_id.id, "date_planned": odoo.fields.Datetime.now(),
                                   "taxes_id": [(6, 0, p.supplier_taxes_id.ids)]}) for p in products]})
        template.button_confirm()
        odoo_validate_picking(template.picking_ids)
        assert all(line.qty_received == 10 for line in template.order_line)
        clone_odoo_orders(cr, "purchase", template.id, orders - 1, "月结P-")
        env["res.users"].invalidate_cache()
        month = env["purchase.order"].search([("partner_id", "=", supplier.id)], order="id")
        assert len(month) == orders
        Invoice = env["account.invoice"].with_context(type="in_invoice", journal_type="purchase")

        def bill_month():
            bill = odoo_new_bill(Invoice, supplier, month)
            bill.action_invoice_open()
            return bill
        ms, queries, bill = measure(cr, bill_month)
        assert len(bill.invoice_line_ids) == orders * 5 and bill.state == "open", (len(bill.invoice_line_ids),
                                                                                    bill.state)
        assert abs(bill.amount_untaxed - orders * 250.0) < 0.01 and bill.tax_line_ids, bill.amount_untaxed
        return (ms / orders, queries / float(orders), ms, queries)
    finally:
        cr.rollback()
        cr.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--conf", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--odoo-db", required=True)
    parser.add_argument("--docs", type=int, default=30)
    parser.add_argument("--big-lines", type=int, default=5000)
    parser.add_argument("--ledger-rows", type=int, default=1000000)
    parser.add_argument("--rules", type=int, default=50000)
    parser.add_argument("--only-reorder", action="store_true", help="only the reorder scan figure")
    parser.add_argument("--floor-docs", type=int, default=10, help="invoices of the floor measurement")
    parser.add_argument("--month-orders", type=int, default=500, help="orders of the 月结 month")
    parser.add_argument("--month-customers", type=int, default=20, help="customers (invoices) of the 月结 month")
    parser.add_argument("--month-sample", type=int, default=25, help="orders invoiced one by one, and by Odoo")
    parser.add_argument("--month-grouped-orders", type=int, default=100,
                        help="orders of the 月结 month with the sales journal's Group Invoice Lines on")
    parser.add_argument("--only-flows", action="store_true",
                        help="only the 5-line documents, the order flows and the invoice floor")
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.conf, "--log-level=warn"])
    with api.Environment.manage():
        if args.only_reorder:
            jxc_setup(args.db, args.big_lines)
        else:
            ours = jxc_bench(args.db, args.docs, args.big_lines, args.floor_docs)
            if not args.only_flows:
                ours.update(jxc_big_bench(args.db, args.big_lines, args.ledger_rows))
            theirs = odoo_bench(args.odoo_db, args.docs, args.floor_docs)
            ours["month"] = jxc_month_bench(args.db, args.month_orders, args.month_customers, args.month_sample)
            ours["month_grouped"] = jxc_month_bench(args.db, args.month_grouped_orders,
                                                    max(1, args.month_grouped_orders // 25), 0, group_lines=True)
            theirs["month"] = odoo_month_bench(args.odoo_db, args.month_sample)
            ours["purchase_month"] = jxc_purchase_month_bench(args.db, args.month_orders, args.month_customers,
                                                              args.month_sample)
            theirs["purchase_month"] = odoo_purchase_month_bench(args.odoo_db, args.month_sample)
        if not args.only_flows:
            reorder = reorder_bench(args.db, args.rules)
    print()
    if args.only_reorder:
        return print_reorder(args, reorder)
    print("Validated 5-line document (mean of %d)        jxc_addon            Odoo 11 stock_account" % args.docs)
    for kind in ("receipt", "delivery"):
        print("  %-9s                                  %7.1f ms %5.0f SQL   %7.1f ms %5.0f SQL   (%.0fx faster, %.0fx fewer SQL)" % (
            kind, ours[kind][0], ours[kind][1], theirs[kind][0], theirs[kind][1],
            theirs[kind][0] / ours[kind][0], theirs[kind][1] / ours[kind][1]))
    print_flows(args, ours, theirs)
    if args.only_flows:
        return
    print("One %d-line receipt validated (jxc_addon): %.2f s, %d SQL queries, %d journal items (goal < 5 s)" % (
        args.big_lines, ours["big"][0] / 1000.0, ours["big"][1], ours["big_move_lines"]))
    print("Integrity check over %d ledger rows: %.2f s, %d SQL queries, %d issue(s) "
          "(1 expected: the synthetic rows have no journal entry)" % (
        ours["ledger_rows"], ours["check"][0] / 1000.0, ours["check"][1], ours["check"][2]))
    print_reorder(args, reorder)


def print_flows(args, ours, theirs):
    """The order flows side by side, their steps, the invoice floor and where the invoice queries come from."""
    def ratio(a, b):
        return "%4.1fx faster, %4.1fx fewer SQL" % (b[0] / a[0], b[1] / a[1])
    print("5-line order flow with VAT (mean of %d)         jxc_addon            Odoo 11" % args.docs)
    for kind, label in (("sale", "sales: confirm, deliver, invoice, post"),
                        ("purchase", "purchase: confirm, receive, bill, validate")):
        a, b = ours[kind].mean(), theirs[kind].mean()
        print("  %-44s %7.1f ms %5.0f SQL   %7.1f ms %5.0f SQL   (%s)" % (label, a[0], a[1], b[0], b[1], ratio(a, b)))
    print("  steps (ms / SQL)              confirm      deliver/receive  invoice/bill create  validate (post)")
    for kind in ("sale", "purchase"):
        for who, steps in (("jxc_addon", ours[kind]), ("Odoo 11", theirs[kind])):
            print("  %-8s %-10s " % (kind, who) + "  ".join(
                "%7.1f / %4.0f    " % steps.mean(name) for name in steps.names))
    print("Odoo 11's floor for a 5-line invoice with VAT: one create with every value, then validate (mean of %d)"
          % args.floor_docs)
    for kind, label in (("out_invoice", "customer invoice"), ("in_invoice", "vendor bill")):
        for who, floor in (("Odoo 11 (sale, purchase, stock_account)", theirs["floor"][kind]),
                           ("jxc_bench (jxc_addon installed)", ours["floor"][kind])):
            print("  %-17s %-40s create %6.1f ms %4.0f SQL, validate %6.1f ms %4.0f SQL, both %6.1f ms %4.0f SQL" % (
                label, who, floor.mean("create")[0], floor.mean("create")[1], floor.mean("validate")[0],
                floor.mean("validate")[1], floor.mean()[0], floor.mean()[1]))
            if os.environ.get("JXC_BENCH_PROFILE"):
                print("      by origin: create %s; validate %s" % (floor.origins["create"].summary(),
                                                                    floor.origins["validate"].summary()))
    month = ours["month"]
    print("月结, a month of %d delivered 5-line orders of %d customers (ms and SQL per order):" % (
        args.month_orders, args.month_customers))
    consolidated, per_order, odoo_month = month["consolidated"], month["per_order"], theirs["month"]
    print("  invoicing, jxc_addon: %d consolidated invoices (%d lines) made and validated in %.1f s, %d SQL: "
          "%6.1f ms %4.0f SQL per order" % (consolidated[4], consolidated[5], consolidated[2] / 1000.0, consolidated[3],
                                            consolidated[0], consolidated[1]))
    print("  invoicing, jxc_addon, one invoice per order (mean of %d): %.1f ms %.0f SQL per order" % (
        args.month_sample, per_order[0], per_order[1]))
    print("  invoicing, Odoo 11, Create Invoices on one customer's %d orders (one invoice), validated: "
          "%.1f ms %.0f SQL per order" % (args.month_sample, odoo_month[0], odoo_month[1]))
    print("  invoicing, Odoo 11, one invoice per order (the flow above): %.1f ms %.0f SQL per order" % (
        theirs["sale"].mean("create", "validate")))
    grouped = ours["month_grouped"]["consolidated"]
    print("  invoicing, jxc_addon, %d orders in %d consolidated invoices, the sales journal's Group Invoice Lines on "
          "(Odoo's option, off by default): %.1f ms %.0f SQL per order" % (
              args.month_grouped_orders, grouped[4], grouped[0], grouped[1]))
    print_whole_flow("sales", "confirm + deliver + invoicing", ours["sale"], theirs["sale"], [
        ("jxc_addon, an invoice per order", None),
        ("jxc_addon, 月结", consolidated), ("jxc_addon, 月结, Group Invoice Lines on", grouped)],
        ("Odoo 11, Create Invoices on many orders", odoo_month))
    print_purchase_month(args, ours, theirs)
    print("Queries of jxc_addon's 5-line invoice and bill, by origin (innermost module doing the work):")
    for kind, label in (("sale", "customer invoice"), ("purchase", "vendor bill")):
        for step in ("create", "validate"):
            origins = ours[kind].origins[step]
            print("  %-17s %-9s %s" % (label, step, origins.summary()))
            if os.environ.get("JXC_BENCH_PROFILE"):
                for count, module, function in origins.top():
                    print("      %6.1f  %-10s %s" % (count, module, function))


def print_purchase_month(args, ours, theirs):
    """月结 of purchases: bills per order, consolidated, Odoo's; the whole purchase flow per order with each."""
    month, odoo_month = ours["purchase_month"], theirs["purchase_month"]
    consolidated, per_order = month["consolidated"], month["per_order"]
    print("月结 of purchases, a month of %d received 5-line orders of %d suppliers (ms and SQL per order):" % (
        args.month_orders, args.month_customers))
    print("  billing, jxc_addon: %d consolidated bills (%d lines, GRNI matched product by product) made and "
          "validated in %.1f s, %d SQL: %6.1f ms %4.0f SQL per order" % (
              consolidated[4], consolidated[5], consolidated[2] / 1000.0, consolidated[3], consolidated[0],
              consolidated[1]))
    print("  billing, jxc_addon, one bill per order (mean of %d): %.1f ms %.0f SQL per order" % (
        args.month_sample, per_order[0], per_order[1]))
    print("  billing, Odoo 11, one bill with one supplier's %d orders added (Add Purchase Order), validated: "
          "%.1f ms %.0f SQL per order" % (args.month_sample, odoo_month[0], odoo_month[1]))
    print("  billing, Odoo 11, one bill per order (the flow above): %.1f ms %.0f SQL per order" % (
        theirs["purchase"].mean("create", "validate")))
    print_whole_flow("purchase", "confirm + receive + billing", ours["purchase"], theirs["purchase"], [
        ("jxc_addon, a bill per order", None), ("jxc_addon, 月结", consolidated)],
        ("Odoo 11, one bill for many orders", odoo_month))


def print_whole_flow(kind, steps, ours, theirs, our_invoicing, odoo_invoicing):
    """The whole flow per order against Odoo's per-order flow: ours with each way of invoicing
    ((label, (ms, SQL, ...) per order, or None: invoice per order as measured)), then Odoo's with its
    own way of invoicing many orders."""
    odoo_per_order = theirs.mean()
    print("  whole %s flow per order: %s; Odoo 11's flow (%.0f ms, %.0f SQL) / this (goal 10x):" % (
        (kind, steps) + odoo_per_order))
    rows = []
    for label, invoicing in our_invoicing:
        rows.append((label, ours.mean() if invoicing is None else
                     [a + b for a, b in zip(ours.mean("confirm", "move"), invoicing[:2])]))
    label, invoicing = odoo_invoicing
    rows.append((label, [a + b for a, b in zip(theirs.mean("confirm", "move"), invoicing[:2])]))
    for label, (ms, queries) in rows:
        print("    %7.1f ms %5.0f SQL  %4.1fx time %4.1fx SQL  %s" % (
            ms, queries, odoo_per_order[0] / ms, odoo_per_order[1] / queries, label))


def print_reorder(args, reorder):
    print("Reorder scan over %d rules (goal < 5 s): first run %.2f s, %d SQL (%d below minimum, %d overstock, "
          "%d to-dos); re-run %.2f s, %d SQL; over %d rules %.2f s, %d SQL" % (
              args.rules, reorder["first"][0] / 1000.0, reorder["first"][1], reorder["open"].get("reorder", 0),
              reorder["open"].get("overstock", 0), reorder["activities"], reorder["rerun"][0] / 1000.0,
              reorder["rerun"][1], args.rules // 10, reorder["tenth"][0] / 1000.0, reorder["tenth"][1]))


if __name__ == "__main__":
    main()
