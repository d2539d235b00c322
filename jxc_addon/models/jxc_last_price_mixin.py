# Copyright 2026 jxc_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from psycopg2 import sql

from odoo import models


class JxcLastPriceMixin(models.AbstractModel):
    """Order lines that show the partner's last price of their product (上次售价, 最后进价): the latest
    line of a confirmed order of the same partner (commercial entity), currency and company, the
    lines' own orders left out, read in one query and given per the line's unit."""

    _name = "jxc.last.price.mixin"
    _description = "Last Price of a Partner"
    # The order lines' and orders' tables, and the SQL of a line's price (alias l).
    _jxc_last_price_tables = None
    _jxc_last_price_sql = "l.price_unit"

    def _jxc_last_prices(self):
        """{(partner, product, currency, company): {"price", "uom_id", "date_order", "name"}}."""
        lines = self.filtered(lambda l: l.product_id and l.order_id.partner_id)
        if not lines:
            return {}
        line_table, order_table = self._jxc_last_price_tables
        own = [order_id for order_id in lines.mapped("order_id").ids if isinstance(order_id, int)]
        self.env.cr.execute(sql.SQL("""
            SELECT DISTINCT ON (p.commercial_partner_id, l.product_id, o.currency_id, o.company_id)
                   p.commercial_partner_id, l.product_id, o.currency_id, o.company_id, {price} AS price,
                   l.uom_id, o.date_order, o.name
              FROM {lines} l
              JOIN {orders} o ON o.id = l.order_id
              JOIN res_partner p ON p.id = o.partner_id
             WHERE o.state IN ('confirmed', 'done') AND l.product_id = ANY(%s)
               AND p.commercial_partner_id = ANY(%s) AND o.id <> ALL(%s)
             ORDER BY p.commercial_partner_id, l.product_id, o.currency_id, o.company_id,
                      o.date_order DESC, o.id DESC, l.id DESC
        """).format(price=sql.SQL(self._jxc_last_price_sql), lines=sql.Identifier(line_table),
                    orders=sql.Identifier(order_table)),
            (list(set(lines.mapped("product_id").ids)),
             list(set(lines.mapped("order_id.partner_id.commercial_partner_id").ids)), own))
        return {(r["commercial_partner_id"], r["product_id"], r["currency_id"], r["company_id"]): r
                for r in self.env.cr.dictfetchall()}

    def _jxc_last_price_of(self, found):
        """(price per this line's unit, date, order name) of this line's entry in `found`."""
        order = self.order_id
        last = found.get((order.partner_id.commercial_partner_id.id, self.product_id.id, order.currency_id.id,
                          order.company_id.id))
        price = 0.0
        if last and self.uom_id:
            uom = self.env["product.uom"].browse(last["uom_id"])
            if uom.category_id == self.uom_id.category_id:
                price = uom._compute_price(float(last["price"]), self.uom_id)
        return price, last and last["date_order"], last and last["name"]
