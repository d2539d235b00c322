from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.addons import decimal_precision as dp

from ..lib.stock_analysis import abc_classes, best_class
from .jxc_reorder_warning import days_before_today, try_scan_lock
from .jxc_sql_report_mixin import in_company_currency
from .jxc_stock_summary import ABC_SELECTION

ABC_LOCK = 7313001  # advisory lock: one ABC classification at a time


class ProductProduct(models.Model):
    _name = "product.product"
    _inherit = ["product.product", "jxc.field.access.mixin"]

    # The cost is a purchase price: only those who may see prices (not salesmen) read it.
    standard_price = fields.Float(groups="jxc_addon.group_jxc_price")
    # ABC classification (Reports > ABC Classification), written by _jxc_classify_abc only.
    jxc_abc_class = fields.Selection(
        ABC_SELECTION, "ABC Class", readonly=True, index=True, copy=False,
        help="By sales value over the ABC period (Settings): A ≈ the products making the first 80% of sales, "
             "B the next 15%, C the rest and the products not sold. Refreshed monthly.")
    jxc_abc_sales = fields.Float("ABC Sales Value", digits=dp.get_precision("Account"), readonly=True, copy=False,
                                 help="Untaxed sales of confirmed orders over the ABC period, in the company currency.")
    jxc_abc_date = fields.Date("ABC Classified on", readonly=True, copy=False)

    @api.model
    def _jxc_find_by_barcode(self, barcode):
        """(product, unit, quantity in the product unit) of a scanned barcode: a product's own
        barcode is one product unit, a packaging unit's barcode its quantity (a box of 12: 12);
        (empty, empty, 0.0) when nothing has it."""
        product = self.search([("barcode", "=", barcode)], limit=1)
        if product:
            return product, product.uom_id, 1.0
        packaging = self.env["jxc.product.packaging"].search([("barcode", "=", barcode)], limit=1)
        product = packaging.product_id or packaging.product_tmpl_id.product_variant_id
        if not product:
            return self.browse(), self.env["product.uom"], 0.0
        return product, packaging.uom_id, packaging.uom_id._compute_quantity(1.0, product.uom_id, round=False)

    def _jxc_check_active(self, document):
        """Refuse archived products (the variant or its template) on `document` (its name)."""
        archived = self.with_context(active_test=False).filtered(
            lambda p: not (p.active and p.product_tmpl_id.active))
        if archived:
            raise UserError(_("%(document)s uses archived products: %(products)s. Restore them or remove "
                              "their lines.") % {
                "document": document, "products": ", ".join(archived.mapped("display_name"))})

    @api.model
    def _jxc_classify_abc(self, companies):
        """Rank the products by untaxed sales of confirmed sales orders over each company's ABC period
        and store their class: per company with its own shares, the best class across companies.
        Products without sales are class C. One statement reads, one writes; one run at a time."""
        cr = self.env.cr
        if not try_scan_lock(cr, ABC_LOCK):
            return False
        today = fields.Date.context_today(self)
        periods = {company.id: days_before_today(self, company.jxc_abc_days or 365) for company in companies}
        # Amounts in the company currency at the order date, as the sales analysis converts them.
        cr.execute("""
            SELECT o.company_id, l.product_id, SUM({amount})
              FROM jxc_sale_order_line l
              JOIN jxc_sale_order o ON o.id = l.order_id
              JOIN unnest(%(companies)s::int[], %(since)s::date[]) AS p(company_id, since)
                   ON p.company_id = o.company_id AND o.date_order > p.since
              JOIN res_company c ON c.id = o.company_id
             WHERE o.state IN ('confirmed', 'done') AND o.date_order <= %(today)s
             GROUP BY o.company_id, l.product_id
        """.format(amount=in_company_currency("l.price_subtotal")),
            {"companies": list(periods), "since": list(periods.values()), "today": today})
        sales = {}
        for company_id, product_id, amount in cr.fetchall():
            sales.setdefault(company_id, []).append((product_id, float(amount or 0.0)))
        classes, amounts = {}, {}
        for company in companies:
            ranked = abc_classes(sales.get(company.id, []), company.jxc_abc_a_share, company.jxc_abc_b_share)
            for product_id, amount in sales.get(company.id, []):
                classes[product_id] = best_class(classes.get(product_id), ranked[product_id])
                amounts[product_id] = amounts.get(product_id, 0.0) + amount
        cr.execute("""
            UPDATE product_product p
               SET jxc_abc_class = COALESCE(v.class, 'c'), jxc_abc_sales = COALESCE(v.amount, 0),
                   jxc_abc_date = %(today)s
              FROM product_product q
              LEFT JOIN unnest(%(ids)s::int[], %(classes)s::varchar[], %(amounts)s::numeric[])
                   AS v(product_id, class, amount) ON v.product_id = q.id
             WHERE p.id = q.id
        """, {"today": today, "ids": list(classes), "classes": [classes[i] for i in classes],
              "amounts": [round(amounts[i], 2) for i in classes]})
        self.invalidate_cache(["jxc_abc_class", "jxc_abc_sales", "jxc_abc_date"])
        return True
