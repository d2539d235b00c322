"""Analyses benchmark (issue 14): the sales analysis and the receivables aging on big books.

    .venv/bin/python bench/bench_analysis.py --conf .local/odoo-bench.conf --db jxc_bench

The database must have this checkout's jxc_addon (`make bench` updates it). Prints:
  - the sales analysis grouped by month x salesperson over 1,000,000 order lines (goal < 1 s), as
    the pivot asks it (read_group, as a 进销存 Manager: record rules applied), and as a salesman;
  - the receivables aging over 100,000 open invoices (goal < 1 s): totals per bucket and the first
    page of the list, as an accountant;
  - the manager's dashboard over the same books.

Data (defaults): 5,000 customers of 20 salesmen; 100,000 confirmed orders of 10 lines over the last
24 months (80 % of the lines delivered and invoiced, with a margin); 100,000 open invoices of the
last 210 days, due 0 to 60 days after their date. Made by SQL in one transaction that is rolled back
at the end, so the database stays as it was. Each table is filled by copying one document made
through the ORM (an order with its line, a posted invoice with its journal items) with the columns
that vary replaced, so that every other column (and any column a later version adds) holds a value
the ORM itself wrote. Each table is ANALYZEd once filled, as autovacuum would have done on a live
database. Times are of the ORM calls the web client makes, first run and median of three.
"""
import argparse
import os
import statistics
import sys
import time

import odoo
from odoo import api, fields

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_stock import analyze, clone_sql, env_for  # noqa: E402  (same folder)


def measure(fn, runs=3):
    """(first run, median of `runs`) in seconds, and the last result."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return times[0], statistics.median(times), result


def make_users(env, count):
    group = env.ref("jxc_addon.group_jxc_salesman")
    Users = env["res.users"].with_context(no_reset_password=True)
    salesmen = Users
    for i in range(count):
        salesmen |= Users.create({"name": "Bench salesman %d" % i, "login": "bench_salesman_%d" % i,
                                  "groups_id": [(6, 0, [env.ref("base.group_user").id, group.id])]})
    manager = Users.create({"name": "Bench manager", "login": "bench_manager",
                            "groups_id": [(6, 0, [env.ref("jxc_addon.group_jxc_manager").id])]})
    accountant = Users.create({"name": "Bench accountant", "login": "bench_accountant",
                               "groups_id": [(6, 0, [env.ref("jxc_addon.group_jxc_accountant").id])]})
    return salesmen, manager, accountant


def make_customers(env, count, salesmen):
    """`count` customers copied from one, each with one of the salesmen."""
    cr = env.cr
    template = env["res.partner"].create({"name": "Bench customer template", "customer": True, "is_company": True,
                                          "city": "杭州市", "credit_limit": 50000.0})
    cr.execute(clone_sql(cr, "res_partner", {
        "name": "'Bench customer ' || g", "display_name": "'Bench customer ' || g",
        "user_id": "(%(salesmen)s::int[])[1 + g %% %(n)s]",
        "city": "(ARRAY['杭州市', '苏州市', '广州市', '成都市'])[1 + g %% 4]",
    }, "res_partner t CROSS JOIN generate_series(1, %(count)s) g WHERE t.id = %(template)s"),
        {"salesmen": salesmen.ids, "n": len(salesmen), "count": count, "template": template.id})
    cr.execute("""
        UPDATE res_partner SET commercial_partner_id = id
         WHERE name LIKE 'Bench customer %%' AND id > %s RETURNING id
    """, (template.id,))
    customers = [row[0] for row in cr.fetchall()]
    analyze(cr, "res_partner")
    return customers


def make_sales(env, lines, per_order, customers, salesmen, months):
    """`lines` confirmed order lines, `per_order` to an order, over the last `months` months."""
    cr = env.cr
    warehouse = env["jxc.warehouse"].search([("company_id", "=", env.user.company_id.id)], limit=1) \
        or env["jxc.warehouse"].create({"name": "Bench analysis", "code": "BANA"})
    product = env["product.product"].search([("type", "in", ("consu", "product"))], limit=1)
    order = env["jxc.sale.order"].create({
        "partner_id": customers[0], "warehouse_id": warehouse.id, "user_id": salesmen[0].id,
        "line_ids": [(0, 0, {"product_id": product.id, "uom_id": product.uom_id.id, "product_qty": 1,
                             "price_unit": 10.0})]})
    cr.execute("""
        SELECT pp.id FROM product_product pp JOIN product_template pt ON pt.id = pp.product_tmpl_id
         WHERE pt.uom_id = %s AND pp.active ORDER BY pp.id LIMIT 5000
    """, (product.uom_id.id,))
    products = [row[0] for row in cr.fetchall()]
    orders = lines // per_order
    today = fields.Date.context_today(env.user)
    cr.execute(clone_sql(cr, "jxc_sale_order", {
        "name": "'BENCH-' || g", "state": "CASE WHEN g %% 10 = 0 THEN 'done' ELSE 'confirmed' END",
        "partner_id": "(%(customers)s::int[])[1 + g %% %(ncust)s]",
        "user_id": "(%(salesmen)s::int[])[1 + (g / 7) %% %(nsales)s]",
        "date_order": "%(today)s::date - (g %% (%(months)s * 30))",
    }, "jxc_sale_order t CROSS JOIN generate_series(1, %(orders)s) g WHERE t.id = %(template)s"),
        {"customers": customers, "ncust": len(customers), "salesmen": salesmen.ids, "nsales": len(salesmen),
         "today": today, "months": months, "orders": orders, "template": order.id})
    analyze(cr, "jxc_sale_order")
    # per_order lines to each new order: quantities 1..20, prices 10..59, 80 % delivered, a margin of 30 %
    cr.execute(clone_sql(cr, "jxc_sale_order_line", {
        "order_id": "o.id", "sequence": "n", "date_order": "o.date_order", "user_id": "o.user_id",
        "partner_id": "o.partner_id", "company_id": "o.company_id",
        "product_id": "(%(products)s::int[])[1 + (o.id * 7 + n) %% %(nprod)s]",
        "product_qty": "1 + (o.id + n) %% 20", "price_unit": "10 + (o.id * 3 + n) %% 50",
        "price_subtotal": "(1 + (o.id + n) %% 20) * (10 + (o.id * 3 + n) %% 50)",
        "price_tax": "0", "qty_reserved": "0", "discount": "0",
        "qty_delivered": "CASE WHEN (o.id + n) %% 5 = 0 THEN 0 ELSE 1 + (o.id + n) %% 20 END",
        "qty_returned": "0", "qty_invoiced": "CASE WHEN (o.id + n) %% 5 = 0 THEN 0 ELSE 1 + (o.id + n) %% 20 END",
        "margin": "CASE WHEN (o.id + n) %% 5 = 0 THEN 0 "
                  "ELSE round((1 + (o.id + n) %% 20) * (10 + (o.id * 3 + n) %% 50) * 0.3, 2) END",
    }, "jxc_sale_order_line t CROSS JOIN jxc_sale_order o CROSS JOIN generate_series(1, %(per)s) n "
       "WHERE t.order_id = %(template)s AND o.name LIKE 'BENCH-%%'"),
        {"products": products, "nprod": len(products), "per": per_order, "template": order.id})
    analyze(cr, "jxc_sale_order_line")
    cr.execute("SELECT count(*) FROM jxc_sale_order_line")
    return cr.fetchone()[0]


def make_receivables(env, invoices, customers):
    """`invoices` open customer invoices (a receivable and an income item each) of the last 210 days,
    due 0 to 60 days after their date, copied from one posted through the ORM."""
    cr = env.cr
    company = env.user.company_id
    journal = env["account.journal"].search([("type", "=", "sale"), ("company_id", "=", company.id)], limit=1)
    income = company._jxc_find_account("5001")
    invoice = env["account.invoice"].with_context(type="out_invoice").create({
        "type": "out_invoice", "partner_id": customers[0], "journal_id": journal.id,
        "invoice_line_ids": [(0, 0, {"name": "Bench", "quantity": 1, "price_unit": 100.0, "account_id": income.id})]})
    invoice.action_invoice_open()
    move = invoice.move_id
    receivable = move.line_ids.filtered(lambda l: l.account_id.internal_type == "receivable")
    other = move.line_ids - receivable
    assert len(receivable) == 1 and len(other) == 1, "one receivable and one income item"
    today = fields.Date.context_today(env.user)
    cr.execute(clone_sql(cr, "account_move", {
        "name": "'BENCH/INV/' || g", "ref": "'BENCH-' || g", "partner_id": "(%(customers)s::int[])[1 + g %% %(n)s]",
        "date": "%(today)s::date - g %% 210", "amount": "100 + g %% 900",
    }, "account_move t CROSS JOIN generate_series(1, %(count)s) g WHERE t.id = %(template)s"),
        {"customers": customers, "n": len(customers), "today": today, "count": invoices, "template": move.id})
    analyze(cr, "account_move")
    amount = "m.amount"
    for line, debit in ((receivable, True), (other, False)):
        cr.execute(clone_sql(cr, "account_move_line", {
            "move_id": "m.id", "partner_id": "m.partner_id", "date": "m.date", "ref": "m.ref",
            "invoice_id": "NULL",
            "date_maturity": "m.date + m.amount::int %% 61" if debit else "m.date",
            "debit": amount if debit else "0", "credit": "0" if debit else amount,
            "balance": amount if debit else "-" + amount,
            "amount_residual": amount if debit else "0", "reconciled": "FALSE",
        }, "account_move_line t CROSS JOIN account_move m WHERE t.id = %(template)s "
           "AND m.name LIKE 'BENCH/INV/%%'"), {"template": line.id})
    analyze(cr, "account_move_line")
    cr.execute("""
        SELECT count(*) FROM account_move_line aml JOIN account_account a ON a.id = aml.account_id
         WHERE a.internal_type = 'receivable' AND aml.amount_residual <> 0
    """)
    return cr.fetchone()[0]


def run(db, lines, per_order, invoices, customer_count, salesman_count, months):
    env = env_for(db)
    cr = env.cr
    results = {}
    try:
        start = time.perf_counter()
        salesmen, manager, accountant = make_users(env, salesman_count)
        customers = make_customers(env, customer_count, salesmen)
        results["lines"] = make_sales(env, lines, per_order, customers, salesmen, months)
        results["open_items"] = make_receivables(env, invoices, customers)
        results["setup"] = time.perf_counter() - start
        env["res.users"].invalidate_cache()

        Report = env["jxc.sale.report"].sudo(manager)
        sold = [("state", "in", ("confirmed", "done"))]
        measures = ["qty_ordered", "amount_untaxed", "margin"]
        results["pivot"] = measure(lambda: Report.read_group(
            sold, measures + ["date", "user_id"], ["date:month", "user_id"], lazy=False))
        # what the pivot view asks for when it opens: the total, each header, then the cells
        results["pivot_view"] = measure(lambda: [
            Report.read_group(sold, measures + ["date", "user_id"], groupby, lazy=False)
            for groupby in ([], ["user_id"], ["date:month"], ["user_id", "date:month"])])
        own = env["jxc.sale.report"].sudo(salesmen[0])
        results["salesman"] = measure(lambda: own.read_group(
            sold, ["qty_ordered", "amount_untaxed", "date", "user_id"], ["date:month", "user_id"], lazy=False))

        Aging = env["jxc.partner.aging"].sudo(accountant)
        receivable = [("account_type", "=", "receivable")]
        buckets = ["not_due", "days_1_30", "days_31_60", "days_61_90", "days_over_90", "residual"]
        results["aging_totals"] = measure(lambda: Aging.read_group(receivable, buckets, [], lazy=False))
        results["aging_page"] = measure(lambda: (
            Aging.search_read(receivable, buckets + ["partner_id", "user_id", "credit_limit"], limit=80),
            Aging.search_count(receivable)))
        results["aging_count"] = Aging.search_count(receivable)

        board = env["jxc.dashboard"].sudo(manager).search([])[:1]
        figures = ["sale_today", "sale_month", "margin_month", "stock_value", "warning_reorder", "overdue_amount",
                   "top_products", "top_customers", "sales_graph"]

        def dashboard():
            board.invalidate_cache()
            return board.read(figures)
        results["dashboard"] = measure(dashboard)
        return results
    finally:
        cr.rollback()
        cr.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--conf", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--lines", type=int, default=1000000, help="sales order lines")
    parser.add_argument("--per-order", type=int, default=10, help="lines per sales order")
    parser.add_argument("--invoices", type=int, default=100000, help="open customer invoices")
    parser.add_argument("--customers", type=int, default=5000)
    parser.add_argument("--salesmen", type=int, default=20)
    parser.add_argument("--months", type=int, default=24, help="months of sales")
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.conf, "--log-level=warn"])
    with api.Environment.manage():
        r = run(args.db, args.lines, args.per_order, args.invoices, args.customers, args.salesmen, args.months)
    print()
    print("Data made and analyzed in %.0f s: %d sales order lines, %d open receivable items (%d customers, "
          "%d salesmen); rolled back." % (r["setup"], r["lines"], r["open_items"], args.customers, args.salesmen))
    print("                                                           first run   median of 3   goal")
    rows = [
        ("Sales analysis, month x salesperson (%d groups), manager" % len(r["pivot"][2]), r["pivot"], "< 1 s"),
        ("Sales analysis pivot opening (4 read_group), manager", r["pivot_view"], ""),
        ("Sales analysis, month x salesperson, one salesman's rows", r["salesman"], ""),
        ("Receivables aging, totals of %d customers" % r["aging_count"], r["aging_totals"], "< 1 s"),
        ("Receivables aging, first page (80 rows) and count", r["aging_page"], "< 1 s"),
        ("Manager's dashboard (every figure)", r["dashboard"], ""),
    ]
    for label, (first, median, _result), goal in rows:
        print("%-58s %7.3f s   %7.3f s     %s" % (label, first, median, goal))


if __name__ == "__main__":
    main()
