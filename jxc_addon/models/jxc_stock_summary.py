"""进销存汇总表 rows: what came in, what went out and what is left, per product and warehouse, for a period.

The rows are made by one INSERT ... SELECT over the stock ledger (see _fill) for a report wizard
(jxc.stock.report.wizard) and shown in list, pivot and graph views. The same rows serve three
reports: the summary (opening, in by kind, out by kind, closing), the valuation at a date (a
one-day period: its closing) and turnover with holding cost (from the period's cost of goods sold
and its average stock). They are transient: each user sees only the rows he asked for, and Odoo
removes them after an hour.

How each ledger row counts (one rule, _fill's CASE):
  - by the type of its document: receipt, customer return, opening balance: in; delivery,
    supplier return: out; transfer and stocktaking: in or out by the direction of the movement;
    other in/out, and rows without a document, by their direction as well.
  - a reversal (the document was cancelled) counts in the column of what it reverses, negative:
    a reversed receipt is a negative receipt, a reversed transfer out a negative transfer out.
  - a value change without quantity (revaluation of stock that came back from negative, and its
    reversal) is posted against cost of goods sold: it counts in the sales-delivery out value,
    with no quantity, so that out value of deliveries = cost of goods sold in the books.
So on every row: opening + in - out = closing, in quantity and in value.
"""
from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.addons import decimal_precision as dp

from ..lib.stock_analysis import ABC_CLASSES, days_of_inventory, sell_through_rate, turnover_ratio
from .jxc_sql_report_mixin import report_settings

ABC_SELECTION = [(c, c.upper()) for c in ABC_CLASSES]
# (field prefix, label) of the in and out kinds, in the order of the report.
IN_KINDS = [
    ("in_receipt", "Purchase Receipts"),
    ("in_customer_return", "Customer Returns"),
    ("in_transfer", "Transfers In"),
    ("in_other", "Other In"),
    ("in_count", "Stocktaking Gains"),
    ("in_opening", "Opening Balances"),
]
OUT_KINDS = [
    ("out_delivery", "Sales Deliveries"),
    ("out_supplier_return", "Supplier Returns"),
    ("out_transfer", "Transfers Out"),
    ("out_other", "Other Out"),
    ("out_count", "Stocktaking Losses"),
]
PRICE_GROUP = "jxc_addon.group_jxc_price"
# Memory for the report statement's sorts and hash tables: a month of a million-row ledger is about
# 100,000 groups, which PostgreSQL's default (4 MB) sends to disk.
REPORT_WORK_MEM = "64MB"
# Ratios of a group are recomputed from these sums (read_group).
RATIO_SOURCES = {
    "turnover": ("cogs", "average_value"),
    "days_of_inventory": ("cogs", "average_value", "days"),
    "sell_through": ("sold_qty", "opening_qty", "in_qty", "in_customer_return_qty"),
    "unit_cost": ("closing_qty", "closing_value"),
}

# The period's ledger rows, each put in its bucket (opening, an in or out kind, or after the period),
# summed per product, warehouse and bucket; then one row per product and warehouse. When the period
# is recent (see _scan_backward), the opening is the stock on hand (the quants, = the ledger summed)
# less what moved since the start of the period: only the rows from the start of the period are read.
# Sums run in double precision (numeric aggregates allocate per group and are several times slower)
# and are rounded when stored (round(x * 100) / 100: to the cent, in double precision): ledger
# values are whole cents and quantities have at most the unit's decimals (6 kept), so the sums of
# millions of rows round back exactly to what NUMERIC sums would give.
_KINDS = [kind for kind, _label in IN_KINDS + OUT_KINDS]
# Bucket of a ledger row, as a small integer (compared millions of times): before the period, after it,
# the stock on hand (backward reading), then the in kinds (10..) and the out kinds (20..).
BEFORE, AFTER, QUANT = 0, 1, 2
BUCKETS = dict([(kind, 10 + index) for index, (kind, _label) in enumerate(IN_KINDS)]
               + [(kind, 20 + index) for index, (kind, _label) in enumerate(OUT_KINDS)])
SUMMARY_SQL = """
WITH moves AS (
    SELECT m.product_id, m.warehouse_id, m.bucket, SUM(m.qty) AS qty, SUM(m.value) AS value,
           -- what each movement adds to the mean of the end-of-day balances (lib.stock_analysis.average_balance)
           SUM(m.qty * m.held) AS qty_days, SUM(m.value * m.held) AS value_days
      FROM (
        SELECT l.product_id, l.warehouse_id, l.quantity::float8 AS qty, l.value::float8 AS value,
               CASE WHEN l.date >= %%(date_from)s AND l.date <= %%(date_to)s
                    THEN %%(date_to)s::date - l.date + 1 END AS held,
               CASE
                   WHEN l.date < %%(date_from)s THEN %(before)s
                   WHEN l.date > %%(date_to)s THEN %(after)s
                   WHEN l.quantity = 0 THEN %(out_delivery)s
                   WHEN l.picking_type = 'receipt' THEN %(in_receipt)s
                   WHEN l.picking_type = 'customer_return' THEN %(in_customer_return)s
                   WHEN l.picking_type = 'opening' THEN %(in_opening)s
                   WHEN l.picking_type = 'delivery' THEN %(out_delivery)s
                   WHEN l.picking_type = 'supplier_return' THEN %(out_supplier_return)s
                   WHEN l.picking_type = 'transfer' THEN
                       CASE WHEN (l.quantity > 0) <> (l.kind = 'reversal')
                            THEN %(in_transfer)s ELSE %(out_transfer)s END
                   WHEN l.picking_type = 'count' THEN
                       CASE WHEN (l.quantity > 0) <> (l.kind = 'reversal') THEN %(in_count)s ELSE %(out_count)s END
                   WHEN (l.quantity > 0) <> (l.kind = 'reversal') THEN %(in_other)s
                   ELSE %(out_other)s
               END AS bucket
          FROM jxc_stock_ledger l
         WHERE l.company_id = %%(company)s AND l.date >= %%(scan_from)s AND l.date <= %%(scan_to)s
           AND (%%(all_warehouses)s OR l.warehouse_id = ANY(%%(warehouse_ids)s))
        OFFSET 0  -- each row converted once, not once per aggregate
      ) m
     GROUP BY m.product_id, m.warehouse_id, m.bucket
), quants AS (
    SELECT q.product_id, q.warehouse_id, %(quant)s AS bucket, q.quantity::float8 AS qty, q.value::float8 AS value,
           NULL::float8 AS qty_days, NULL::float8 AS value_days
      FROM jxc_stock_quant q
     WHERE %%(backward)s AND q.company_id = %%(company)s
       AND (%%(all_warehouses)s OR q.warehouse_id = ANY(%%(warehouse_ids)s))
), sums AS (
    SELECT b.product_id, b.warehouse_id,
           SUM(CASE WHEN b.bucket IN (%(before)s, %(quant)s) THEN b.qty WHEN %%(backward)s THEN -b.qty ELSE 0 END)
               AS opening_qty,
           SUM(CASE WHEN b.bucket IN (%(before)s, %(quant)s) THEN b.value WHEN %%(backward)s THEN -b.value ELSE 0 END)
               AS opening_value,
%(kind_sums)s,
           COALESCE(SUM(b.qty_days), 0) AS qty_days,
           COALESCE(SUM(b.value_days), 0) AS value_days,
           COUNT(*) FILTER (WHERE b.bucket >= 10) AS moved
      FROM (SELECT * FROM moves UNION ALL SELECT * FROM quants) b
     GROUP BY b.product_id, b.warehouse_id
), totals AS (
    SELECT s.*, %(in_qty)s AS in_qty, %(in_value)s AS in_value, %(out_qty)s AS out_qty, %(out_value)s AS out_value
      FROM sums s
     WHERE round(s.opening_qty * 1e6) <> 0 OR round(s.opening_value * 100) <> 0 OR s.moved > 0
), figures AS (
    SELECT t.*, pt.categ_id, pt.uom_id, pp.jxc_abc_class AS abc_class,
           t.opening_qty + t.in_qty - t.out_qty AS closing_qty,
           t.opening_value + t.in_value - t.out_value AS closing_value,
           t.out_delivery_value - t.in_customer_return_value AS cogs,
           t.out_delivery_qty - t.in_customer_return_qty AS sold_qty,
           t.opening_qty + t.qty_days / %%(days)s AS average_qty,
           t.opening_value + t.value_days / %%(days)s AS average_value
      FROM totals t
      JOIN product_product pp ON pp.id = t.product_id
      JOIN product_template pt ON pt.id = pp.product_tmpl_id
     WHERE %%(all_categories)s OR pt.categ_id = ANY(%%(categ_ids)s)
)
INSERT INTO jxc_stock_summary (
    wizard_id, company_id, date_from, date_to, days, product_id, categ_id, uom_id, warehouse_id, abc_class,
    opening_qty, opening_value, %(kind_columns)s,
    in_qty, in_value, out_qty, out_value, closing_qty, closing_value, unit_cost,
    cogs, sold_qty, average_qty, average_value, turnover, days_of_inventory, sell_through, holding_cost,
    create_uid, create_date, write_uid, write_date)
SELECT %%(wizard)s, %%(company)s, %%(date_from)s, %%(date_to)s, %%(days)s, f.product_id, f.categ_id, f.uom_id,
       f.warehouse_id, f.abc_class,
       round(f.opening_qty * 1e6) / 1e6, round(f.opening_value * 100) / 100, %(kind_values)s,
       round(f.in_qty * 1e6) / 1e6, round(f.in_value * 100) / 100,
       round(f.out_qty * 1e6) / 1e6, round(f.out_value * 100) / 100,
       round(f.closing_qty * 1e6) / 1e6, round(f.closing_value * 100) / 100,
       CASE WHEN f.closing_qty > 0 THEN f.closing_value / f.closing_qty ELSE 0 END,
       round(f.cogs * 100) / 100, round(f.sold_qty * 1e6) / 1e6, f.average_qty, round(f.average_value * 100) / 100,
       -- the formulas of lib.stock_analysis: turnover_ratio, days_of_inventory, sell_through_rate, holding_cost
       CASE WHEN f.average_value > 0 THEN f.cogs / f.average_value ELSE 0 END,
       CASE WHEN f.cogs > 0 AND f.average_value > 0 THEN f.average_value * %%(days)s / f.cogs ELSE 0 END,
       CASE WHEN f.opening_qty + f.in_qty - f.in_customer_return_qty > 0
            THEN 100.0 * f.sold_qty / (f.opening_qty + f.in_qty - f.in_customer_return_qty) ELSE 0 END,
       round(f.average_value * %%(holding_rate)s / 100.0 * %%(days)s / 365.0 * 100) / 100,
       %%(uid)s, %%(now)s, %%(uid)s, %%(now)s
  FROM figures f
""" % dict(
    BUCKETS, before=BEFORE, after=AFTER, quant=QUANT,
    kind_sums=",\n".join(
        "           %(sign)sCOALESCE(SUM(b.qty) FILTER (WHERE b.bucket = %(code)s), 0) AS %(kind)s_qty,\n"
        "           %(sign)sCOALESCE(SUM(b.value) FILTER (WHERE b.bucket = %(code)s), 0) AS %(kind)s_value"
        % {"kind": kind, "code": BUCKETS[kind], "sign": "" if kind.startswith("in_") else "-"} for kind in _KINDS),
    in_qty=" + ".join("s.%s_qty" % kind for kind, _label in IN_KINDS),
    in_value=" + ".join("s.%s_value" % kind for kind, _label in IN_KINDS),
    out_qty=" + ".join("s.%s_qty" % kind for kind, _label in OUT_KINDS),
    out_value=" + ".join("s.%s_value" % kind for kind, _label in OUT_KINDS),
    kind_columns=", ".join("%s_qty, %s_value" % (kind, kind) for kind in _KINDS),
    kind_values=", ".join("round(f.%s_qty * 1e6) / 1e6, round(f.%s_value * 100) / 100" % (kind, kind)
                          for kind in _KINDS),
)


class Figure(fields.Float):
    """A report figure: shown with its digits like any float, stored in double precision as a float
    without digits is (Odoo's fast type for sums). Its digits would make it NUMERIC, and converting
    the report's ~40 figures × 50,000 rows to NUMERIC costs more than reading the ledger."""

    @property
    def column_type(self):
        return ("float8", "double precision")


def _money(string, **kwargs):
    return Figure(string, digits=dp.get_precision("Account"), readonly=True, groups=PRICE_GROUP, **kwargs)


def _qty(string, **kwargs):
    return Figure(string, digits=dp.get_precision("Product Unit of Measure"), readonly=True, **kwargs)


class JxcStockSummary(models.TransientModel):
    _name = "jxc.stock.summary"
    _description = "Stock Summary"
    _inherit = ["jxc.field.access.mixin"]
    _order = "warehouse_id, categ_id, product_id"
    _rec_name = "product_id"

    wizard_id = fields.Many2one("jxc.stock.report.wizard", "Report", required=True, ondelete="cascade",
                                index=True, readonly=True)
    company_id = fields.Many2one("res.company", "Company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id", readonly=True)
    date_from = fields.Date("From", readonly=True)
    date_to = fields.Date("To", readonly=True)
    days = fields.Integer("Days", readonly=True, group_operator="max", help="Days in the period.")
    product_id = fields.Many2one("product.product", "Product", readonly=True)
    categ_id = fields.Many2one("product.category", "Product Category", readonly=True)
    uom_id = fields.Many2one("product.uom", "Unit", readonly=True)
    warehouse_id = fields.Many2one("jxc.warehouse", "Warehouse", readonly=True)
    abc_class = fields.Selection(ABC_SELECTION, "ABC Class", readonly=True,
                                 help="The product's class when the report was made (Reports > ABC Classification).")

    opening_qty = _qty("Opening Quantity")
    opening_value = _money("Opening Value")
    in_receipt_qty = _qty("Purchase Receipts Qty")
    in_receipt_value = _money("Purchase Receipts Value")
    in_customer_return_qty = _qty("Customer Returns Qty")
    in_customer_return_value = _money("Customer Returns Value")
    in_transfer_qty = _qty("Transfers In Qty")
    in_transfer_value = _money("Transfers In Value")
    in_other_qty = _qty("Other In Qty")
    in_other_value = _money("Other In Value")
    in_count_qty = _qty("Stocktaking Gains Qty")
    in_count_value = _money("Stocktaking Gains Value")
    in_opening_qty = _qty("Opening Balances Qty", help="Opening balance documents (期初) of the period.")
    in_opening_value = _money("Opening Balances Value", help="Opening balance documents (期初) of the period.")
    out_delivery_qty = _qty("Sales Deliveries Qty")
    out_delivery_value = _money(
        "Sales Deliveries Value",
        help="Cost of the goods delivered, with the revaluations posted against cost of goods sold "
             "(stock that came back from negative).")
    out_supplier_return_qty = _qty("Supplier Returns Qty")
    out_supplier_return_value = _money("Supplier Returns Value")
    out_transfer_qty = _qty("Transfers Out Qty")
    out_transfer_value = _money("Transfers Out Value")
    out_other_qty = _qty("Other Out Qty")
    out_other_value = _money("Other Out Value")
    out_count_qty = _qty("Stocktaking Losses Qty")
    out_count_value = _money("Stocktaking Losses Value")
    in_qty = _qty("Total In Qty")
    in_value = _money("Total In Value")
    out_qty = _qty("Total Out Qty")
    out_value = _money("Total Out Value")
    closing_qty = _qty("Closing Quantity")
    closing_value = _money("Closing Value")
    unit_cost = Figure("Unit Cost", digits=dp.get_precision("Product Price"), readonly=True,
                       group_operator="avg", groups=PRICE_GROUP, help="Closing value / closing quantity.")

    cogs = _money("Cost of Goods Sold", help="Cost of the sales deliveries less the customer returns.")
    sold_qty = _qty("Sold Quantity", help="Delivered less returned by customers.")
    average_qty = _qty("Average Quantity", help="Mean of the quantities on hand at the end of each day of the period.")
    average_value = _money("Average Stock Value", help="Mean of the stock values at the end of each day of the period.")
    turnover = Figure(
        "Turnover", digits=(16, 2), readonly=True, group_operator="avg", groups=PRICE_GROUP,
        help="Cost of goods sold / average stock value: how many times the stock was sold over the period.")
    days_of_inventory = Figure(
        "Days of Inventory", digits=(16, 1), readonly=True, group_operator="avg", groups=PRICE_GROUP,
        help="存货周转天数: average stock value × days / cost of goods sold, the days the stock lasts at the "
             "period's rate of sales. 0 when nothing was sold.")
    sell_through = Figure(
        "Sell-through (%)", digits=(16, 2), readonly=True, group_operator="avg",
        help="Sold quantity / (opening quantity + quantity that came in, customer returns excepted).")
    holding_cost = _money(
        "Holding Cost", help="Annual holding rate (Settings) × average stock value × days / 365.")

    @api.model_cr_context
    def _auto_init(self):
        res = super()._auto_init()
        # Odoo adds the foreign keys of many2one columns after every model's init(): tune the table after.
        self.pool.post_init(self._tune_table)
        return res

    def _tune_table(self):
        """The rows are copies of what one statement reads from the ledger (whose own foreign keys
        guarantee the products, warehouses and categories exist), made for one user and removed
        within the hour. Checking their eight foreign keys row by row costs more than the report
        itself (1.3 s of 1.8 s for 50,000 rows in bench/bench_reports.py): they have none, and the
        report (jxc.stock.report.wizard) deletes its rows with it. Nor are they written to the
        write-ahead log (UNLOGGED): after a crash the table is empty, and the reports are made again."""
        # One static statement: PostgreSQL quotes the constraint names (format %I), nothing is built here.
        self._cr.execute("""
            DO $$
            DECLARE constraint_name name;
            BEGIN
                FOR constraint_name IN SELECT conname FROM pg_constraint
                                        WHERE conrelid = 'jxc_stock_summary'::regclass AND contype = 'f' LOOP
                    EXECUTE format('ALTER TABLE jxc_stock_summary DROP CONSTRAINT %I', constraint_name);
                END LOOP;
                IF (SELECT relpersistence FROM pg_class WHERE oid = 'jxc_stock_summary'::regclass) <> 'u' THEN
                    ALTER TABLE jxc_stock_summary SET UNLOGGED;
                END IF;
            END $$
        """)

    # ------------------------------------------------------------------ read
    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True):
        """Ratios of a group (turnover, days of inventory, sell-through, unit cost) come from the
        group's sums, as for one row, never from adding or averaging the rows' ratios."""
        fields = list(fields or [])
        ratios = [name for name in RATIO_SOURCES if name in fields]
        if not ratios:
            return super().read_group(domain, fields, groupby, offset=offset, limit=limit, orderby=orderby,
                                      lazy=lazy)
        extra = sorted({source for name in ratios for source in RATIO_SOURCES[name]} - set(fields))
        groups = super().read_group(domain, fields + extra, groupby, offset=offset, limit=limit,
                                    orderby=orderby, lazy=lazy)
        for group in groups:
            value = {name: group.get(name) or 0.0 for sources in RATIO_SOURCES.values() for name in sources}
            if "turnover" in ratios:
                group["turnover"] = turnover_ratio(value["cogs"], value["average_value"])
            if "days_of_inventory" in ratios:
                group["days_of_inventory"] = days_of_inventory(value["cogs"], value["average_value"], value["days"])
            if "sell_through" in ratios:
                group["sell_through"] = sell_through_rate(
                    value["sold_qty"], value["opening_qty"], value["in_qty"] - value["in_customer_return_qty"])
            if "unit_cost" in ratios:
                group["unit_cost"] = value["closing_value"] / value["closing_qty"] if value["closing_qty"] > 0 else 0.0
            for name in extra:
                group.pop(name, None)
        return groups

    # ------------------------------------------------------------------ fill
    @api.model
    def _fill(self, wizard):
        """(Re)make the rows of `wizard` (its company, period, warehouses and categories) in one
        statement; returns their number."""
        cr = self.env.cr
        date_from, date_to = wizard.date_from, wizard.date_to
        if date_from > date_to:
            raise UserError(_("The period ends before it starts."))
        days = (fields.Date.from_string(date_to) - fields.Date.from_string(date_from)).days + 1
        cr.execute("DELETE FROM jxc_stock_summary WHERE wizard_id = %s", (wizard.id,))
        backward = self._scan_backward(wizard.company_id, date_from)
        warehouse_ids = wizard.warehouse_ids.ids or None
        visible = self._visible_warehouses(wizard.company_id)
        if visible is not None:
            warehouse_ids = [w for w in (warehouse_ids or visible) if w in visible]
        categories = self.env["product.category"]
        if wizard.categ_ids:
            categories = categories.search([("id", "child_of", wizard.categ_ids.ids)])
        # For this statement: memory for its hash tables, and no JIT compilation (compiling its hundred
        # expressions takes longer than evaluating them).
        with report_settings(cr, fields.Date.context_today(self), work_mem=REPORT_WORK_MEM):
            cr.execute(SUMMARY_SQL, {
                "wizard": wizard.id, "company": wizard.company_id.id, "uid": self.env.uid,
                "now": fields.Datetime.now(), "date_from": date_from, "date_to": date_to, "days": days,
                "backward": backward, "scan_from": date_from if backward else "0001-01-01",
                "scan_to": "9999-12-31" if backward else date_to,
                "all_warehouses": warehouse_ids is None, "warehouse_ids": warehouse_ids or [],
                "all_categories": not wizard.categ_ids, "categ_ids": categories.ids,
                "holding_rate": wizard.company_id.jxc_holding_rate or 0.0,
            })
            count = cr.rowcount
        self.invalidate_cache()
        wizard.invalidate_cache(["line_ids"])
        return count

    @api.model
    def _visible_warehouses(self, company):
        """The ids of the warehouses whose stock the user may see (the record rules of the stock on
        hand: a user limited to some warehouses), or None when he sees them all. The report reads the
        ledger in SQL: it applies the limit itself."""
        Quant = self.env["jxc.stock.quant"]
        domain = [("company_id", "=", company.id)]
        seen, every = ({group["warehouse_id"][0] for group in quants.read_group(domain, ["warehouse_id"], ["warehouse_id"])}
                       for quants in (Quant, Quant.sudo()))
        return None if seen == every else sorted(seen)

    @api.model
    def _scan_backward(self, company, date_from):
        """Whether the opening of a period starting on `date_from` is read faster back from the
        stock on hand (fewer ledger rows from `date_from` on than before it): the period starts in
        the later half of the company's ledger history. Both ways give the same figures while the
        stock on hand equals the ledger (the integrity check)."""
        self.env.cr.execute("SELECT MIN(date), MAX(date) FROM jxc_stock_ledger WHERE company_id = %s", (company.id,))
        first, last = self.env.cr.fetchone()
        if not first:
            return False
        first, last = fields.Date.from_string(first), fields.Date.from_string(last)
        start = fields.Date.from_string(date_from)
        return start > first + (last - first) / 2
