"""Stock reports benchmark (issue 13): the 进销存汇总表 and the valuation at a date over a million ledger rows.

    .venv/bin/python bench/bench_reports.py --conf .local/odoo-bench.conf --db jxc_bench

Data: 5,000 products × 10 warehouses (the BULK-* products and BW* warehouses of bench_stock.py, made
once and committed if missing), 20 ledger rows per product and warehouse: 1,000,000 rows over the last
365 days (receipts, deliveries, transfers in and out, customer and supplier returns, stocktaking,
other outs, reversals), with the stock on hand (quants) equal to the ledger, as the posting service
keeps it. They are written by SQL inside one transaction, ANALYZEd, measured, then rolled back: the
database stays as it was. A database whose jxc_addon is older than this checkout gets the new
tables, columns and indexes inside that transaction too (rolled back with the rest).

Prints, for each report: seconds to make its rows (one INSERT ... SELECT over the ledger), seconds to
make them and read what the web client first shows (the first 80 rows and the totals), and rows.
The anchor: Odoo 11's own stock valuation at a date takes 20+ minutes over 10 million moves
(odoo/odoo#32524).
"""
import argparse
import datetime
import os
import sys
import time

import odoo
from odoo import SUPERUSER_ID, api

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_stock import env_for, jxc_setup, profiled  # noqa: E402  (same folder)

def ensure_schema(env):
    """The reports' schema of this checkout, inside the current transaction."""
    cr = env.cr
    cr.execute("""
        SELECT to_regclass('jxc_stock_summary') IS NOT NULL
           AND EXISTS (SELECT 1 FROM information_schema.columns
                        WHERE table_name = 'res_company' AND column_name = 'jxc_holding_rate')
           AND EXISTS (SELECT 1 FROM information_schema.columns
                        WHERE table_name = 'product_product' AND column_name = 'jxc_abc_class')
    """)
    if not cr.fetchone()[0]:
        print("jxc_addon in %s is older than this checkout: the tables and columns of this checkout are made "
              "in the bench's transaction (`make bench` updates the database)" % cr.dbname)
        env.registry.init_models(cr, list(env.registry), {"module": "jxc_addon"})
    else:
        env["jxc.stock.ledger"].init()  # the report index, if the database predates it


def generate(env, warehouses, products, rows_per_pair):
    """rows_per_pair ledger rows for every product × warehouse, over the last 365 days; quants = ledger."""
    cr = env.cr
    company = warehouses[0].company_id
    cr.execute("""
        INSERT INTO jxc_stock_ledger (date, reference, kind, picking_type, product_id, warehouse_id, company_id,
                                      quantity, unit_cost, value, balance_qty, balance_value, user_id)
        SELECT CURRENT_DATE - ((p.id * 7919 + w.id * 104729 + g * 18) %% 365),
               'BENCH', CASE WHEN k.slot = 19 THEN 'reversal' ELSE 'move' END, k.picking_type,
               p.id, w.id, %(company)s, k.qty, c.cost, k.qty * c.cost, 0, 0, 1
          FROM unnest(%(products)s::int[]) p(id)
         CROSS JOIN unnest(%(warehouses)s::int[]) w(id)
         CROSS JOIN generate_series(1, %(per)s) g
         CROSS JOIN LATERAL (SELECT 5 + p.id %% 50 AS cost) c
         CROSS JOIN LATERAL (
             SELECT s.slot,
                    CASE WHEN s.slot < 6 THEN 'receipt' WHEN s.slot < 14 THEN 'delivery'
                         WHEN s.slot < 16 THEN 'transfer' WHEN s.slot = 16 THEN 'customer_return'
                         WHEN s.slot = 17 THEN 'supplier_return' WHEN s.slot = 18 THEN 'count'
                         ELSE 'receipt' END AS picking_type,
                    CASE WHEN s.slot < 6 THEN 12 WHEN s.slot < 14 THEN -8 WHEN s.slot = 14 THEN -5
                         WHEN s.slot = 15 THEN 5 WHEN s.slot = 16 THEN 1 WHEN s.slot = 17 THEN -1
                         WHEN s.slot = 18 THEN (CASE WHEN p.id %% 2 = 0 THEN 1 ELSE -1 END)
                         ELSE -12 END AS qty
               FROM (SELECT (g + p.id + w.id) %% 20 AS slot) s
         ) k
    """, {"company": company.id, "products": products.ids, "warehouses": warehouses.ids, "per": rows_per_pair})
    inserted = cr.rowcount
    cr.execute("""
        INSERT INTO jxc_stock_quant (product_id, product_tmpl_id, categ_id, warehouse_id, company_id,
                                     quantity, reserved_quantity, value, unit_cost,
                                     create_uid, create_date, write_uid, write_date)
        SELECT l.product_id, pp.product_tmpl_id, pt.categ_id, l.warehouse_id, %(company)s,
               SUM(l.quantity), 0, SUM(l.value), 0, 1, now(), 1, now()
          FROM jxc_stock_ledger l
          JOIN product_product pp ON pp.id = l.product_id
          JOIN product_template pt ON pt.id = pp.product_tmpl_id
         WHERE l.company_id = %(company)s
         GROUP BY l.product_id, pp.product_tmpl_id, pt.categ_id, l.warehouse_id
        ON CONFLICT (product_id, warehouse_id) DO UPDATE SET quantity = EXCLUDED.quantity, value = EXCLUDED.value
    """, {"company": company.id})
    # a live table that size would be analyzed; without it the planner may take a million rows for none
    cr.execute("ANALYZE jxc_stock_ledger")
    cr.execute("ANALYZE jxc_stock_quant")
    return inserted


def run_report(env, company, report, date_from, date_to):
    """(seconds to make the rows, seconds with the first list page and the totals, rows, backward read)."""
    cr = env.cr
    wizard = env["jxc.stock.report.wizard"].create({
        "report": report, "company_id": company.id, "date_from": date_from, "date_to": date_to})
    Summary = env["jxc.stock.summary"]
    backward = Summary._scan_backward(company, wizard.date_from)
    env["res.users"].invalidate_cache()
    start = time.perf_counter()
    with profiled():
        count = Summary._fill(wizard)
    filled = time.perf_counter() - start
    domain = [("wizard_id", "=", wizard.id)]
    Summary.search_read(domain, ["product_id", "warehouse_id", "opening_qty", "opening_value", "in_qty",
                                 "in_value", "out_qty", "out_value", "closing_qty", "closing_value"], limit=80)
    Summary.read_group(domain, ["opening_value", "in_value", "out_value", "closing_value", "closing_qty"], [])
    shown = time.perf_counter() - start
    cr.execute("DELETE FROM jxc_stock_summary WHERE wizard_id = %s", (wizard.id,))
    return filled, shown, count, backward


def report_bench(db, products_count, warehouses_count, rows_per_pair):
    env = env_for(db)
    cr = env.cr
    results = {}
    try:
        ensure_schema(env)
        warehouses = env["jxc.warehouse"].search([("code", "=like", "BW%")], order="code", limit=warehouses_count)
        products = env["product.product"].search([("default_code", "=like", "BULK-%")], order="default_code",
                                                 limit=products_count)
        company = warehouses[0].company_id
        start = time.perf_counter()
        results["generated"] = generate(env, warehouses, products, rows_per_pair)
        results["generation"] = time.perf_counter() - start
        cr.execute("SELECT count(*), min(date), max(date) FROM jxc_stock_ledger WHERE company_id = %s", (company.id,))
        results["ledger_rows"], first, last = cr.fetchone()
        today = datetime.date.today()
        this_month = today.replace(day=1)
        last_month_end = this_month - datetime.timedelta(days=1)
        last_month = last_month_end.replace(day=1)
        mid = (today - datetime.timedelta(days=182)).replace(day=1)
        mid_end = (mid + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
        year_start = today - datetime.timedelta(days=364)
        cases = [
            ("summary", "汇总表, last month (%s – %s)" % (last_month, last_month_end), last_month, last_month_end),
            ("summary", "汇总表, month in the middle of the year (%s – %s)" % (mid, mid_end), mid, mid_end),
            ("summary", "汇总表, whole year (%s – %s)" % (year_start, today), year_start, today),
            ("valuation", "valuation at %s (end of last month)" % last_month_end, last_month_end, last_month_end),
            ("valuation", "valuation at %s (middle of the year)" % mid_end, mid_end, mid_end),
            ("turnover", "turnover and holding cost, last month", last_month, last_month_end),
        ]
        results["cases"] = []
        for report, label, date_from, date_to in cases:
            fill, shown, count, backward = run_report(env, company, report, str(date_from), str(date_to))
            results["cases"].append((label, fill, shown, count, backward))
        results["span"] = (first, last)
        return results
    finally:
        cr.rollback()
        cr.close()
        restore_statistics(db)


def restore_statistics(db):
    """ANALYZE's row counts outlive its rolled-back transaction, and the rolled-back rows their pages:
    vacuum and count the tables again, so the database is left as it was."""
    env = env_for(db)
    cr = env.cr
    try:
        cr.autocommit(True)
        for table in ("jxc_stock_ledger", "jxc_stock_quant", "jxc_stock_summary"):
            cr.execute("SELECT to_regclass(%s) IS NOT NULL", (table,))
            if cr.fetchone()[0]:
                cr.execute('VACUUM ANALYZE "%s"' % table)  # a fixed table name: VACUUM takes no parameter
    finally:
        cr.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--conf", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--products", type=int, default=5000)
    parser.add_argument("--warehouses", type=int, default=10)
    parser.add_argument("--rows-per-pair", type=int, default=20, help="ledger rows per product and warehouse")
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.conf, "--log-level=warn"])
    with api.Environment.manage():
        env = env_for(args.db)
        try:
            missing = env["product.product"].search_count([("default_code", "=like", "BULK-%")]) < args.products \
                or env["jxc.warehouse"].search_count([("code", "=like", "BW%")]) < args.warehouses
        finally:
            env.cr.close()
        if missing:
            jxc_setup(args.db, args.products)  # the master data of bench_stock.py, committed once
        results = report_bench(args.db, args.products, args.warehouses, args.rows_per_pair)
    print()
    print("Stock reports over %d ledger rows (%d products × %d warehouses, %s – %s; made in %.0f s, rolled back)" % (
        results["ledger_rows"], args.products, args.warehouses, results["span"][0], results["span"][1],
        results["generation"]))
    for label, fill, shown, count, backward in results["cases"]:
        print("  %-62s %6.2f s to make %6d rows (%s), %6.2f s with the first page and totals" % (
            label, fill, count, "read back from stock on hand" if backward else "read forward", shown))
    print("Goals: 汇总表 of a month < 1 s, of a year < 2 s, valuation at a date < 1 s. "
          "Odoo 11's valuation at a date: 20+ min over 10 million moves (odoo#32524).")


if __name__ == "__main__":
    main()
