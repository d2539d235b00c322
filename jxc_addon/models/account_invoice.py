from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

from ..lib.formatting import format_qty
from .jxc_sale_order import POSTED_PAYMENT_STATES


class AccountInvoice(models.Model):
    _inherit = "account.invoice"

    @api.model
    def invoice_line_move_line_get(self):
        """Vendor bill lines from purchase orders debit GRNI with exactly what the receipts
        credited it with; the rest of the bill price goes to the price difference account."""
        res = super().invoice_line_move_line_get()
        if self.type not in ("in_invoice", "in_refund"):
            return res
        extra = []
        company = self.company_id
        lines = {line.id: line for line in self.invoice_line_ids}  # read together, not one by one
        # and so are the receipts and earlier bills that the GRNI amounts come from
        purchase_lines = self.invoice_line_ids.mapped("jxc_purchase_line_id")
        purchase_lines.mapped("receipt_line_ids.picking_id")
        purchase_lines.mapped("invoice_line_ids.invoice_id")
        for vals in res:
            line = lines.get(vals.get("invl_id"), self.env["account.invoice.line"])
            if not line.jxc_purchase_line_id or line.account_id != company.jxc_grni_account_id:
                continue
            grni = line._jxc_grni_amount()
            line.jxc_grni_amount = grni
            # `price` is in the bill currency; GRNI is known in the company currency.
            grni_in_bill_currency = company.currency_id.with_context(date=self.date_invoice).compute(
                grni, self.currency_id)
            difference = self.currency_id.round(vals["price"] - grni_in_bill_currency)
            vals["jxc_grni_company"] = grni
            if difference:
                vals["price"] = grni_in_bill_currency
                extra.append(dict(vals, price=difference, price_unit=difference, quantity=1,
                                  account_id=company._jxc_get_setting("jxc_price_diff_account_id").id,
                                  tax_ids=[], jxc_grni_company=None, jxc_price_diff_for=line.id))
        return res + extra

    @api.multi
    def compute_invoice_totals(self, company_currency, invoice_move_lines):
        """In a foreign currency, converting the GRNI part back may miss the receipt value by a
        cent: put the GRNI line at exactly that value and the cent on the price difference."""
        total, total_currency, lines = super().compute_invoice_totals(company_currency, invoice_move_lines)
        sign = -1 if self.type in ("out_invoice", "in_refund") else 1
        for line in list(lines):
            grni = line.get("jxc_grni_company")
            if grni is None:
                continue
            delta = company_currency.round(sign * grni - line["price"])
            if company_currency.is_zero(delta):
                continue
            line["price"] += delta
            diff_line = next((l for l in lines if l.get("jxc_price_diff_for") == line.get("invl_id")), None)
            if diff_line:
                diff_line["price"] -= delta
            else:
                lines.append(dict(line, price=-delta, amount_currency=0.0, jxc_grni_company=None,
                                  account_id=self.company_id._jxc_get_setting("jxc_price_diff_account_id").id,
                                  tax_ids=[]))
        return total, total_currency, lines

    @api.model
    def _jxc_create_draft(self, journal_type, vals, form_view):
        """A draft invoice (bill, credit note) of an order in the company's first journal of
        `journal_type`, and the form to review it."""
        invoice = self._jxc_create_invoice(journal_type, vals)
        return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": invoice.id,
                "view_mode": "form", "views": [(self.env.ref(form_view).id, "form")]}

    @api.model
    def _jxc_create_invoice(self, journal_type, vals):
        """A draft invoice of orders (per order or consolidated) in the company's first journal of
        `journal_type`: one create() with all its lines and the values Odoo's create() would
        otherwise get by running the partner and journal onchanges on a new invoice holding all the
        lines. create() computes the tax lines; its hooks run as for any invoice."""
        journal = self.env["account.journal"].search(
            [("type", "=", journal_type), ("company_id", "=", vals["company_id"])], limit=1)
        vals = dict(vals, journal_id=journal.id)
        for name, value in self._jxc_partner_values(vals).items():
            vals.setdefault(name, value)
        return self.create(vals)

    @api.model
    def _jxc_partner_values(self, vals):
        """What account.invoice._onchange_partner_id gives a new invoice of vals' type, partner and
        company: its receivable or payable account, fiscal position and (vendor bills, customer
        credit notes) bank account; the payment term stays the order's."""
        company = self.env["res.company"].browse(vals["company_id"])
        partner = self.env["res.partner"].browse(vals["partner_id"])
        accounting = partner.with_context(force_company=company.id)
        customer_side = vals["type"] in ("out_invoice", "out_refund")
        account = accounting.property_account_receivable_id if customer_side \
            else accounting.property_account_payable_id
        delivery = partner.address_get(["delivery"])["delivery"]
        bank = partner.commercial_partner_id.bank_ids[:1] if vals["type"] in ("in_invoice", "out_refund") else None
        return {"account_id": account.id, "partner_bank_id": bank.id if bank else False,
                "fiscal_position_id": self.env["account.fiscal.position"].get_fiscal_position(
                    partner.id, delivery_id=delivery)}

    @api.multi
    def action_invoice_open(self):
        self._jxc_check_billed_quantities()
        return super().action_invoice_open()

    def _jxc_check_billed_quantities(self):
        """A vendor bill never bills more than was received (nor credits more than was returned)."""
        for line in self.filtered(lambda i: i.type == "in_invoice").mapped("invoice_line_ids"):
            purchase_line = line.jxc_purchase_line_id
            if not purchase_line:
                continue
            others = purchase_line.invoice_line_ids.filtered(
                lambda l: l != line and l.invoice_id.state in ("open", "paid"))
            billed = sum((-1 if l.invoice_id.type == "in_refund" else 1) *
                         l.uom_id._compute_quantity(l.quantity, purchase_line.uom_id, round=False) for l in others)
            billed += line.uom_id._compute_quantity(line.quantity, purchase_line.uom_id, round=False)
            if float_compare(billed, purchase_line.qty_received, precision_rounding=purchase_line.uom_id.rounding) > 0:
                uom = purchase_line.uom_id
                raise UserError(_(
                    "%s: %s would be billed but only %s were received on %s.") % (
                    line.product_id.display_name, format_qty(self.env, billed, uom),
                    format_qty(self.env, purchase_line.qty_received, uom), purchase_line.order_id.name))

    @api.multi
    def write(self, vals):
        res = super().write(vals)
        if vals.get("state") in ("paid", "cancel") or (vals.get("state") == "open" and self.env.context.get(
                "jxc_reopen")):
            customers = self.filtered(lambda i: i.type == "out_invoice").mapped("commercial_partner_id")
            if customers:
                # a customer's overdue warning and automatic hold follow its payments at once
                self.env["jxc.reorder.warning"].sudo()._refresh_overdue(customers.ids)
        return res

    @api.multi
    def action_invoice_re_open(self):
        return super(AccountInvoice, self.with_context(jxc_reopen=True)).action_invoice_re_open()

    @api.multi
    def invoice_validate(self):
        res = super().invoice_validate()
        self.filtered(lambda i: i.type in ("in_invoice", "in_refund"))._jxc_reconcile_grni()
        self.filtered(lambda i: i.type == "out_invoice")._jxc_apply_deposits()
        return res

    def _jxc_apply_deposits(self, payments=None):
        """Pay these open customer invoices with the deposits of their sales orders (or `payments`)
        not used yet, oldest first, as "Add" on an outstanding credit of the invoice does."""
        for invoice in self:
            # (the orders are found as the system: whoever validates the invoice may not read them)
            deposits = payments if payments is not None else invoice.sudo().invoice_line_ids.mapped(
                "jxc_sale_line_id.order_id.deposit_payment_ids").with_env(invoice.env)
            credits = deposits.filtered(lambda p: p.state in POSTED_PAYMENT_STATES)._jxc_receivable_lines()
            credits = credits.filtered(
                lambda l: l.account_id == invoice.account_id
                and l.partner_id.commercial_partner_id == invoice.commercial_partner_id)
            for credit in credits.sorted(lambda l: (l.date, l.id)):
                if invoice.state != "open" or invoice.currency_id.is_zero(invoice.residual):
                    break
                invoice.assign_outstanding_credit(credit.id)

    @api.multi
    def get_taxes_values(self):
        """Lines carrying a share of their order's discount (jxc_order_discount) are taxed on their
        amount less that share, as their sales order line was."""
        if not any(self.mapped("invoice_line_ids.jxc_order_discount")):
            return super().get_taxes_values()
        # account.invoice.get_taxes_values() (Odoo 11), with each line's taxed price from the line.
        tax_grouped = {}
        for line in self.invoice_line_ids:
            taxes = line.invoice_line_tax_ids.compute_all(
                line._jxc_taxed_price(), self.currency_id, line.quantity, line.product_id, self.partner_id)["taxes"]
            for tax in taxes:
                val = self._prepare_tax_line_vals(line, tax)
                key = self.env["account.tax"].browse(tax["id"]).get_grouping_key(val)
                if key not in tax_grouped:
                    tax_grouped[key] = val
                else:
                    tax_grouped[key]["amount"] += val["amount"]
                    tax_grouped[key]["base"] += val["base"]
        return tax_grouped

    def _jxc_reconcile_grni(self):
        """Match the bill's GRNI lines with the receipts' GRNI lines, product by product: a bill line with
        the receipt line of the same amount (a consolidated bill's line with its own receipt), what is
        left of the product together (partial bills, returns) as Odoo matches it, oldest first."""
        for invoice in self:
            grni = invoice.company_id.jxc_grni_account_id
            purchase_lines = invoice.invoice_line_ids.mapped("jxc_purchase_line_id")
            if not grni or not purchase_lines:
                continue
            receipts = purchase_lines.mapped("receipt_line_ids.picking_id").filtered(lambda p: p.state in ("done", "cancel"))
            candidates = (receipts.mapped("move_id") | receipts.mapped("reversal_move_id") | invoice.move_id).mapped(
                "line_ids").filtered(lambda l: l.account_id == grni and not l.reconciled)
            by_product = {}
            for line in candidates.sorted(lambda l: (l.date, l.id)):
                by_product.setdefault(line.product_id, []).append(line)
            # a cancelled receipt's line and its reversal are left to Odoo's matching, together
            pairable = receipts.filtered(lambda p: p.state == "done").mapped("move_id") if grni.reconcile else []
            pairs, groups = [], []
            for product in purchase_lines.mapped("product_id"):
                product_pairs, rest = invoice._jxc_grni_groups(by_product.get(product, []), pairable)
                pairs += product_pairs
                groups += [rest] if rest else []
            # Odoo recomputes the residuals, the entries' matched percentage and cash basis and the bill's
            # residual after each matching: once for the bill is enough. A pair is matched by its partial
            # reconciliation as Odoo's reconcile() would make it (its amount is the lines' whole balance,
            # so no residual is read while others wait to be recomputed); the pairs share one matching number.
            Partial = self.env["account.partial.reconcile"].with_context(skip_full_reconcile_check=True)
            with self.env.norecompute():
                for lines in groups:
                    lines.reconcile()
                for lines in pairs:
                    debit, credit = lines.sorted(lambda l: -l.balance)
                    Partial.create({"debit_move_id": debit.id, "credit_move_id": credit.id,
                                    "amount": debit.balance, "amount_currency": 0.0, "currency_id": False})
                if pairs:
                    paired = self.env["account.move.line"].concat(*pairs)
                    self.env["account.full.reconcile"].create({
                        "partial_reconcile_ids": [(6, 0, (paired.mapped("matched_debit_ids") |
                                                          paired.mapped("matched_credit_ids")).ids)],
                        "reconciled_line_ids": [(6, 0, paired.ids)]})
            self.recompute()

    def _jxc_grni_groups(self, lines, pairable):
        """(pairs, rest): the GRNI lines of one product (oldest first) to reconcile. Pairs: a line of this
        bill in the company currency and an untouched line of the opposite amount from a `pairable` entry
        (a consolidated bill's line and its own receipt).
        Rest: what is left, together, if it holds a line of this bill (partial bills, returns) or of a
        cancelled receipt (its line and its reversal)."""
        currency = self.company_id.currency_id
        Line = self.env["account.move.line"]
        untouched = {}
        for line in lines:
            if line.move_id in pairable and currency.is_zero(line.amount_residual - line.balance):
                untouched.setdefault(currency.round(line.amount_residual), []).append(line)
        pairs = []
        for line in lines:
            if line.move_id == self.move_id:
                # in a foreign currency, Odoo's matching settles the amount in that currency too
                match = not line.amount_currency and untouched.get(currency.round(-line.amount_residual))
                if match:
                    pairs.append(line | match.pop(0))
        paired = Line.concat(*pairs)
        rest = Line.concat(*[line for line in lines if line not in paired])
        if len(rest) > 1 and any(line.move_id == self.move_id or line.move_id not in pairable for line in rest):
            return pairs, rest
        return pairs, Line


class AccountInvoiceLine(models.Model):
    _inherit = "account.invoice.line"

    jxc_purchase_line_id = fields.Many2one("jxc.purchase.order.line", "Purchase Order Line", index=True,
                                           readonly=True, copy=False)
    jxc_sale_line_id = fields.Many2one("jxc.sale.order.line", "Sales Order Line", index=True,
                                       readonly=True, copy=False)
    jxc_grni_amount = fields.Monetary("GRNI Amount", currency_field="company_currency_id", readonly=True, copy=False,
                                      help="Value of the billed goods at their receipt cost, cleared from GRNI.")
    jxc_order_discount = fields.Monetary(
        "Order Discount Share", readonly=True,
        help="The share of the sales order's discount and 抹零 that this line carries: taken off its amount "
             "before taxes, as on the order line.")

    @api.depends("jxc_order_discount")
    def _compute_price(self):
        super()._compute_price()
        # Lines with a share of the order discount: the same computation on the price that is left.
        for line in self.filtered("jxc_order_discount"):
            invoice = line.invoice_id
            currency = invoice.currency_id or None
            price = line._jxc_taxed_price()
            taxes = False
            if line.invoice_line_tax_ids:
                taxes = line.invoice_line_tax_ids.compute_all(price, currency, line.quantity, product=line.product_id,
                                                              partner=invoice.partner_id)
            line.price_subtotal = subtotal_signed = taxes["total_excluded"] if taxes else line.quantity * price
            line.price_total = taxes["total_included"] if taxes else line.price_subtotal
            if invoice.currency_id and invoice.currency_id != invoice.company_id.currency_id:
                subtotal_signed = invoice.currency_id.with_context(date=invoice._get_currency_rate_date()).compute(
                    subtotal_signed, invoice.company_id.currency_id)
            line.price_subtotal_signed = subtotal_signed * (-1 if invoice.type in ("in_refund", "out_refund") else 1)

    def _jxc_taxed_price(self):
        """The unit price the line's taxes are computed on: after its discount and, spread over its
        quantity, its share of the order discount (exactly the amount left once rounded)."""
        price = self.price_unit * (1 - (self.discount or 0.0) / 100.0)
        if not self.jxc_order_discount or not self.quantity:
            return price
        currency = self.invoice_id.currency_id or self.company_id.currency_id
        base = round(price * self.quantity, currency.decimal_places) - self.jxc_order_discount
        return base / self.quantity

    def _jxc_grni_amount(self):
        """Receipt value of the billed quantity; the bill that completes the received quantity
        takes exactly what is left, so GRNI ends at zero."""
        purchase_line = self.jxc_purchase_line_id
        receipt_lines = purchase_line.receipt_line_ids.filtered(lambda l: l.picking_id.state == "done")
        currency = self.company_id.currency_id
        if self.invoice_id.type == "in_refund":
            # Credited goods went back at their receipt cost: clear what the returns put on GRNI.
            returns = receipt_lines.filtered(lambda l: l.picking_id.picking_type == "supplier_return")
            returned_qty = sum(l.uom_id._compute_quantity(l.quantity, purchase_line.uom_id, round=False) for l in returns)
            qty = self.uom_id._compute_quantity(self.quantity, purchase_line.uom_id, round=False)
            return currency.round(sum(returns.mapped("value")) * qty / returned_qty) if returned_qty else 0.0
        sign = {"receipt": 1, "supplier_return": -1}
        received_value = sum(sign.get(l.picking_id.picking_type, 0) * l.value for l in receipt_lines)
        received_qty = purchase_line.qty_received
        others = purchase_line.invoice_line_ids.filtered(
            lambda l: l != self and l.invoice_id.state in ("open", "paid") and l.invoice_id.type == "in_invoice")
        billed_before = sum(others.mapped("jxc_grni_amount"))
        qty = self.uom_id._compute_quantity(self.quantity, purchase_line.uom_id, round=False)
        qty_before = sum(l.uom_id._compute_quantity(l.quantity, purchase_line.uom_id, round=False) for l in others)
        if received_qty and currency.round(qty_before + qty - received_qty) >= 0:
            return currency.round(received_value - billed_before)
        return currency.round(received_value * qty / received_qty) if received_qty else 0.0
