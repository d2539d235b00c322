"""Stock posting benchmark: jxc_addon next to Odoo 11's own stock_account, in one run.

Run through `make bench` (creates the databases on first use). Prints:
  - ms and SQL queries per validated 5-line receipt and delivery, ours and Odoo's
    (stock + stock_account, average cost, real-time valuation);
  - one 5,000-line receipt validated by jxc_addon;
  - the integrity check over 1,000,000 ledger rows;
  - the hourly reorder scan over 50,000 reorder rules (5,000 products × 10 warehouses), first run
    and re-run, with its query count next to a scan of a tenth of the rules.
Everything runs in transactions that are rolled back: the databases stay as they were.
"""
import argparse
import contextlib
import cProfile
import os
import pstats
import time

import odoo
from odoo import SUPERUSER_ID, api


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


def jxc_bench(db, docs, big_lines):
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

        # The sales flow of DEVELOPERS.md: a 5-line order from confirmation through delivery,
        # invoice and its posting.
        sale_times, sale_counts = [], []
        for _ in range(docs):
            doc("receipt", supplier, 5.0).button_done()
            order = env["jxc.sale.order"].create({
                "partner_id": customer.id, "warehouse_id": wh.id,
                "line_ids": [(0, 0, {"product_id": p.id, "uom_id": p.uom_id.id, "product_qty": 3, "price_unit": 9.0})
                             for p in products]})
            env["res.users"].invalidate_cache()

            def sale_flow():
                order.button_confirm()
                delivery = env["jxc.stock.picking"].browse(order.action_deliver()["res_id"])
                delivery.button_done()
                invoice = env["account.invoice"].browse(order.action_create_invoice()["res_id"])
                invoice.action_invoice_open()
            ms, queries, _ = measure(cr, sale_flow)
            sale_times.append(ms)
            sale_counts.append(queries)
        results["sale"] = (sum(sale_times) / len(sale_times), sum(sale_counts) / len(sale_counts))
        return results
    finally:
        cr.rollback()
        cr.close()


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


def odoo_bench(db, docs):
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
                    picking.action_assign()
                    for move in picking.move_lines:
                        move.quantity_done = move.product_uom_qty
                    picking.action_done()
                ms, queries, _ = measure(cr, validate)
                assert picking.state == "done", picking.state
                times.append(ms)
                counts.append(queries)
            results[kind] = (sum(times) / len(times), sum(counts) / len(counts))
        results["sale"] = odoo_sale_flow(env, products, customer, warehouse, docs)
        return results
    finally:
        cr.rollback()
        cr.close()


def odoo_sale_flow(env, products, customer, warehouse, docs):
    """sale_stock + stock_account: confirm a 5-line order, deliver it, invoice it, post the invoice."""
    times, counts = [], []
    for _ in range(docs):
        order = env["sale.order"].create({
            "partner_id": customer.id, "warehouse_id": warehouse.id,
            "order_line": [(0, 0, {"product_id": p.id, "product_uom_qty": 3, "price_unit": 9.0,
                                   "product_uom": p.uom_id.id, "name": p.name}) for p in products]})
        env["res.users"].invalidate_cache()

        def flow():
            order.action_confirm()
            picking = order.picking_ids
            picking.action_assign()
            for move in picking.move_lines:
                move.quantity_done = move.product_uom_qty
            picking.action_done()
            invoice = env["account.invoice"].browse(order.action_invoice_create())
            invoice.action_invoice_open()
        ms, queries, _ = measure(env.cr, flow)
        times.append(ms)
        counts.append(queries)
    return sum(times) / len(times), sum(counts) / len(counts)


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
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.conf, "--log-level=warn"])
    with api.Environment.manage():
        if args.only_reorder:
            jxc_setup(args.db, args.big_lines)
        else:
            ours = jxc_bench(args.db, args.docs, args.big_lines)
            ours.update(jxc_big_bench(args.db, args.big_lines, args.ledger_rows))
            theirs = odoo_bench(args.odoo_db, args.docs)
        reorder = reorder_bench(args.db, args.rules)
    print()
    if args.only_reorder:
        return print_reorder(args, reorder)
    print("Validated 5-line document (mean of %d)        jxc_addon            Odoo 11 stock_account" % args.docs)
    for kind in ("receipt", "delivery"):
        print("  %-9s                                  %7.1f ms %5.0f SQL   %7.1f ms %5.0f SQL   (%.0fx faster, %.0fx fewer SQL)" % (
            kind, ours[kind][0], ours[kind][1], theirs[kind][0], theirs[kind][1],
            theirs[kind][0] / ours[kind][0], theirs[kind][1] / ours[kind][1]))
    print("5-line sales order: confirm, deliver, invoice, post  %7.1f ms %5.0f SQL   %7.1f ms %5.0f SQL   (%.0fx faster, %.0fx fewer SQL)" % (
        ours["sale"][0], ours["sale"][1], theirs["sale"][0], theirs["sale"][1],
        theirs["sale"][0] / ours["sale"][0], theirs["sale"][1] / ours["sale"][1]))
    print("One %d-line receipt validated (jxc_addon): %.2f s, %d SQL queries, %d journal items (goal < 5 s)" % (
        args.big_lines, ours["big"][0] / 1000.0, ours["big"][1], ours["big_move_lines"]))
    print("Integrity check over %d ledger rows: %.2f s, %d SQL queries, %d issue(s) "
          "(1 expected: the synthetic rows have no journal entry)" % (
        ours["ledger_rows"], ours["check"][0] / 1000.0, ours["check"][1], ours["check"][2]))
    print_reorder(args, reorder)


def print_reorder(args, reorder):
    print("Reorder scan over %d rules (goal < 5 s): first run %.2f s, %d SQL (%d below minimum, %d overstock, "
          "%d to-dos); re-run %.2f s, %d SQL; over %d rules %.2f s, %d SQL" % (
              args.rules, reorder["first"][0] / 1000.0, reorder["first"][1], reorder["open"].get("reorder", 0),
              reorder["open"].get("overstock", 0), reorder["activities"], reorder["rerun"][0] / 1000.0,
              reorder["rerun"][1], args.rules // 10, reorder["tenth"][0] / 1000.0, reorder["tenth"][1]))


if __name__ == "__main__":
    main()
