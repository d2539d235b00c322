from datetime import timedelta

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_compare, float_is_zero
from odoo.addons import decimal_precision as dp

from ..lib.formatting import format_amount
from ..lib.margin import line_margin
from ..lib.order_discount import order_target, spread_reduction
from .jxc_guarded_mixin import check_groups, set_creator

SALE_STATES = [
    ("quotation", "Quotation"),
    ("confirmed", "Sales Order"),
    ("done", "Locked"),
    ("cancel", "Cancelled"),
]
DELIVERY_STATUSES = [("none", "Nothing Delivered"), ("partial", "Partially Delivered"), ("full", "Fully Delivered")]
INVOICE_STATUSES = [("none", "Nothing Invoiced"), ("partial", "Partially Invoiced"), ("full", "Fully Invoiced")]
PAYMENT_STATUSES = [("none", "Not Paid"), ("partial", "Partially Paid"), ("paid", "Paid")]
# 抹零: the total (taxes included) rounded down after the order discount.
TOTAL_ROUNDINGS = [("none", "No Rounding"), ("yuan", "Down to the Yuan"), ("ten", "Down to Ten Yuan")]
# States of a posted payment (Odoo 11 account.payment).
POSTED_PAYMENT_STATES = ("posted", "sent", "reconciled")


class JxcSaleOrder(models.Model):
    """报价单 → 销售订单"""
    _name = "jxc.sale.order"
    _description = "Sales Order"
    _inherit = ["jxc.guarded.mixin", "mail.thread", "jxc.field.access.mixin"]
    _order = "date_order desc, id desc"
    # jxc.guarded.mixin: confirmed orders keep their customer, warehouse and prices (the
    # reservation and the credit check were made on them); states and overrides come from buttons.
    _jxc_draft_states = ("quotation",)
    _jxc_control_fields = ("state", "credit_override_reason", "price_override_reason")
    _jxc_frozen_fields = ("partner_id", "warehouse_id", "pricelist_id", "currency_id", "company_id", "date_order",
                          "discount_percent", "discount_amount", "total_rounding")
    _jxc_unlink_states = ("quotation", "cancel")

    name = fields.Char("Number", required=True, copy=False, readonly=True, index=True, default=lambda self: _("New"))
    state = fields.Selection(SALE_STATES, default="quotation", required=True, copy=False, index=True,
                             readonly=True, track_visibility="onchange")
    partner_id = fields.Many2one("res.partner", "Customer", required=True, index=True, readonly=True,
                                 states={"quotation": [("readonly", False)]}, track_visibility="onchange",
                                 domain=[("customer", "=", True)])
    user_id = fields.Many2one("res.users", "Salesperson", default=lambda self: self.env.user, index=True,
                              track_visibility="onchange")
    date_order = fields.Date("Order Date", required=True, default=fields.Date.context_today, readonly=True,
                             states={"quotation": [("readonly", False)]})
    warehouse_id = fields.Many2one(
        "jxc.warehouse", "Ship From", required=True, readonly=True, states={"quotation": [("readonly", False)]},
        default=lambda self: self.env["jxc.warehouse"]._jxc_default_warehouse(),
        domain=lambda self: self.env["jxc.warehouse"]._jxc_warehouse_choices())
    pricelist_id = fields.Many2one("product.pricelist", "Pricelist", readonly=True,
                                   states={"quotation": [("readonly", False)]})
    currency_id = fields.Many2one("res.currency", required=True, readonly=True,
                                  default=lambda self: self.env.user.company_id.currency_id)
    payment_term_id = fields.Many2one("account.payment.term", "Payment Terms")
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True,
                                 default=lambda self: self.env.user.company_id)
    line_ids = fields.One2many("jxc.sale.order.line", "order_id", "Lines", copy=True, readonly=True,
                               states={"quotation": [("readonly", False)]})
    picking_ids = fields.One2many("jxc.stock.picking", "sale_id", "Deliveries", readonly=True)
    picking_count = fields.Integer(compute="_compute_picking_count")
    discount_percent = fields.Float(
        "Order Discount (%)", digits=dp.get_precision("Discount"), readonly=True,
        states={"quotation": [("readonly", False)]},
        help="整单折扣: taken off the order's total (taxes included), spread over the lines in proportion "
             "to their amounts.")
    discount_amount = fields.Monetary(
        "Order Discount Amount", readonly=True, states={"quotation": [("readonly", False)]},
        help="Taken off the total (taxes included) after the percentage, spread over the lines.")
    total_rounding = fields.Selection(
        TOTAL_ROUNDINGS, "Round Total (抹零)", default="none", required=True, readonly=True,
        states={"quotation": [("readonly", False)]},
        help="Round the total (taxes included) down to the yuan or to ten yuan after the order discount; "
             "what is taken off is spread over the lines.")
    amount_before_discount = fields.Monetary(
        "Total before Order Discount", compute="_compute_amounts", store=True, compute_sudo=True)
    amount_order_discount = fields.Monetary(
        "Order Discount", compute="_compute_amounts", store=True, compute_sudo=True,
        help="What the order discount and 抹零 take off the total (taxes included).")
    amount_untaxed = fields.Monetary("Untaxed", compute="_compute_amounts", store=True, compute_sudo=True)
    amount_tax = fields.Monetary("Taxes", compute="_compute_amounts", store=True, compute_sudo=True)
    amount_total = fields.Monetary("Total", compute="_compute_amounts", store=True, compute_sudo=True)
    margin = fields.Monetary(compute="_compute_amounts", store=True, compute_sudo=True,
                             groups="jxc_addon.group_jxc_manager")
    delivery_status = fields.Selection(DELIVERY_STATUSES, compute="_compute_statuses", store=True)
    invoice_status = fields.Selection(INVOICE_STATUSES, compute="_compute_statuses", store=True)
    payment_status = fields.Selection(PAYMENT_STATUSES, compute="_compute_payments",
                                      help="From the deposits of the order, its invoices and their payments.")
    deposit_payment_ids = fields.One2many("account.payment", "jxc_sale_id", "Deposit Payments", readonly=True,
                                          groups="account.group_account_invoice")
    amount_deposit = fields.Monetary(
        "Deposits", compute="_compute_payments",
        help="订金/预收: customer payments registered on the order (posted), in the order's currency.")
    amount_paid = fields.Monetary(
        "Paid", compute="_compute_payments",
        help="What the customer paid on the order: deposits not yet used on other invoices and the payments "
             "of its invoices, less money paid back on its credit notes.")
    amount_to_pay = fields.Monetary(
        "To Pay", compute="_compute_payments",
        help="The order's total less its credit notes and what was paid.")
    credit_override_reason = fields.Text("Credit Override Reason", readonly=True, copy=False,
                                         track_visibility="onchange")
    credit_blocked = fields.Boolean(
        "Refused by Credit Control", compute="_compute_credit_blocked",
        help="The credit control refuses to confirm this quotation: a 进销存 Manager may override it.")
    price_override_reason = fields.Text(
        "Price Approval Reason", readonly=True, copy=False, track_visibility="onchange",
        help="Why a 进销存 Manager let lines below their minimum sale price through; withdrawn when the "
             "lines or the order discount change.")
    price_blocked = fields.Boolean(
        "Below Minimum Price", compute="_compute_price_blocked",
        help="Lines of this quotation sell below their minimum sale price: a 进销存 Manager must approve them.")
    note = fields.Text()

    @api.depends("line_ids.price_subtotal", "line_ids.price_tax", "line_ids.margin",
                 "line_ids.order_discount_amount")
    def _compute_amounts(self):
        for order in self:
            order.amount_untaxed = sum(order.line_ids.mapped("price_subtotal"))
            order.amount_tax = sum(order.line_ids.mapped("price_tax"))
            order.amount_total = order.amount_untaxed + order.amount_tax
            order.margin = sum(order.line_ids.sudo().mapped("margin"))
            before = order.amount_total
            if any(order.line_ids.mapped("order_discount_amount")):
                before = order._jxc_total_before(order.line_ids)
            order.amount_before_discount = before
            order.amount_order_discount = order.currency_id.round(before - order.amount_total) \
                if order.currency_id else before - order.amount_total

    def _jxc_discounted(self):
        return bool(self.discount_percent or self.discount_amount or self.total_rounding not in (False, "none"))

    def _jxc_currency(self):
        return self.currency_id or self.company_id.currency_id or self.env.user.company_id.currency_id

    def _jxc_total_before(self, lines):
        """The total with taxes of `lines` of the order before the order discount."""
        return self._jxc_currency().round(sum(line._jxc_taxes(line._jxc_base())["total_included"] for line in lines))

    def _jxc_line_amounts(self, lines):
        """{line: its amounts} for `lines` of the order, the order discount and 抹零 spread over them
        (lib/order_discount.py). A line's share lowers its base (price × quantity after its own
        discount); its taxes are computed on what is left, as an invoice line carrying the same share
        computes them."""
        currency = self._jxc_currency()
        lines = list(lines)
        bases = [line._jxc_base() for line in lines]
        undiscounted = [line._jxc_taxes(base) for line, base in zip(lines, bases)]
        before = sum(taxes["total_included"] for taxes in undiscounted)

        def total_of(index, base):
            return lines[index]._jxc_taxes(base, bases[index])["total_included"]
        new_bases = bases
        if self._jxc_discounted() and lines:
            target = order_target(before, self.discount_percent, self.discount_amount, self.total_rounding,
                                  currency.rounding)
            new_bases = spread_reduction(bases, total_of, target, currency.rounding)[0]
        amounts = {}
        for line, base0, base, taxes0 in zip(lines, bases, new_bases, undiscounted):
            taxes = taxes0 if base == base0 else line._jxc_taxes(base, base0)
            qty = line.product_qty
            amounts[line] = {
                "price_subtotal": taxes["total_excluded"],
                "price_tax": taxes["total_included"] - taxes["total_excluded"],
                "order_discount_amount": currency.round(base0 - base),
                "price_net": base / qty if qty else line._jxc_price_reduced(),
            }
        return amounts

    @api.depends("line_ids.qty_delivered", "line_ids.qty_invoiced", "line_ids.product_qty")
    def _compute_statuses(self):
        for order in self:
            lines = order.line_ids
            order.delivery_status = ("full" if lines and all(l.qty_delivered >= l.product_qty for l in lines)
                                     else "partial" if any(lines.mapped("qty_delivered")) else "none")
            order.invoice_status = ("full" if lines and all(l.qty_invoiced >= l.product_qty for l in lines)
                                    else "partial" if any(lines.mapped("qty_invoiced")) else "none")

    @api.multi
    def _compute_payments(self):
        # Read as the system: salesmen see what was paid, not the payments and invoices themselves.
        for order, system in zip(self, self.sudo()):
            currency = order.currency_id
            paid = credited = deposits = 0.0
            invoices = system.line_ids.mapped("invoice_line_ids.invoice_id").filtered(
                lambda i: i.state in ("open", "paid"))
            for invoice in invoices:
                sign = -1 if invoice.type == "out_refund" else 1
                paid += sign * invoice.currency_id.compute(invoice.amount_total - invoice.residual, currency)
                if invoice.type == "out_refund":
                    credited += invoice.currency_id.compute(invoice.amount_total, currency)
            for payment in system.deposit_payment_ids.filtered(lambda p: p.state in POSTED_PAYMENT_STATES):
                deposits += payment.currency_id.with_context(date=payment.payment_date).compute(
                    payment.amount, currency)
                # what is left of the deposit, not yet used on an invoice
                for line in payment._jxc_receivable_lines():
                    if line.currency_id == currency:
                        paid -= line.amount_residual_currency
                    else:
                        paid -= line.company_id.currency_id.with_context(date=payment.payment_date).compute(
                            line.amount_residual, currency)
            order.amount_deposit = currency.round(deposits)
            order.amount_paid = currency.round(paid)
            order.amount_to_pay = 0.0 if order.state == "cancel" else currency.round(
                order.amount_total - credited - paid)
            if currency.is_zero(order.amount_paid) or currency.compare_amounts(order.amount_paid, 0.0) < 0:
                order.payment_status = "none"
            elif order.state != "quotation" and currency.compare_amounts(order.amount_to_pay, 0.0) <= 0:
                order.payment_status = "paid"
            else:
                order.payment_status = "partial"

    @api.multi
    def _compute_picking_count(self):
        for order in self:
            order.picking_count = len(order.picking_ids)

    # (non-stored: its dependencies name what the stored net prices are computed from, so that a
    # change invalidates it at once)
    @api.depends("state", "price_override_reason", "discount_percent", "discount_amount", "total_rounding",
                 "line_ids.below_min_price", "line_ids.price_unit", "line_ids.discount", "line_ids.product_qty",
                 "line_ids.product_id", "line_ids.uom_id", "line_ids.tax_ids")
    def _compute_price_blocked(self):
        for order in self:
            order.price_blocked = bool(order.state == "quotation" and order._price_problem())

    @api.depends("state", "credit_override_reason")
    def _compute_credit_blocked(self):
        for order in self:
            order.credit_blocked = bool(order.state == "quotation" and order.partner_id
                                        and order._credit_problem(order.amount_total))

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        partner = self.partner_id.commercial_partner_id
        if partner:
            self.pricelist_id = partner._jxc_sale_pricelist(self.company_id)
            self.payment_term_id = partner.property_payment_term_id

    @api.onchange("pricelist_id")
    def _onchange_pricelist_id(self):
        if self.pricelist_id:
            self.currency_id = self.pricelist_id.currency_id

    @api.model
    def create(self, vals):
        if vals.get("name", "/") in ("/", _("New")):
            vals["name"] = self.env["ir.sequence"].next_by_code("jxc.sale.order") or "/"
        if vals.get("partner_id") and "pricelist_id" not in vals:
            # The customer's price level, as the form proposes it (for orders made over XML-RPC).
            company = self.env["res.company"].browse(vals.get("company_id")) or self.env.user.company_id
            pricelist = self.env["res.partner"].browse(vals["partner_id"])._jxc_sale_pricelist(company)
            if pricelist and pricelist.currency_id == (
                    self.env["res.currency"].browse(vals.get("currency_id")) or company.currency_id):
                vals["pricelist_id"] = pricelist.id
        return super().create(vals)

    @api.multi
    def write(self, vals):
        res = super().write(vals)
        if "warehouse_id" in vals:
            # Record rules are checked before a write: the new warehouse must be one of the user's too.
            self.check_access_rule("write")
        if {"discount_percent", "discount_amount", "total_rounding", "line_ids"}.intersection(vals):
            self._jxc_withdraw_price_approval()
        return res

    def _jxc_withdraw_price_approval(self):
        """A Manager approved the prices as they were: a change of the lines or of the order
        discount withdraws his approval."""
        approved = self.filtered(lambda o: o.state == "quotation" and o.price_override_reason)
        if approved:
            approved._write_state({"price_override_reason": False})

    # ------------------------------------------------------------------ buttons
    @api.multi
    def button_confirm(self):
        """Confirm and reserve; refused when stock is short (see button_confirm_backorder)."""
        return self._confirm(partial=False)

    @api.multi
    def button_confirm_backorder(self):
        """Confirm, reserving what is available; the rest is delivered when it arrives."""
        return self._confirm(partial=True)

    def _confirm(self, partial):
        self.env["jxc.stock.posting"]._take_replay_locks_first()
        # Reservations are written in SQL: check the caller may change the orders first.
        self.check_access_rights("write")
        self.check_access_rule("write")
        for order in self:
            if order.state != "quotation":
                raise UserError(_("Only a quotation can be confirmed."))
            if not order.line_ids:
                raise UserError(_("Add the goods sold before confirming %s.") % order.name)
            order.line_ids.mapped("product_id")._jxc_check_active(order.name)
            bad = order.line_ids.filtered(
                lambda l: float_compare(l.product_qty, 0, precision_rounding=l.uom_id.rounding) <= 0
                or l.price_unit < 0 or not 0 <= l.discount <= 100)
            if bad:
                raise UserError(_("Quantities must be positive, prices not negative and discounts "
                                  "between 0 and 100 (%s).") % bad[0].product_id.display_name)
            order._check_order_discount()
            order._check_min_prices()
            order._check_credit(order.amount_total)
            order.line_ids._reserve(partial)
            order._write_state({"state": "confirmed"})
            if order.company_id.jxc_stock_docs_at_confirm:
                # The keeper finds the delivery among the deliveries to do.
                order._create_delivery()
        return True

    @api.multi
    def button_cancel(self):
        # Reservations are released in SQL and the drafts cancelled under sudo: check the caller.
        self.env["jxc.stock.posting"]._take_replay_locks_first()
        self.check_access_rights("write")
        self.check_access_rule("write")
        for order in self:
            if order.state not in ("quotation", "confirmed"):
                raise UserError(_("Only a quotation or a sales order in progress can be cancelled (%s).")
                                % order.name)
            if any(order.line_ids.mapped("qty_delivered")) or any(order.line_ids.mapped("qty_invoiced")):
                raise UserError(_("%s has delivered or invoiced goods: it cannot be cancelled.") % order.name)
            order.line_ids._release()
        # Salesmen may not change stock documents: the order's drafts are cancelled for them.
        self.sudo().mapped("picking_ids").filtered(lambda p: p.state == "draft").button_cancel()
        return self._write_state({"state": "cancel"})

    @api.multi
    def button_draft(self):
        self._jxc_check_button()
        if self.filtered(lambda o: o.state != "cancel"):
            raise UserError(_("Only a cancelled order can go back to quotation."))
        return self._write_state({"state": "quotation"})

    @api.multi
    def button_done(self):
        """Lock: what was not delivered is no longer reserved."""
        # Reservations are released in SQL: check the caller first.
        self._jxc_check_button()
        if self.filtered(lambda o: o.state != "confirmed"):
            raise UserError(_("Only a sales order in progress can be locked."))
        self.mapped("line_ids")._release()
        return self._write_state({"state": "done"})

    @api.multi
    def action_credit_override(self, reason):
        """A Manager lets a blocked customer through; the reason stays in the chatter."""
        self.ensure_one()
        self._check_credit_override_right()
        if not (reason or "").strip():
            raise UserError(_("Give the reason of the credit override."))
        self._write_state({"credit_override_reason": reason})
        self.message_post(body=_("Credit control overridden by %s: %s") % (self.env.user.name, reason))
        return True

    @api.multi
    def action_open_credit_override(self):
        """The wizard in which a Manager gives the reason, then confirms the quotation."""
        self.ensure_one()
        self._check_credit_override_right()
        return self.env["jxc.credit.override.wizard"]._action_open({"default_sale_id": self.id})

    def _check_credit_override_right(self):
        if self.env.uid != SUPERUSER_ID and not self.env.user.has_group("jxc_addon.group_jxc_manager"):
            raise AccessError(_("Only a 进销存 Manager may override the credit control."))

    @api.multi
    def action_price_override(self, reason):
        """A Manager lets lines below their minimum sale price through; the reason stays in the chatter."""
        self.ensure_one()
        self._check_price_override_right()
        if not (reason or "").strip():
            raise UserError(_("Give the reason for selling below the minimum price."))
        if self.state != "quotation":
            raise UserError(_("Only the prices of a quotation can be approved."))
        problem = self._price_problem(approved_too=True)
        self._write_state({"price_override_reason": reason})
        self.message_post(body=_("Prices below the minimum approved by %s: %s (%s)") % (
            self.env.user.name, reason, problem or _("no line below its minimum")))
        return True

    @api.multi
    def action_open_price_override(self):
        """The wizard in which a Manager gives the reason, then confirms the quotation."""
        self.ensure_one()
        self._check_price_override_right()
        return self.env["jxc.credit.override.wizard"]._action_open(
            {"default_sale_id": self.id}, name=_("Approve Prices below the Minimum"))

    def _check_price_override_right(self):
        if self.env.uid != SUPERUSER_ID and not self.env.user.has_group("jxc_addon.group_jxc_manager"):
            raise AccessError(_("Only a 进销存 Manager may approve prices below the minimum sale price."))

    @api.multi
    def action_register_deposit(self):
        """订金/预收: a customer payment registered on the order, before delivery or invoice. Its form
        opens with the order, customer and amount to pay filled in; once posted, the credit control
        counts it and the order's invoices are paid with it as soon as they are validated."""
        self.ensure_one()
        check_groups(self.env, "account.group_account_invoice", _("register deposits"))
        if self.state not in ("quotation", "confirmed"):
            raise UserError(_("Deposits are registered on quotations and sales orders in progress (%s).")
                            % self.name)
        return {
            "type": "ir.actions.act_window", "name": _("Register Deposit"), "res_model": "account.payment",
            "view_mode": "form", "views": [(self.env.ref("account.view_account_payment_form").id, "form")],
            "target": "current",
            "context": {
                "default_payment_type": "inbound", "default_partner_type": "customer",
                "default_partner_id": self.partner_id.commercial_partner_id.id,
                "default_amount": max(self.amount_to_pay, 0.0), "default_currency_id": self.currency_id.id,
                "default_communication": self.name, "default_jxc_sale_id": self.id,
            },
        }

    def _jxc_open_invoices(self):
        """The customer invoices of these orders still to be paid."""
        return self.sudo().mapped("line_ids.invoice_line_ids.invoice_id").filtered(
            lambda i: i.type == "out_invoice" and i.state == "open").with_env(self.env)

    @api.multi
    def action_view_deposits(self):
        self.ensure_one()
        action = self.env.ref("account.action_account_payments").read()[0]
        action["domain"] = [("jxc_sale_id", "=", self.id)]
        action["context"] = {"default_jxc_sale_id": self.id, "default_payment_type": "inbound",
                             "default_partner_type": "customer",
                             "default_partner_id": self.partner_id.commercial_partner_id.id,
                             "default_communication": self.name}
        return action

    @api.multi
    def action_deliver(self):
        """Open the draft delivery of what remains to deliver; make one if none is open."""
        self.ensure_one()
        if self.state != "confirmed":
            raise UserError(_("Confirm %s before delivering it.") % self.name)
        self._check_can_prepare_picking()
        open_delivery = self.picking_ids.filtered(lambda p: p.state == "draft" and p.picking_type == "delivery")
        if open_delivery:
            return open_delivery[0]._action_open_form()
        picking = self._create_delivery()
        if not picking:
            raise UserError(_("Everything on %s has been delivered.") % self.name)
        return picking._action_open_form()

    def _check_can_prepare_picking(self):
        """Deliveries are made under sudo (salesmen may not create stock documents): the caller
        must be someone who may change the order, or make stock documents himself."""
        if not self.env["jxc.stock.picking"].check_access_rights("create", raise_exception=False):
            self.check_access_rights("write")
            self.check_access_rule("write")

    def _create_delivery(self):
        """The draft delivery of what remains to deliver, all lines in one create (none when
        nothing remains). The caller was checked; he is its responsible."""
        lines = [(0, 0, vals) for vals in (l._prepare_delivery_line() for l in self.line_ids) if vals]
        if not lines:
            return self.env["jxc.stock.picking"]
        picking = self.env["jxc.stock.picking"].sudo().with_context(mail_create_nosubscribe=True).create(
            self._prepare_delivery(lines))
        set_creator(picking, self.env.uid, "line_ids")
        return self.env["jxc.stock.picking"].browse(picking.id)

    def _prepare_delivery(self, lines):
        return {"picking_type": "delivery", "warehouse_id": self.warehouse_id.id, "partner_id": self.partner_id.id,
                "sale_id": self.id, "origin": self.name, "company_id": self.company_id.id,
                "user_id": self.env.uid, "line_ids": lines}

    @api.multi
    def action_create_invoice(self):
        """A customer invoice for what was delivered and not yet invoiced."""
        self.ensure_one()
        lines = [(0, 0, vals) for vals in (l._prepare_invoice_line() for l in self.line_ids) if vals]
        if not lines:
            raise UserError(_("Nothing on %s is left to invoice.") % self.name)
        return self._create_customer_document("out_invoice", lines)

    @api.multi
    def action_create_refund(self):
        """A credit note for goods the customer returned after they were invoiced."""
        self.ensure_one()
        lines = [(0, 0, vals) for vals in (l._prepare_refund_line() for l in self.line_ids) if vals]
        if not lines:
            raise UserError(_("No returned goods of %s are invoiced: there is nothing to credit.") % self.name)
        return self._create_customer_document("out_refund", lines)

    def _create_customer_document(self, invoice_type, lines):
        return self.env["account.invoice"]._jxc_create_draft("sale", {
            "type": invoice_type, "partner_id": self.partner_id.id, "currency_id": self.currency_id.id,
            "company_id": self.company_id.id, "origin": self.name, "user_id": self.user_id.id,
            "payment_term_id": self.payment_term_id.id, "invoice_line_ids": lines,
        }, "account.invoice_form")

    @api.multi
    def action_view_deliveries(self):
        action = self.env.ref("jxc_addon.jxc_stock_picking_action_delivery").read()[0]
        action["domain"] = [("sale_id", "in", self.ids)]
        return action

    # ------------------------------------------------------------------ order discount and prices
    def _check_order_discount(self):
        if not 0 <= self.discount_percent <= 100 or self.discount_amount < 0:
            raise UserError(_("The order discount of %s must be between 0 and 100%% and its amount not "
                              "negative.") % self.name)
        if self._jxc_discounted() and self.currency_id.compare_amounts(
                self.discount_amount, self.amount_before_discount) > 0:
            raise UserError(_("The order discount amount of %s is more than its total.") % self.name)

    def _check_min_prices(self):
        """Lines below their minimum sale price need a Manager's approval."""
        problem = self._price_problem()
        if problem:
            raise UserError(problem)

    def _price_problem(self, approved_too=False):
        """Why the minimum prices refuse this order (its lines below the minimum), or None."""
        if self.price_override_reason and not approved_too:
            return None
        below = self.line_ids.filtered("below_min_price")
        if not below:
            return None
        return _("%(order)s sells below the minimum sale price: %(lines)s. A 进销存 Manager may approve it.") % {
            "order": self.name, "lines": "; ".join(
                _("%(product)s at %(price)s (minimum %(minimum)s)") % {
                    "product": line.product_id.display_name,
                    "price": format_amount(self.env, line.price_net, self.currency_id),
                    "minimum": format_amount(self.env, line.min_price, self.currency_id)}
                for line in below)}

    # ------------------------------------------------------------------ credit control
    def _check_credit(self, amount):
        """Refuse when the customer is on hold, has an invoice overdue by more than its credit days,
        or would owe more than its credit limit; a Manager's recorded override lets it through."""
        problem = self._credit_problem(amount)
        if problem:
            raise UserError(problem)

    def _credit_problem(self, amount):
        """Why the credit control refuses `amount` (in the order currency) more, or None."""
        if self.credit_override_reason:
            return None
        partner = self.partner_id.commercial_partner_id.sudo()
        if partner.jxc_on_hold:
            return (_("%s is on hold: no confirmation or delivery until a Manager overrides it.")
                    % partner.display_name)
        today = fields.Date.from_string(fields.Date.context_today(self))
        # late by more than the credit days = due before today - credit days
        too_late = self.env["account.invoice"].sudo().search([
            ("commercial_partner_id", "=", partner.id), ("type", "=", "out_invoice"), ("state", "=", "open"),
            ("date_due", "<", fields.Date.to_string(today)),
            ("date_due", "<", fields.Date.to_string(today - timedelta(days=partner.jxc_credit_days)))], limit=1)
        if too_late:
            late = (today - fields.Date.from_string(too_late.date_due)).days
            return (_("%s has invoice %s overdue by %s days (credit days: %s).")
                    % (partner.display_name, too_late.number, late, partner.jxc_credit_days))
        if partner.credit_limit:
            currency = self.company_id.currency_id
            if self.currency_id and self.currency_id != currency:
                amount = self.currency_id.compute(amount, currency)
            exposure = partner.credit + amount
            if float_compare(exposure, partner.credit_limit, precision_rounding=currency.rounding) > 0:
                return (_("%s would owe %s, above its credit limit of %s.")
                        % (partner.display_name, format_amount(self.env, exposure, currency),
                           format_amount(self.env, partner.credit_limit, currency)))
        return None


class JxcSaleOrderLine(models.Model):
    _name = "jxc.sale.order.line"
    _description = "Sales Order Line"
    _inherit = ["jxc.guarded.mixin", "jxc.field.access.mixin", "jxc.last.price.mixin"]
    _order = "order_id, sequence, id"
    # jxc.guarded.mixin: a line changes only while its order is a quotation (reserved quantities and
    # delivered, invoiced progress are the system's, written by SQL and stored computes).
    _jxc_parent_field = "order_id"
    # jxc.last.price.mixin: the customer's last net price (上次售价)
    _jxc_last_price_tables = ("jxc_sale_order_line", "jxc_sale_order")
    _jxc_last_price_sql = "COALESCE(l.price_net, l.price_unit * (1 - COALESCE(l.discount, 0) / 100))"
    _jxc_draft_states = ("quotation",)
    _jxc_control_fields = ("state", "qty_reserved")

    order_id = fields.Many2one("jxc.sale.order", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    state = fields.Selection(related="order_id.state", readonly=True)
    currency_id = fields.Many2one(related="order_id.currency_id", readonly=True)
    company_id = fields.Many2one(related="order_id.company_id", store=True, readonly=True)
    user_id = fields.Many2one(related="order_id.user_id", store=True, readonly=True)
    partner_id = fields.Many2one(related="order_id.partner_id", store=True, readonly=True)
    date_order = fields.Date(related="order_id.date_order", store=True, readonly=True)
    product_id = fields.Many2one("product.product", required=True,
                                 domain=[("sale_ok", "=", True), ("active", "=", True)])
    name = fields.Char("Description")
    uom_id = fields.Many2one("product.uom", "Unit", required=True)
    product_qty = fields.Float("Quantity", digits=dp.get_precision("Product Unit of Measure"), required=True, default=1.0)
    price_unit = fields.Float("Unit Price", digits=dp.get_precision("Product Price"), required=True)
    discount = fields.Float("Discount (%)", digits=dp.get_precision("Discount"))
    tax_ids = fields.Many2many("account.tax", string="Taxes", domain=[("type_tax_use", "=", "sale")])
    price_subtotal = fields.Monetary(compute="_compute_amount", store=True, compute_sudo=True)
    price_tax = fields.Monetary(compute="_compute_amount", store=True, compute_sudo=True)
    order_discount_amount = fields.Monetary(
        "Order Discount Share", compute="_compute_amount", store=True, compute_sudo=True,
        help="The line's share of the order discount and 抹零, taken off its amount before taxes are "
             "computed (in the tax convention of its price); its invoices carry it too.")
    price_net = fields.Float(
        "Net Price", compute="_compute_amount", store=True, compute_sudo=True,
        digits=dp.get_precision("Product Price"),
        help="Unit price after the line's discount and its share of the order discount, in the line's unit.")
    min_price = fields.Float(
        "Minimum Price", compute="_compute_min_price", digits=dp.get_precision("Product Price"),
        help="最低售价 of the product in the line's unit and the order's currency.")
    below_min_price = fields.Boolean("Below Minimum", compute="_compute_min_price")
    last_price = fields.Float(
        "Last Sale Price", compute="_compute_last_price", digits=dp.get_precision("Product Price"),
        help="上次售价: the net price of this product on the customer's latest confirmed order (other than "
             "this one), in the line's unit.")
    last_price_date = fields.Date("Last Sold on", compute="_compute_last_price")
    last_price_order = fields.Char("Last Sale Order", compute="_compute_last_price")
    margin = fields.Monetary(
        compute="_compute_margin", store=True, compute_sudo=True, groups="jxc_addon.group_jxc_manager",
        help="Untaxed revenue of the goods the customer kept (delivered minus returned, at the net "
             "price) minus their cost (deliveries net of customer returns, from the stock ledger).")
    qty_reserved = fields.Float("Reserved", digits=dp.get_precision("Product Unit of Measure"), readonly=True, copy=False)
    qty_available = fields.Float(
        "Available", compute="_compute_qty_available", digits=dp.get_precision("Product Unit of Measure"),
        help="On hand minus reserved in the order's warehouse, in the line's unit.")
    qty_delivered = fields.Float("Delivered", compute="_compute_quantities", store=True,
                                 digits=dp.get_precision("Product Unit of Measure"))
    qty_returned = fields.Float("Returned", compute="_compute_quantities", store=True,
                                digits=dp.get_precision("Product Unit of Measure"))
    qty_invoiced = fields.Float("Invoiced", compute="_compute_invoiced", store=True,
                                digits=dp.get_precision("Product Unit of Measure"))
    delivery_line_ids = fields.One2many("jxc.stock.picking.line", "sale_line_id", readonly=True)
    invoice_line_ids = fields.One2many("account.invoice.line", "jxc_sale_line_id", readonly=True)

    @api.depends("product_qty", "price_unit", "discount", "tax_ids", "order_id.discount_percent",
                 "order_id.discount_amount", "order_id.total_rounding", "order_id.line_ids.product_qty",
                 "order_id.line_ids.price_unit", "order_id.line_ids.discount", "order_id.line_ids.tax_ids")
    def _compute_amount(self):
        # The order discount is spread over all the lines of an order: computed order by order.
        by_order = {}
        for line in self:
            by_order.setdefault(line.order_id, []).append(line)
        for order, lines in by_order.items():
            if not order:
                continue
            lines = self.browse().concat(*lines)
            amounts = order._jxc_line_amounts(order.line_ids | lines)
            for line in lines:
                line.update(amounts[line])
        for line in self.filtered(lambda line: not line.order_id):
            taxes = line._jxc_taxes(line._jxc_base())
            line.update({"price_subtotal": taxes["total_excluded"], "order_discount_amount": 0.0,
                         "price_tax": taxes["total_included"] - taxes["total_excluded"],
                         "price_net": line._jxc_price_reduced()})

    def _jxc_price_reduced(self):
        return self.price_unit * (1 - (self.discount or 0.0) / 100.0)

    def _jxc_base(self):
        """Price × quantity after the line's discount, rounded as account.tax.compute_all rounds it."""
        currency = self.currency_id or self.env.user.company_id.currency_id
        return round(self._jxc_price_reduced() * self.product_qty, currency.decimal_places)

    def _jxc_taxes(self, base, base_before=None):
        """account.tax.compute_all() of the line for `base` (its base after its share of the order
        discount): as for a price of base / quantity, so that fixed taxes still count the quantity."""
        qty = self.product_qty
        price = self._jxc_price_reduced() if base_before is None or base == base_before or not qty else base / qty
        return self.tax_ids.compute_all(price, self.currency_id or None, qty, product=self.product_id,
                                        partner=self.order_id.partner_id)

    @api.depends("product_id", "uom_id", "price_net", "price_unit", "discount", "product_qty", "tax_ids",
                 "order_id.currency_id", "order_id.date_order", "order_id.discount_percent",
                 "order_id.discount_amount", "order_id.total_rounding", "order_id.line_ids.price_unit",
                 "order_id.line_ids.product_qty", "order_id.line_ids.discount", "order_id.line_ids.tax_ids")
    def _compute_min_price(self):
        digits = self.env["decimal.precision"].precision_get("Product Price")
        for line in self:
            minimum = line.product_id.jxc_min_sale_price
            if minimum and line.uom_id and line.uom_id.category_id == line.product_id.uom_id.category_id:
                minimum = line.product_id.uom_id._compute_price(minimum, line.uom_id)
                company_currency = line.order_id.company_id.currency_id
                if line.currency_id and company_currency and line.currency_id != company_currency:
                    minimum = company_currency.with_context(date=line.order_id.date_order).compute(
                        minimum, line.currency_id, round=False)
            else:
                minimum = 0.0
            line.min_price = minimum
            line.below_min_price = bool(minimum and line.product_qty > 0 and float_compare(
                line.price_net, minimum, precision_digits=digits) < 0)

    @api.depends("product_id", "uom_id", "order_id.partner_id", "order_id.currency_id")
    def _compute_last_price(self):
        # Read as the system: the customer's last price counts whichever salesman sold.
        found = self._jxc_last_prices()
        for line in self:
            line.last_price, line.last_price_date, line.last_price_order = line._jxc_last_price_of(found)

    @api.depends("price_subtotal", "product_qty", "qty_delivered", "qty_returned",
                 "delivery_line_ids.picking_id.state")
    def _compute_margin(self):
        ledger_values = self._delivery_ledger_values()
        for line in self:
            delivered_cost = returned_cost = 0.0
            for move in line.delivery_line_ids:
                # a reversed document's ledger rows add up to nothing
                value = ledger_values.get(move.id, 0.0)
                if move.picking_id.picking_type == "customer_return":
                    returned_cost += value
                else:
                    delivered_cost -= value
            line.margin = line_margin(
                line.price_subtotal, line.product_qty, line.qty_delivered + line.qty_returned, line.qty_returned,
                delivered_cost, returned_cost, line.currency_id.rounding or 0.01)[2]

    def _delivery_ledger_values(self):
        """{delivery or return line id: signed stock ledger value of its rows} (outs negative)."""
        moves = self.mapped("delivery_line_ids").filtered(lambda m: isinstance(m.id, int))
        if not moves:
            return {}
        self.env.cr.execute("""
            SELECT picking_line_id, SUM(value) FROM jxc_stock_ledger
             WHERE picking_id = ANY(%s) AND picking_line_id = ANY(%s)
             GROUP BY picking_line_id
        """, (moves.mapped("picking_id").ids, moves.ids))
        return dict(self.env.cr.fetchall())

    @api.depends("delivery_line_ids.quantity", "delivery_line_ids.picking_id.state")
    def _compute_quantities(self):
        for line in self:
            done = line.delivery_line_ids.filtered(lambda l: l.picking_id.state == "done")
            delivered = sum(l.uom_id._compute_quantity(l.quantity, line.uom_id, round=False) for l in done
                            if l.picking_id.picking_type == "delivery")
            returned = sum(l.uom_id._compute_quantity(l.quantity, line.uom_id, round=False) for l in done
                           if l.picking_id.picking_type == "customer_return")
            line.qty_delivered = delivered - returned
            line.qty_returned = returned

    @api.depends("product_id", "uom_id", "order_id.warehouse_id")
    def _compute_qty_available(self):
        available = self.env["jxc.stock.quant"]._available_quantities(
            (line.product_id.id, line.order_id.warehouse_id.id) for line in self)
        for line in self:
            qty = available.get((line.product_id.id, line.order_id.warehouse_id.id), 0.0)
            if line.uom_id and line.product_id:
                qty = line.product_id.uom_id.with_context(**{"raise-exception": False})._compute_quantity(
                    qty, line.uom_id, round=False)
            line.qty_available = qty

    @api.depends("invoice_line_ids.quantity", "invoice_line_ids.invoice_id.state")
    def _compute_invoiced(self):
        for line in self:
            line.qty_invoiced = sum(
                (-1 if l.invoice_id.type == "out_refund" else 1)
                * l.uom_id._compute_quantity(l.quantity, line.uom_id, round=False)
                for l in line.invoice_line_ids if l.invoice_id.state != "cancel")

    @api.model
    def create(self, vals):
        line = super().create(vals)
        line.order_id._jxc_withdraw_price_approval()
        return line

    @api.multi
    def write(self, vals):
        res = super().write(vals)
        if set(vals) - {"sequence", "name"}:
            self.mapped("order_id")._jxc_withdraw_price_approval()
        return res

    @api.multi
    def unlink(self):
        orders = self.mapped("order_id")
        res = super().unlink()
        orders.exists()._jxc_withdraw_price_approval()
        return res

    @api.onchange("product_id")
    def _onchange_product_id(self):
        product = self.product_id
        if not product:
            return
        self.uom_id = product.uom_id
        self.name = product.display_name
        self.tax_ids = product.taxes_id.filtered(lambda t: t.company_id == self.order_id.company_id)
        self._onchange_pricelist()

    @api.onchange("product_qty", "uom_id")
    def _onchange_pricelist(self):
        pricelist = self.order_id.pricelist_id
        if self.product_id and pricelist:
            # The unit in the pricelist's context too: its quantity breaks count product units.
            context = {"uom": self.uom_id.id, "date": self.order_id.date_order}
            self.price_unit = pricelist.with_context(**context).get_product_price(
                self.product_id.with_context(**context), self.product_qty or 1.0, self.order_id.partner_id)
        elif self.product_id and not self.price_unit:
            self.price_unit = self.product_id.uom_id._compute_price(self.product_id.list_price, self.uom_id)

    # ------------------------------------------------------------------ reservation
    def _product_qty(self, qty):
        return self.uom_id._compute_quantity(qty, self.product_id.uom_id)

    def _reserve(self, partial):
        lines = self.filtered(lambda l: l.product_id.jxc_track_stock)
        requests = [(l.product_id, l.order_id.warehouse_id, l._product_qty(l.product_qty - l.qty_delivered))
                    for l in lines]
        reserved = self.env["jxc.stock.posting"]._reserve(requests, self[:1].company_id, partial=partial)
        # Exact, not rounded up to whole boxes: 8 pieces of a 箱(12) line are 0.667 box.
        lines._write_reserved([line.product_id.uom_id._compute_quantity(qty, line.uom_id, round=False)
                               for line, qty in zip(lines, reserved)])

    def _write_reserved(self, quantities):
        """Set each line's reserved quantity (in its unit) in one statement: a system figure,
        kept by the reservation and posting code, that nothing else computes from."""
        if not self:
            return
        self.env.cr.execute("""
            UPDATE jxc_sale_order_line l SET qty_reserved = v.qty, write_uid = %s, write_date = now() at time zone 'UTC'
              FROM unnest(%s::int[], %s::numeric[]) AS v(id, qty) WHERE l.id = v.id
        """, (self.env.uid, self.ids, quantities))
        self.invalidate_cache(["qty_reserved"], self.ids)

    def _release(self):
        lines = self.filtered(lambda l: l.qty_reserved)
        if lines:
            self.env["jxc.stock.posting"]._reserve(
                [(l.product_id, l.order_id.warehouse_id, -l._product_qty(l.qty_reserved)) for l in lines],
                lines[:1].company_id)
            lines._write_reserved([0.0] * len(lines))

    def _prepare_delivery_line(self):
        remaining = self.product_qty - self.qty_delivered
        if not self.product_id.jxc_track_stock or float_compare(remaining, 0, precision_rounding=self.uom_id.rounding) <= 0:
            return None
        return {"product_id": self.product_id.id, "uom_id": self.uom_id.id, "quantity": remaining,
                "sale_line_id": self.id}

    def _prepare_refund_line(self):
        to_credit = self.qty_invoiced - self.qty_delivered
        if float_compare(to_credit, 0, precision_rounding=self.uom_id.rounding) <= 0:
            return None
        return self._prepare_invoice_line(to_credit, refund=True)

    def _prepare_invoice_line(self, quantity=None, refund=False):
        # Invoicing policy (Settings): what was delivered, or what was ordered.
        basis = self.product_qty if self.company_id.jxc_invoice_policy == "ordered" else self.qty_delivered
        to_invoice = quantity if quantity is not None else basis - self.qty_invoiced
        if float_is_zero(to_invoice, precision_rounding=self.uom_id.rounding) or to_invoice < 0:
            return None
        product = self.product_id
        account = product.property_account_income_id or product.categ_id.property_account_income_categ_id
        if not account:
            raise UserError(_("Set an income account on %s or its category.") % product.display_name)
        return {"product_id": product.id, "name": self.name or product.display_name, "quantity": to_invoice,
                "uom_id": self.uom_id.id, "price_unit": self.price_unit, "discount": self.discount,
                "account_id": account.id, "invoice_line_tax_ids": [(6, 0, self.tax_ids.ids)],
                "jxc_sale_line_id": self.id,
                "jxc_order_discount": self._order_discount_to_invoice(to_invoice, refund)}

    def _order_discount_to_invoice(self, quantity, refund=False):
        """The line's order discount share carried by an invoice (credit note) line of `quantity`:
        pro rata of the ordered quantity; the invoice that completes the ordered quantity takes
        what its other invoices left, so that the invoices carry the whole share."""
        share = self.order_discount_amount
        if not share or not self.product_qty:
            return 0.0
        currency = self.currency_id
        if not refund and float_compare(self.qty_invoiced + quantity, self.product_qty,
                                        precision_rounding=self.uom_id.rounding) >= 0:
            invoiced = sum((-1 if l.invoice_id.type == "out_refund" else 1) * l.jxc_order_discount
                           for l in self.invoice_line_ids if l.invoice_id.state != "cancel")
            return currency.round(share - invoiced)
        return currency.round(share * quantity / self.product_qty)
