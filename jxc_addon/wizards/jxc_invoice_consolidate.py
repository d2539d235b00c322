"""Consolidated invoicing (月结): one invoice per customer, one bill per supplier for a period."""
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare

from ..models.jxc_guarded_mixin import check_groups
from .jxc_stock_report_wizard import check_company

CONSOLIDATE_KINDS = [
    ("customer", "Customer Invoices"),
    ("supplier", "Vendor Bills"),
]
ACCOUNTANT_GROUPS = "jxc_addon.group_jxc_accountant"
# Order numbers written in an invoice's Source Document (the lines name their order anyway).
ORIGIN_NAMES = 20

# Order lines with something left to invoice (bill), by the stored quantities, of the company's confirmed
# orders, the partners' first: the period is applied to them afterwards, document by document.
SALE_CANDIDATES_SQL = """
SELECT l.id
  FROM jxc_sale_order_line l
  JOIN jxc_sale_order o ON o.id = l.order_id
  JOIN res_partner p ON p.id = o.partner_id
 WHERE o.company_id = %(company)s AND o.state IN ('confirmed', 'done')
   AND (CASE WHEN %(ordered)s THEN l.product_qty ELSE l.qty_delivered END) > l.qty_invoiced
   AND (NOT %(ordered)s OR o.date_order <= %(date_to)s)
   AND (NOT %(ordered)s OR %(date_from)s::date IS NULL OR o.date_order >= %(date_from)s)
   AND (%(partners)s::int[] IS NULL OR p.commercial_partner_id = ANY(%(partners)s))
 ORDER BY p.commercial_partner_id, o.currency_id, o.date_order, o.id, l.sequence, l.id
"""
PURCHASE_CANDIDATES_SQL = """
SELECT l.id
  FROM jxc_purchase_order_line l
  JOIN jxc_purchase_order o ON o.id = l.order_id
  JOIN res_partner p ON p.id = o.partner_id
 WHERE o.company_id = %(company)s AND o.state IN ('confirmed', 'done')
   AND l.qty_received > l.qty_billed
   AND (%(partners)s::int[] IS NULL OR p.commercial_partner_id = ANY(%(partners)s))
 ORDER BY p.commercial_partner_id, o.currency_id, o.date_order, o.id, l.sequence, l.id
"""


def last_month(today):
    """(first day, last day) of the month before the date `today`."""
    last = today.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


class JxcInvoiceConsolidate(models.TransientModel):
    """月结: for a period, one draft (or validated) invoice per customer for the goods delivered and not
    yet invoiced, or one bill per supplier for the goods received and not yet billed. The lines are
    the per-order ones (`_prepare_invoice_line`, `_prepare_bill_line`), so that amounts, taxes, order
    discounts, deposits and GRNI behave exactly as on invoices made order by order."""
    _name = "jxc.invoice.consolidate"
    _description = "Consolidated Invoicing"

    kind = fields.Selection(CONSOLIDATE_KINDS, required=True, default="customer")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.user.company_id)
    date_from = fields.Date(
        "From", default=lambda self: fields.Date.to_string(last_month(self._today())[0]),
        help="Goods delivered (received) from this date. Empty: everything delivered (received) up to the end "
             "date and not yet invoiced, whenever it was.")
    date_to = fields.Date("To", required=True, default=lambda self: fields.Date.to_string(last_month(self._today())[1]),
                          help="Goods delivered (received) up to this date; the invoices are dated this day "
                               "(today if it is later).")
    partner_ids = fields.Many2many("res.partner", string="Partners",
                                   help="Customers (suppliers) to invoice; empty: all of them.")
    validate = fields.Boolean("Validate the Invoices",
                              help="Validate (post) the invoices at once; otherwise they stay drafts to review.")

    def _today(self):
        return fields.Date.from_string(fields.Date.context_today(self))

    @api.constrains("date_from", "date_to")
    def _check_period(self):
        for wizard in self:
            if wizard.date_from and wizard.date_from > wizard.date_to:
                raise ValidationError(_("The period must end on or after its first day."))

    @api.model
    def _cron_consolidate(self):
        """Monthly (1st of the month): the companies with 月结 on get draft invoices and bills for
        everything delivered or received up to the end of the previous month and not yet invoiced."""
        last = fields.Date.to_string(last_month(self._today())[1])
        wizards = self.browse()
        for company in self.env["res.company"].search([("jxc_consolidated_invoicing", "=", True)]):
            for kind, _label in CONSOLIDATE_KINDS:
                wizards |= self.create({"kind": kind, "company_id": company.id, "date_from": False, "date_to": last})
        return wizards.with_context(jxc_consolidate_cron=True).action_create_invoices()

    @api.multi
    def action_create_invoices(self):
        """Make the invoices (bills) of each wizard and show them."""
        check_groups(self.env, ACCOUNTANT_GROUPS, _("create consolidated invoices"))
        invoices = self.env["account.invoice"]
        for wizard in self:
            check_company(self.env, wizard.company_id)
            invoices |= wizard._create_invoices()
        if not invoices:
            if self.env.context.get("jxc_consolidate_cron"):
                return False
            raise UserError(_("Nothing delivered or received in the period is left to invoice."))
        customer = all(invoice.type == "out_invoice" for invoice in invoices)
        action = self.env.ref("account.action_invoice_tree1" if customer else "account.action_invoice_tree2").read()[0]
        action["domain"] = [("id", "in", invoices.ids)]
        action["context"] = {"type": "out_invoice" if customer else "in_invoice"}
        return action

    @api.multi
    def _create_invoices(self):
        """One invoice per partner (commercial entity) and currency; validated if asked."""
        self.ensure_one()
        customer = self.kind == "customer"
        Invoice = self.env["account.invoice"]
        invoices = Invoice
        for (partner, currency), prepared in self._group(self._invoice_lines()):
            vals = self._prepare_invoice(partner, currency, prepared)
            invoices |= Invoice._jxc_create_invoice("sale" if customer else "purchase", vals)
        if self.validate and invoices:
            invoices.action_invoice_open()
        return invoices

    def _candidates(self):
        """The order lines with something left to invoice (bill), as the user may read them."""
        ordered = self.kind == "customer" and self.company_id.jxc_invoice_policy == "ordered"
        self.env.cr.execute(SALE_CANDIDATES_SQL if self.kind == "customer" else PURCHASE_CANDIDATES_SQL, {
            "company": self.company_id.id, "ordered": ordered, "date_from": self.date_from or None,
            "date_to": self.date_to, "partners": self.partner_ids.mapped("commercial_partner_id").ids or None})
        ids = [row[0] for row in self.env.cr.fetchall()]
        model = "jxc.sale.order.line" if self.kind == "customer" else "jxc.purchase.order.line"
        allowed = set(self.env[model].search([("id", "in", ids)]).ids) if ids else set()
        return self.env[model].browse([line_id for line_id in ids if line_id in allowed])

    def _invoice_lines(self):
        """[(order line, invoice line values)] of the period, in the candidates' order."""
        result = []
        lines = self._candidates()
        ordered = self.kind == "customer" and self.company_id.jxc_invoice_policy == "ordered"
        if not ordered:
            # the stock documents of all the lines, read together
            lines.mapped("delivery_line_ids.picking_id" if self.kind == "customer" else "receipt_line_ids.picking_id")
        for line in lines:
            if self.kind == "customer":
                left = line.product_qty - line.qty_invoiced if ordered else line.qty_delivered - line.qty_invoiced
                quantity = left if ordered else self._quantity_in_period(
                    line, line.delivery_line_ids, {"delivery": 1, "customer_return": -1}, line.qty_invoiced, left)
            else:
                left = line.qty_received - line.qty_billed
                quantity = self._quantity_in_period(
                    line, line.receipt_line_ids, {"receipt": 1, "supplier_return": -1}, line.qty_billed, left)
            rounding = line.uom_id.rounding
            if float_compare(quantity, 0, precision_rounding=rounding) <= 0:
                continue
            # The per-order values; a part of what is left goes through the same method with its quantity.
            whole = float_compare(quantity, left, precision_rounding=rounding) == 0
            if self.kind == "customer":
                vals = line._prepare_invoice_line() if whole else line._prepare_invoice_line(quantity)
            else:
                vals = line._prepare_bill_line() if whole else line._prepare_bill_line(quantity)
            if vals:
                vals["name"] = "%s: %s" % (line.order_id.name, vals["name"])
                result.append((line, vals))
        return result

    def _quantity_in_period(self, line, document_lines, signs, invoiced, left):
        """What the period adds to the order line (deliveries less returns, or receipts less supplier
        returns, by their document date) and is not invoiced yet. Invoices take the oldest goods first:
        what was delivered before the period is invoiced before what was delivered in it."""
        up_to_end = in_period = 0.0
        for document_line in document_lines:
            picking = document_line.picking_id
            sign = signs.get(picking.picking_type, 0)
            if picking.state != "done" or not sign or picking.date > self.date_to:
                continue
            quantity = sign * document_line.uom_id._compute_quantity(document_line.quantity, line.uom_id)
            up_to_end += quantity
            if not self.date_from or picking.date >= self.date_from:
                in_period += quantity
        quantity = min(up_to_end - invoiced, left)
        return min(quantity, in_period) if self.date_from else quantity

    @staticmethod
    def _group(prepared):
        """[((commercial partner, currency), [(order line, values)])] in the order of the lines."""
        groups = {}
        for line, vals in prepared:
            order = line.order_id
            groups.setdefault((order.partner_id.commercial_partner_id, order.currency_id), []).append((line, vals))
        return list(groups.items())

    def _prepare_invoice(self, partner, currency, prepared):
        customer = self.kind == "customer"
        company = self.company_id
        accounting = partner.with_context(force_company=company.id)
        orders = []
        for line, _vals in prepared:
            if line.order_id not in orders:
                orders.append(line.order_id)
        names = [order.name for order in orders]
        origin = ", ".join(names[:ORIGIN_NAMES]) + (_(" and %s more") % (len(names) - ORIGIN_NAMES)
                                                    if len(names) > ORIGIN_NAMES else "")
        date = min(fields.Date.from_string(self.date_to), self._today())
        return {
            "type": "out_invoice" if customer else "in_invoice", "partner_id": partner.id,
            "currency_id": currency.id, "company_id": company.id, "origin": origin,
            "name": _("Consolidated (月结) up to %s") % fields.Date.to_string(date),
            "date_invoice": fields.Date.to_string(date),
            "user_id": (partner.user_id.id or self.env.uid) if customer else self.env.uid,
            "payment_term_id": (accounting.property_payment_term_id if customer
                                else accounting.property_supplier_payment_term_id).id,
            "invoice_line_ids": [(0, 0, vals) for _line, vals in prepared],
        }
