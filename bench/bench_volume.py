"""Cost at volume (issue 15): does posting cost more as the database fills?

    .venv/bin/python bench/bench_volume.py --conf .local/odoo-bench.conf --db jxc_bench

Time and SQL queries of a 5-line receipt, a 5-line delivery, a 5-line sales order's confirmation
(credit check, reservation, draft delivery) and the reorder scan over 5,000 rules, with 1,000, 100,000
and 1,000,000 stock ledger rows of history already in the database. Goal: at most 1.2x growth from
1,000 to 1,000,000.

History: per 10 ledger rows, one purchase order received (5 lines) and one sales order delivered and
invoiced (5 lines, invoice paid), each stock document with its journal entry, over the last two years,
on 5,005 products, 11 warehouses, 1,000 customers and 100 suppliers (the measured products,
warehouse, customer and supplier among them). One purchase and one sale are made through the ORM;
the rest are copies of their rows made by SQL (every column the ORM wrote, the varying ones
replaced), then ANALYZEd. Each level is its own database, made once and kept:
jxc_bench_vol_1k (a copy of the bench database plus the history), jxc_bench_vol_100k (a copy of
the 1k one plus the rest), jxc_bench_vol_1m. When jxc_addon's files change, `-u jxc_addon` brings
them up to date. Every measurement runs on a fresh connection, in a transaction rolled back.
"""
import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta

from psycopg2 import sql

import odoo
from odoo import SUPERUSER_ID, api

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_stock import clone_sql, env_for, jxc_setup, measure  # noqa: E402  (same folder)

LEVELS = [(1000, "jxc_bench_vol_1k"), (100000, "jxc_bench_vol_100k"), (1000000, "jxc_bench_vol_1m")]
ROWS_PER_UNIT = 10  # ledger rows of one unit of history (a 5-line receipt and a 5-line delivery)
PARAM = "jxc_bench_volume.state"
CUSTOMERS, SUPPLIERS = 1000, 100
HISTORY_DAYS = 730


def addon_fingerprint():
    """A digest of jxc_addon's files: the volume databases are updated when it changes."""
    digest = hashlib.sha1()
    folder = os.path.join(ROOT, "jxc_addon")
    for base, dirs, files in sorted(os.walk(folder)):
        dirs.sort()
        for name in sorted(files):
            if name.endswith((".py", ".xml", ".csv")):
                with open(os.path.join(base, name), "rb") as handle:
                    digest.update(name.encode() + handle.read())
    return digest.hexdigest()


def db_exists(name):
    with odoo.sql_db.db_connect("postgres").cursor() as cr:
        cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
        return bool(cr.fetchone())


def copy_database(source, target):
    odoo.sql_db.close_db(source)
    with odoo.sql_db.db_connect("postgres").cursor() as cr:
        cr.autocommit(True)
        cr.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(target), sql.Identifier(source)))


def read_state(db):
    env = env_for(db)
    try:
        return json.loads(env["ir.config_parameter"].get_param(PARAM) or "{}")
    finally:
        env.cr.close()


def write_state(env, state):
    env["ir.config_parameter"].set_param(PARAM, json.dumps(state))


def update_module(conf, db):
    """Bring a volume database to this checkout's jxc_addon (as `make bench` does for jxc_bench)."""
    odoo.sql_db.close_db(db)
    odoo.modules.registry.Registry.delete(db)
    subprocess.check_call([sys.executable, os.path.join(ROOT, "tools", "odoo-server"), "-c", conf, "-d", db,
                           "-u", "jxc_addon", "--stop-after-init", "--log-level=warn"])


# ---------------------------------------------------------------------- the history
def make_templates(env):
    """The partners of the history, and one purchase (received) and one sale (delivered, invoiced)
    made through the ORM, whose rows the history copies."""
    cr = env.cr
    customer = env["res.partner"].search([("name", "=", "Bench customer")], limit=1)
    supplier = env["res.partner"].search([("name", "=", "Bench supplier")], limit=1)
    customer.credit_limit = 1e9  # the credit check reads the customer's open receivables
    partners = {}
    for kind, template, count in (("customers", customer, CUSTOMERS), ("suppliers", supplier, SUPPLIERS)):
        cr.execute(clone_sql(cr, "res_partner", {"name": "t.name || ' ' || g", "display_name": "t.name || ' ' || g"},
                             "res_partner t CROSS JOIN generate_series(1, %(n)s) g WHERE t.id = %(t)s"),
                   {"n": count - 1, "t": template.id})
        cr.execute("UPDATE res_partner SET commercial_partner_id = id WHERE name LIKE %s AND id <> %s RETURNING id",
                   (template.name + " %", template.id))
        partners[kind] = [template.id] + sorted(row[0] for row in cr.fetchall())
    products = env["product.product"].search(["|", ("default_code", "=like", "BULK-%"),
                                              ("default_code", "=like", "BENCH-%")], order="default_code")
    warehouses = env["jxc.warehouse"].search(["|", ("code", "=", "BENCH"), ("code", "=like", "BW%")], order="code")
    lines = products[:5]
    wh = warehouses.filtered(lambda w: w.code == "BENCH")
    purchase = env["jxc.purchase.order"].create({
        "partner_id": supplier.id, "warehouse_id": wh.id,
        "line_ids": [(0, 0, {"product_id": p.id, "uom_id": p.uom_id.id, "product_qty": 10, "price_unit": 5.0,
                             "tax_ids": [(6, 0, p.supplier_taxes_id.ids)]}) for p in lines]})
    purchase.button_confirm()
    receipt = env["jxc.stock.picking"].browse(purchase.action_receive()["res_id"])
    receipt.button_done()
    sale = env["jxc.sale.order"].create({
        "partner_id": customer.id, "warehouse_id": wh.id,
        "line_ids": [(0, 0, {"product_id": p.id, "uom_id": p.uom_id.id, "product_qty": 3, "price_unit": 9.0,
                             "tax_ids": [(6, 0, p.taxes_id.ids)]}) for p in lines]})
    sale.button_confirm()
    delivery = env["jxc.stock.picking"].browse(sale.action_deliver()["res_id"])
    delivery.button_done()
    invoice = env["account.invoice"].browse(sale.action_create_invoice()["res_id"])
    invoice.action_invoice_open()
    return {"customers": partners["customers"], "suppliers": partners["suppliers"], "products": products.ids,
            "warehouses": warehouses.ids, "template_products": lines.ids, "purchase": purchase.id,
            "receipt": receipt.id, "sale": sale.id, "delivery": delivery.id, "invoice": invoice.id,
            "receipt_move": receipt.move_id.id, "delivery_move": delivery.move_id.id,
            "invoice_move": invoice.move_id.id,
            "receivable": invoice.account_id.id, "units": 0}


# Expressions of the copies: unit u.g, template line's rank k.k among the template products.
PRODUCT = "(%(products)s::int[])[1 + ((u.g * 5 + k.k - 1) %% %(nproducts)s)]"
DAY = "(%(today)s::date - 2 - u.g %% " + str(HISTORY_DAYS) + ")"
CUSTOMER = "(%(customers)s::int[])[1 + u.g %% %(ncustomers)s]"
SUPPLIER = "(%(suppliers)s::int[])[1 + u.g %% %(nsuppliers)s]"
WAREHOUSE = "(%(warehouses)s::int[])[1 + u.g %% %(nwarehouses)s]"


def add_history(env, state, units):
    """Copies of the template purchase and sale for units state['units'] .. units - 1."""
    cr = env.cr
    params = dict(state, start=state["units"], end=units - 1, today=date.today(),
                  nproducts=len(state["products"]), ncustomers=len(state["customers"]),
                  nsuppliers=len(state["suppliers"]), nwarehouses=len(state["warehouses"]))
    cr.execute("DROP TABLE IF EXISTS vol_unit, vol_k")
    cr.execute("""
        CREATE TEMP TABLE vol_unit AS
        SELECT g, nextval('jxc_purchase_order_id_seq') AS po, nextval('jxc_stock_picking_id_seq') AS rk,
               nextval('jxc_sale_order_id_seq') AS so, nextval('jxc_stock_picking_id_seq') AS ck,
               nextval('account_invoice_id_seq') AS inv, nextval('account_move_id_seq') AS m_rk,
               nextval('account_move_id_seq') AS m_ck, nextval('account_move_id_seq') AS m_inv
          FROM generate_series(%(start)s, %(end)s) g
    """, params)
    cr.execute("CREATE TEMP TABLE vol_k AS SELECT product_id, k FROM unnest(%(template_products)s::int[]) "
               "WITH ORDINALITY AS t(product_id, k)", params)
    cr.execute("ANALYZE vol_unit")

    def copy(table, replaced, source):
        cr.execute(clone_sql(cr, table, replaced, source, with_id="id" in replaced), params)

    def line_of(table, parent_field, parent):
        return "(SELECT x.id FROM %s x WHERE x.%s = %s AND x.product_id = %s)" % (table, parent_field, parent, PRODUCT)

    # Purchase orders, received.
    copy("jxc_purchase_order", {"id": "u.po", "name": "'VOLPO-' || u.g", "partner_id": SUPPLIER,
                                "warehouse_id": WAREHOUSE, "date_order": DAY, "date_expected": DAY},
         "jxc_purchase_order t CROSS JOIN vol_unit u WHERE t.id = %(purchase)s")
    copy("jxc_purchase_order_line", {"order_id": "u.po", "product_id": PRODUCT, "partner_id": SUPPLIER,
                                     "date_order": DAY},
         "jxc_purchase_order_line t JOIN vol_k k ON k.product_id = t.product_id CROSS JOIN vol_unit u "
         "WHERE t.order_id = %(purchase)s")
    cr.execute("""
        INSERT INTO account_tax_jxc_purchase_order_line_rel (jxc_purchase_order_line_id, account_tax_id)
        SELECT l.id, r.account_tax_id FROM vol_unit u JOIN jxc_purchase_order_line l ON l.order_id = u.po
          CROSS JOIN (SELECT DISTINCT account_tax_id FROM account_tax_jxc_purchase_order_line_rel r
                        JOIN jxc_purchase_order_line t ON t.id = r.jxc_purchase_order_line_id
                       WHERE t.order_id = %(purchase)s) r
    """, params)
    # Sales orders, delivered and invoiced.
    copy("jxc_sale_order", {"id": "u.so", "name": "'VOLSO-' || u.g", "partner_id": CUSTOMER,
                            "warehouse_id": WAREHOUSE, "date_order": DAY},
         "jxc_sale_order t CROSS JOIN vol_unit u WHERE t.id = %(sale)s")
    copy("jxc_sale_order_line", {"order_id": "u.so", "product_id": PRODUCT, "partner_id": CUSTOMER,
                                 "date_order": DAY, "qty_reserved": "0"},
         "jxc_sale_order_line t JOIN vol_k k ON k.product_id = t.product_id CROSS JOIN vol_unit u "
         "WHERE t.order_id = %(sale)s")
    cr.execute("""
        INSERT INTO account_tax_jxc_sale_order_line_rel (jxc_sale_order_line_id, account_tax_id)
        SELECT l.id, r.account_tax_id FROM vol_unit u JOIN jxc_sale_order_line l ON l.order_id = u.so
          CROSS JOIN (SELECT DISTINCT account_tax_id FROM account_tax_jxc_sale_order_line_rel r
                        JOIN jxc_sale_order_line t ON t.id = r.jxc_sale_order_line_id
                       WHERE t.order_id = %(sale)s) r
    """, params)
    # Their journal entries, stock documents and ledger rows.
    for kind, move, picking, template_move, template_picking, partner, prefix in (
            ("receipt", "u.m_rk", "u.rk", "receipt_move", "receipt", SUPPLIER, "VOLRK-"),
            ("delivery", "u.m_ck", "u.ck", "delivery_move", "delivery", CUSTOMER, "VOLCK-")):
        copy("account_move", {"id": move, "name": "'VOL/%s/' || u.g" % prefix, "ref": "'%s' || u.g" % prefix,
                              "date": DAY, "partner_id": partner},
             "account_move t CROSS JOIN vol_unit u WHERE t.id = %%(%s)s" % template_move)
        copy("account_move_line", {"move_id": move,
                                   "product_id": "CASE WHEN k.k IS NULL THEN NULL ELSE %s END" % PRODUCT,
                                   "partner_id": partner, "date": DAY, "date_maturity": DAY,
                                   "ref": "'%s' || u.g" % prefix},
             "account_move_line t LEFT JOIN vol_k k ON k.product_id = t.product_id CROSS JOIN vol_unit u "
             "WHERE t.move_id = %%(%s)s" % template_move)
        copy("jxc_stock_picking", {"id": picking, "name": "'%s' || u.g" % prefix, "partner_id": partner,
                                   "warehouse_id": WAREHOUSE, "date": DAY, "done_date": DAY, "move_id": move,
                                   "purchase_id": "u.po" if kind == "receipt" else "NULL",
                                   "sale_id": "u.so" if kind == "delivery" else "NULL",
                                   "origin": "'VOLPO-' || u.g" if kind == "receipt" else "'VOLSO-' || u.g"},
             "jxc_stock_picking t CROSS JOIN vol_unit u WHERE t.id = %%(%s)s" % template_picking)
        copy("jxc_stock_picking_line", {
            "picking_id": picking, "product_id": PRODUCT, "warehouse_id": WAREHOUSE, "partner_id": partner,
            "date": DAY,
            "purchase_line_id": line_of("jxc_purchase_order_line", "order_id", "u.po") if kind == "receipt" else "NULL",
            "sale_line_id": line_of("jxc_sale_order_line", "order_id", "u.so") if kind == "delivery" else "NULL"},
             "jxc_stock_picking_line t JOIN vol_k k ON k.product_id = t.product_id CROSS JOIN vol_unit u "
             "WHERE t.picking_id = %%(%s)s" % template_picking)
        copy("jxc_stock_ledger", {
            "picking_id": picking, "picking_line_id": line_of("jxc_stock_picking_line", "picking_id", picking),
            "product_id": PRODUCT, "warehouse_id": WAREHOUSE, "partner_id": partner, "date": DAY, "move_id": move,
            "reference": "'%s' || u.g" % prefix},
             "jxc_stock_ledger t JOIN vol_k k ON k.product_id = t.product_id CROSS JOIN vol_unit u "
             "WHERE t.picking_id = %%(%s)s" % template_picking)
    # Customer invoices, paid.
    copy("account_move", {"id": "u.m_inv", "name": "'VOL/INV/' || u.g", "ref": "'VOLSO-' || u.g", "date": DAY,
                          "partner_id": CUSTOMER, "matched_percentage": "1"},
         "account_move t CROSS JOIN vol_unit u WHERE t.id = %(invoice_move)s")
    copy("account_invoice", {
        "id": "u.inv", "number": "'VOL/INV/' || u.g", "move_name": "'VOL/INV/' || u.g", "move_id": "u.m_inv",
        "partner_id": CUSTOMER, "commercial_partner_id": CUSTOMER, "date_invoice": DAY, "date_due": DAY,
        "date": DAY, "state": "'paid'", "reconciled": "TRUE", "residual": "0", "residual_signed": "0",
        "residual_company_signed": "0", "origin": "'VOLSO-' || u.g", "access_token": "NULL"},
         "account_invoice t CROSS JOIN vol_unit u WHERE t.id = %(invoice)s")
    copy("account_invoice_line", {"invoice_id": "u.inv", "product_id": PRODUCT, "partner_id": CUSTOMER,
                                  "jxc_sale_line_id": line_of("jxc_sale_order_line", "order_id", "u.so")},
         "account_invoice_line t JOIN vol_k k ON k.product_id = t.product_id CROSS JOIN vol_unit u "
         "WHERE t.invoice_id = %(invoice)s")
    copy("account_invoice_tax", {"invoice_id": "u.inv"},
         "account_invoice_tax t CROSS JOIN vol_unit u WHERE t.invoice_id = %(invoice)s")
    copy("account_move_line", {
        "move_id": "u.m_inv", "invoice_id": "u.inv", "partner_id": CUSTOMER, "date": DAY, "date_maturity": DAY,
        "product_id": "CASE WHEN k.k IS NULL THEN NULL ELSE %s END" % PRODUCT, "ref": "'VOLSO-' || u.g",
        "amount_residual": "CASE WHEN t.account_id = %(receivable)s THEN 0 ELSE t.amount_residual END",
        "reconciled": "CASE WHEN t.account_id = %(receivable)s THEN TRUE ELSE t.reconciled END"},
         "account_move_line t LEFT JOIN vol_k k ON k.product_id = t.product_id CROSS JOIN vol_unit u "
         "WHERE t.move_id = %(invoice_move)s")
    state["units"] = units
    for table in ("jxc_purchase_order", "jxc_purchase_order_line", "jxc_sale_order", "jxc_sale_order_line",
                  "jxc_stock_picking", "jxc_stock_picking_line", "jxc_stock_ledger", "account_move",
                  "account_move_line", "account_invoice", "account_invoice_line", "account_invoice_tax", "res_partner",
                  "account_tax_jxc_sale_order_line_rel", "account_tax_jxc_purchase_order_line_rel"):
        cr.execute(sql.SQL("ANALYZE {}").format(sql.Identifier(table)))


def prepare_level(conf, source, db, rows, fingerprint, previous_state):
    """The database of a level, made from `source` when missing, else brought up to date."""
    units = rows // ROWS_PER_UNIT
    if db_exists(db):
        state = read_state(db)
        if state.get("units") == units and state.get("fingerprint") == fingerprint:
            return state, 0.0
        if state.get("units") == units:
            start = time.perf_counter()
            update_module(conf, db)
            env = env_for(db)
            try:
                state["fingerprint"] = fingerprint
                write_state(env, state)
                env.cr.commit()
            finally:
                env.cr.close()
            return state, time.perf_counter() - start
        odoo.sql_db.close_db(db)
        with odoo.sql_db.db_connect("postgres").cursor() as cr:
            cr.autocommit(True)
            cr.execute(sql.SQL("DROP DATABASE {}").format(sql.Identifier(db)))
    start = time.perf_counter()
    copy_database(source, db)
    env = env_for(db)
    try:
        state = dict(previous_state) if previous_state else make_templates(env)
        add_history(env, state, units)
        state["fingerprint"] = fingerprint
        write_state(env, state)
        env.cr.commit()
    finally:
        env.cr.close()
    odoo.sql_db.close_db(db)
    return state, time.perf_counter() - start


# ---------------------------------------------------------------------- the measurements
def measure_level(db, docs, rules):
    odoo.sql_db.close_db(db)  # a fresh connection
    env = env_for(db)
    cr = env.cr
    results = {}
    try:
        wh = env["jxc.warehouse"].search([("code", "=", "BENCH")])
        products = env["product.product"].search([("default_code", "=like", "BENCH-%")], order="default_code")
        supplier = env["res.partner"].search([("name", "=", "Bench supplier")], limit=1)
        customer = env["res.partner"].search([("name", "=", "Bench customer")], limit=1)

        def document(kind, partner, qty, cost):
            return env["jxc.stock.picking"].create({
                "picking_type": kind, "warehouse_id": wh.id, "partner_id": partner.id,
                "line_ids": [(0, 0, {"product_id": p.id, "uom_id": p.uom_id.id, "quantity": qty, "unit_cost": cost})
                             for p in products]})

        for kind, partner, qty, cost in (("receipt", supplier, 20, 5.0), ("delivery", customer, 3, 0.0)):
            runs = []
            for _ in range(docs):
                picking = document(kind, partner, qty, cost)
                env["res.users"].invalidate_cache()
                runs.append(measure(cr, picking.button_done)[:2])
            results[kind] = runs
        runs = []
        for _ in range(docs):
            order = env["jxc.sale.order"].create({
                "partner_id": customer.id, "warehouse_id": wh.id,
                "line_ids": [(0, 0, {"product_id": p.id, "uom_id": p.uom_id.id, "product_qty": 1, "price_unit": 9.0,
                                     "tax_ids": [(6, 0, p.taxes_id.ids)]}) for p in products]})
            env["res.users"].invalidate_cache()
            runs.append(measure(cr, order.button_confirm)[:2])
        results["confirm"] = runs
        # Reorder rules on the first `rules` products in the measured warehouse, stock spread around them.
        cr.execute("DELETE FROM jxc_reorder_rule")
        cr.execute("""
            INSERT INTO jxc_reorder_rule (product_id, warehouse_id, company_id, min_qty, max_qty, multiple,
                                          lead_days, safety_days, active, create_uid, create_date, write_uid, write_date)
            SELECT p.id, %(wh)s, %(company)s, 10, 50, 12, 7, 3, TRUE, 1, now(), 1, now()
              FROM product_product p WHERE p.default_code LIKE 'BULK-%%' ORDER BY p.default_code LIMIT %(rules)s
        """, {"wh": wh.id, "company": wh.company_id.id, "rules": rules})
        cr.execute("ANALYZE jxc_reorder_rule")
        runs = []
        for _ in range(3):
            cr.execute("SAVEPOINT scan")
            env["res.users"].invalidate_cache()
            runs.append(measure(cr, env["jxc.reorder.warning"]._cron_reorder_scan)[:2])
            cr.execute("ROLLBACK TO SAVEPOINT scan")
        results["scan"] = runs
        cr.execute("SELECT count(*) FROM jxc_stock_ledger")
        results["ledger_rows"] = cr.fetchone()[0]
        cr.execute("SELECT count(*) FROM account_move_line")
        results["move_lines"] = cr.fetchone()[0]
        cr.execute("SELECT (SELECT count(*) FROM jxc_stock_picking) + (SELECT count(*) FROM jxc_sale_order) "
                   "+ (SELECT count(*) FROM jxc_purchase_order) + (SELECT count(*) FROM account_invoice)")
        results["documents"] = cr.fetchone()[0]
        return results
    finally:
        cr.rollback()
        cr.close()


def median(runs):
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--conf", required=True)
    parser.add_argument("--db", required=True, help="the bench database the volume databases are copied from")
    parser.add_argument("--docs", type=int, default=10, help="documents measured per level (median)")
    parser.add_argument("--rules", type=int, default=5000, help="reorder rules of the scan")
    parser.add_argument("--levels", default=",".join(str(rows) for rows, _db in LEVELS),
                        help="ledger rows of each level (a subset of %s)" % [rows for rows, _db in LEVELS])
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.conf, "--log-level=warn"])
    wanted = {int(rows) for rows in args.levels.split(",")}
    fingerprint = addon_fingerprint()
    results, made = [], []
    with api.Environment.manage():
        jxc_setup(args.db, 5000)  # the bench's products, warehouses and partners, committed in the source
        source, state = args.db, None
        for rows, db in LEVELS:
            if rows > max(wanted):
                break
            state, seconds = prepare_level(args.conf, source, db, rows, fingerprint, state)
            if seconds:
                made.append((db, seconds))
            if rows in wanted:
                results.append((rows, db, measure_level(db, args.docs, args.rules)))
            source = db
    print()
    for db, seconds in made:
        print("Volume database %s made or updated in %.0f s (kept for the next runs)" % (db, seconds))
    print("Cost at volume: median of %d on a fresh connection, history made by SQL and ANALYZEd (goal: at most "
          "1.2x from the first level to the last)" % args.docs)
    print("  %-34s" % "ledger rows of history"
          + "".join("%22s" % "{:,}".format(r["ledger_rows"]) for _, _, r in results) + "   growth")
    print("  %-34s" % "(documents, journal items)" + "".join(
        "%22s" % ("%s, %s" % ("{:,}".format(r["documents"]), "{:,}".format(r["move_lines"]))) for _, _, r in results))
    for key, label in (("receipt", "receipt validated (5 lines)"), ("delivery", "delivery validated (5 lines)"),
                       ("confirm", "sales order confirmed (5 lines)"),
                       ("scan", "reorder scan (%d rules)" % args.rules)):
        figures = [median(r[key]) for _, _, r in results]
        growth = "%5.2fx time, %4.2fx SQL" % (figures[-1][0] / figures[0][0], figures[-1][1] / figures[0][1]) \
            if len(figures) > 1 else ""
        print("  %-34s" % label + "".join("%13.1f ms %4.0f SQL" % f for f in figures) + "   " + growth)


if __name__ == "__main__":
    main()
