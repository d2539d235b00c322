from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare, float_is_zero
from odoo.addons import decimal_precision as dp

from .jxc_guarded_mixin import set_creator
from .mail_compose import mail_compose_action

PURCHASE_STATES = [
    ("draft", "Draft"),
    ("confirmed", "Confirmed"),
    ("done", "Locked"),
    ("cancel", "Cancelled"),
]
RECEIPT_STATUSES = [("none", "Nothing Received"), ("partial", "Partially Received"), ("full", "Fully Received")]
BILLING_STATUSES = [("none", "Nothing Billed"), ("partial", "Partially Billed"), ("full", "Fully Billed")]


class JxcPurchaseOrder(models.Model):
    """采购订单"""
    _name = "jxc.purchase.order"
    _description = "Purchase Order"
    _inherit = ["jxc.guarded.mixin", "mail.thread", "jxc.field.access.mixin"]
    _order = "date_order desc, id desc"
    # jxc.guarded.mixin: a confirmed order keeps its supplier, warehouse, currency and dates (receipts,
    # bills and the supplier's on-time rate follow them); its state changes through the buttons.
    _jxc_frozen_fields = ("partner_id", "warehouse_id", "currency_id", "company_id", "date_order", "date_expected")
    _jxc_unlink_states = ("draft", "cancel")

    name = fields.Char("Number", required=True, copy=False, readonly=True, index=True, default=lambda self: _("New"))
    state = fields.Selection(PURCHASE_STATES, default="draft", required=True, copy=False, index=True,
                             readonly=True, track_visibility="onchange")
    partner_id = fields.Many2one("res.partner", "Supplier", required=True, index=True, readonly=True,
                                 states={"draft": [("readonly", False)]}, track_visibility="onchange",
                                 domain=[("supplier", "=", True)])
    date_order = fields.Date("Order Date", required=True, default=fields.Date.context_today, readonly=True,
                             states={"draft": [("readonly", False)]})
    date_expected = fields.Date("Expected Date", readonly=True, states={"draft": [("readonly", False)]},
                                track_visibility="onchange")
    warehouse_id = fields.Many2one(
        "jxc.warehouse", "Receive In", required=True, readonly=True, states={"draft": [("readonly", False)]},
        default=lambda self: self.env["jxc.warehouse"].search([("company_id", "=", self.env.user.company_id.id)], limit=1))
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True,
                                 default=lambda self: self.env.user.company_id)
    currency_id = fields.Many2one("res.currency", required=True, readonly=True,
                                  states={"draft": [("readonly", False)]},
                                  default=lambda self: self.env.user.company_id.currency_id)
    payment_term_id = fields.Many2one("account.payment.term", "Payment Terms")
    origin = fields.Char("Source Document", readonly=True, states={"draft": [("readonly", False)]})
    user_id = fields.Many2one("res.users", "Purchaser", default=lambda self: self.env.user, index=True,
                              track_visibility="onchange")
    line_ids = fields.One2many("jxc.purchase.order.line", "order_id", "Lines", copy=True, readonly=True,
                               states={"draft": [("readonly", False)]})
    picking_ids = fields.One2many("jxc.stock.picking", "purchase_id", "Receipts", readonly=True)
    invoice_ids = fields.Many2many("account.invoice", compute="_compute_invoices", string="Bills")
    picking_count = fields.Integer(compute="_compute_counts")
    amount_untaxed = fields.Monetary("Untaxed", compute="_compute_amounts", store=True,
        groups="jxc_addon.group_jxc_price", compute_sudo=True)
    amount_tax = fields.Monetary("Taxes", compute="_compute_amounts", store=True,
        groups="jxc_addon.group_jxc_price", compute_sudo=True)
    amount_total = fields.Monetary("Total", compute="_compute_amounts", store=True,
        groups="jxc_addon.group_jxc_price", compute_sudo=True)
    receipt_status = fields.Selection(RECEIPT_STATUSES, compute="_compute_statuses", store=True)
    billing_status = fields.Selection(BILLING_STATUSES, compute="_compute_statuses", store=True)
    note = fields.Text()

    @api.depends("line_ids.price_subtotal", "line_ids.price_tax")
    def _compute_amounts(self):
        for order in self:
            order.amount_untaxed = sum(order.line_ids.mapped("price_subtotal"))
            order.amount_tax = sum(order.line_ids.mapped("price_tax"))
            order.amount_total = order.amount_untaxed + order.amount_tax

    @api.depends("line_ids.qty_received", "line_ids.qty_rejected", "line_ids.qty_billed", "line_ids.product_qty")
    def _compute_statuses(self):
        for order in self:
            lines = order.line_ids
            # Rejected goods were delivered too: they are not expected again.
            order.receipt_status = (
                "full" if lines and all(l.qty_received + l.qty_rejected >= l.product_qty for l in lines)
                else "partial" if any(lines.mapped("qty_received")) or any(lines.mapped("qty_rejected")) else "none")
            order.billing_status = (
                "full" if order.receipt_status == "full" and all(l.qty_billed >= l.qty_received for l in lines)
                else "partial" if any(lines.mapped("qty_billed")) else "none")

    @api.multi
    def _compute_counts(self):
        for order in self:
            order.picking_count = len(order.picking_ids)

    @api.multi
    def _compute_invoices(self):
        for order in self:
            order.invoice_ids = order.line_ids.mapped("invoice_line_ids.invoice_id")

    @api.model
    def create(self, vals):
        if vals.get("name", "/") in ("/", _("New")):
            vals["name"] = self.env["ir.sequence"].next_by_code("jxc.purchase.order") or "/"
        return super().create(vals)

    # ------------------------------------------------------------------ buttons
    @api.multi
    def button_confirm(self):
        # The receipts are prepared under sudo (purchasers may not make stock documents): check the caller.
        self._jxc_check_button()
        for order in self:
            if order.state != "draft":
                raise UserError(_("Only a draft purchase order can be confirmed."))
            if not order.line_ids:
                raise UserError(_("Add the goods to buy before confirming %s.") % order.name)
            order.line_ids.mapped("product_id")._jxc_check_active(order.name)
            bad = order.line_ids.filtered(lambda l: float_compare(l.product_qty, 0, precision_rounding=l.uom_id.rounding) <= 0
                                          or l.price_unit < 0)
            if bad:
                raise UserError(_("Quantities must be positive and prices not negative (%s).") % bad[0].product_id.display_name)
            # A free line would enter stock at no cost and drag the product's moving average down.
            unpriced = order.line_ids.filtered(
                lambda l: float_is_zero(l.price_unit, precision_rounding=order.currency_id.rounding))
            if unpriced:
                raise UserError(_("%s has no price on %s: enter the supplier's price before confirming.")
                                % (", ".join(unpriced.mapped("product_id.display_name")), order.name))
        self._write_state({"state": "confirmed"})
        for order in self.filtered(lambda o: o.company_id.jxc_stock_docs_at_confirm):
            # The keeper finds the receipt among the receipts to do.
            order._create_receipt()
        return True

    @api.multi
    def button_cancel(self):
        # The drafts are cancelled under sudo (purchasers may not change stock documents): check the caller.
        self.check_access_rights("write")
        self.check_access_rule("write")
        for order in self:
            if order.state not in ("draft", "confirmed"):
                raise UserError(_("Only a draft or confirmed purchase order can be cancelled (%s).") % order.name)
            if any(order.line_ids.mapped("qty_received")) or any(order.line_ids.mapped("qty_billed")):
                raise UserError(_("%s has received or billed goods: it cannot be cancelled.") % order.name)
        self.sudo().mapped("picking_ids").filtered(lambda p: p.state == "draft").button_cancel()
        return self._write_state({"state": "cancel"})

    @api.multi
    def button_done(self):
        self._jxc_check_button()
        if self.filtered(lambda o: o.state != "confirmed"):
            raise UserError(_("Only a confirmed purchase order can be locked."))
        return self._write_state({"state": "done"})

    @api.multi
    def button_draft(self):
        self._jxc_check_button()
        if self.filtered(lambda o: o.state != "cancel"):
            raise UserError(_("Only a cancelled purchase order can go back to draft."))
        return self._write_state({"state": "draft"})

    @api.multi
    def action_receive(self):
        """Open the draft receipt of what remains to receive (made if none is open); the keeper
        records accepted and rejected quantities."""
        self.ensure_one()
        if self.state != "confirmed":
            raise UserError(_("Confirm %s before receiving it.") % self.name)
        self._check_can_prepare_picking()
        open_receipt = self.picking_ids.filtered(lambda p: p.state == "draft" and p.picking_type == "receipt")
        if open_receipt:
            return open_receipt[0]._action_open_form()
        picking = self._create_receipt()
        if not picking:
            raise UserError(_("Everything on %s has been received.") % self.name)
        return picking._action_open_form()

    def _check_can_prepare_picking(self):
        """Receipts and returns are made under sudo (purchasers may not create stock documents):
        the caller must be someone who may change the order, or make stock documents himself."""
        if not self.env["jxc.stock.picking"].check_access_rights("create", raise_exception=False):
            self.check_access_rights("write")
            self.check_access_rule("write")

    def _create_receipt(self):
        """The draft receipt of what remains to receive, all lines in one create (none when nothing
        remains). Purchasers prepare it, validating it stays with the warehouse keeper; the caller
        was checked and is its responsible. Lines carry the order price, even for blind keepers."""
        lines = [(0, 0, vals) for vals in (l._prepare_receipt_line() for l in self.sudo().line_ids) if vals]
        if not lines:
            return self.env["jxc.stock.picking"]
        picking = self.env["jxc.stock.picking"].sudo().with_context(mail_create_nosubscribe=True).create(
            self._prepare_receipt(lines))
        set_creator(picking, self.env.uid, "line_ids")
        return self.env["jxc.stock.picking"].browse(picking.id)

    def _prepare_receipt(self, lines, picking_type="receipt"):
        return {"picking_type": picking_type, "warehouse_id": self.warehouse_id.id, "partner_id": self.partner_id.id,
                "purchase_id": self.id, "origin": self.name, "company_id": self.company_id.id,
                "user_id": self.env.uid, "line_ids": lines}

    @api.multi
    def action_create_bill(self):
        """A vendor bill for what was received and not yet billed, at the order price."""
        self.ensure_one()
        lines = [(0, 0, vals) for vals in (l._prepare_bill_line() for l in self.line_ids) if vals]
        if not lines:
            raise UserError(_("Nothing received on %s is left to bill.") % self.name)
        return self._create_vendor_document("in_invoice", lines)

    @api.multi
    def action_create_return(self):
        """A draft supplier return of everything received on this order and not yet returned."""
        self.ensure_one()
        self._check_can_prepare_picking()
        receipts = self.picking_ids.filtered(lambda p: p.state == "done" and p.picking_type == "receipt")
        lines = receipts._prepare_return_lines()
        if not lines:
            raise UserError(_("Nothing received on %s is left to return.") % self.name)
        picking = self.env["jxc.stock.picking"].sudo().with_context(mail_create_nosubscribe=True).create(
            self._prepare_receipt([(0, 0, vals) for vals in lines], "supplier_return"))
        set_creator(picking, self.env.uid, "line_ids")
        return self.env["jxc.stock.picking"].browse(picking.id)._action_open_form()

    @api.multi
    def action_create_refund(self):
        """A supplier credit note for goods returned after they were billed."""
        self.ensure_one()
        lines = [(0, 0, vals) for vals in (l._prepare_refund_line() for l in self.line_ids) if vals]
        if not lines:
            raise UserError(_("No returned goods of %s are billed: there is nothing to credit.") % self.name)
        return self._create_vendor_document("in_refund", lines)

    def _create_vendor_document(self, invoice_type, lines):
        return self.env["account.invoice"]._jxc_create_draft("purchase", {
            "type": invoice_type, "partner_id": self.partner_id.id, "currency_id": self.currency_id.id,
            "company_id": self.company_id.id, "origin": self.name,
            "payment_term_id": self.payment_term_id.id, "invoice_line_ids": lines,
        }, "account.invoice_supplier_form")

    @api.multi
    def action_view_receipts(self):
        action = self.env.ref("jxc_addon.jxc_stock_picking_action_receipt").read()[0]
        action["domain"] = [("purchase_id", "in", self.ids)]
        return action

    @api.multi
    def action_send_email(self):
        """The email to the supplier from its template, the order's PDF attached."""
        self.ensure_one()
        template = self.env.ref("jxc_addon.mail_template_jxc_purchase_order", raise_if_not_found=False)
        return mail_compose_action(self, template)


    @api.model
    def _jxc_create_demo_purchases(self):
        """Demo history for the supplier comparison: orders received late or on time, some goods
        rejected. Skipped on a company without the accounts that receipts post to."""
        company = self.env.user.company_id
        # Demo data loads before the install hook configures the accounts: do it now.
        company._jxc_apply_chart_defaults()
        if not (company.jxc_grni_account_id and company.jxc_stock_valuation_account_id
                and company.jxc_stock_journal_id):
            return
        today = fields.Date.from_string(fields.Date.context_today(self))
        warehouse = self.env.ref("jxc_addon.jxc_warehouse_gz_demo")
        # supplier, product, quantity, price, ordered days ago, promised lead days, actual lead days, rejected
        history = [
            ("textile", "tshirt_white", 120, 18.5, 60, 7, 6, 0),
            ("textile", "tshirt_white", 240, 18.0, 30, 7, 9, 6),
            ("wool", "tshirt_white", 120, 19.2, 45, 10, 10, 0),
            ("denim", "jeans_slim", 60, 76.0, 50, 7, 7, 2),
            ("textile", "jeans_slim", 36, 79.5, 20, 5, 4, 0),
            ("shoes", "sneakers", 100, 66.0, 40, 7, 12, 5),
            ("accessories", "cap", 144, 19.0, 25, 7, 7, 0),
        ]
        for supplier, product, qty, price, ago, promised, actual, rejected in history:
            product = self.env.ref("jxc_addon.product_%s_demo" % product).product_variant_id
            ordered = today - timedelta(days=ago)
            order = self.create({
                "partner_id": self.env.ref("jxc_addon.res_partner_supplier_%s_demo" % supplier).id,
                "warehouse_id": warehouse.id,
                "date_order": fields.Date.to_string(ordered),
                "date_expected": fields.Date.to_string(ordered + timedelta(days=promised)),
                "line_ids": [(0, 0, {"product_id": product.id, "uom_id": product.uom_id.id,
                                     "product_qty": qty, "price_unit": price})],
            })
            order.button_confirm()
            receipt = self.env["jxc.stock.picking"].browse(order.action_receive()["res_id"])
            receipt.line_ids.write({"quantity": qty - rejected, "rejected_qty": rejected})
            receipt.date = fields.Date.to_string(ordered + timedelta(days=actual))
            receipt.button_done()


class JxcPurchaseOrderLine(models.Model):
    _name = "jxc.purchase.order.line"
    _description = "Purchase Order Line"
    _inherit = ["jxc.guarded.mixin", "jxc.field.access.mixin", "jxc.last.price.mixin"]
    _order = "order_id, sequence, id"
    # jxc.guarded.mixin: a line changes only while its order is a draft (received, rejected and billed
    # quantities are stored computes of the receipts and bills).
    _jxc_parent_field = "order_id"
    # jxc.last.price.mixin: the supplier's last price (最后进价)
    _jxc_last_price_tables = ("jxc_purchase_order_line", "jxc_purchase_order")

    order_id = fields.Many2one("jxc.purchase.order", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    state = fields.Selection(related="order_id.state", readonly=True)
    currency_id = fields.Many2one(related="order_id.currency_id", readonly=True)
    company_id = fields.Many2one(related="order_id.company_id", store=True, readonly=True)
    partner_id = fields.Many2one(related="order_id.partner_id", store=True, readonly=True)
    date_order = fields.Date(related="order_id.date_order", store=True, readonly=True)
    product_id = fields.Many2one("product.product", required=True,
                                 domain=[("purchase_ok", "=", True), ("active", "=", True)])
    name = fields.Char("Description")
    uom_id = fields.Many2one("product.uom", "Unit", required=True)
    product_qty = fields.Float("Quantity", digits=dp.get_precision("Product Unit of Measure"), required=True, default=1.0)
    price_unit = fields.Float("Unit Price", digits=dp.get_precision("Product Price"), required=True,
                              group_operator="avg",
        groups="jxc_addon.group_jxc_price")
    tax_ids = fields.Many2many("account.tax", string="Taxes",
                               domain=[("type_tax_use", "=", "purchase")])
    price_subtotal = fields.Monetary(compute="_compute_amount", store=True,
        groups="jxc_addon.group_jxc_price", compute_sudo=True)
    price_tax = fields.Monetary(compute="_compute_amount", store=True,
        groups="jxc_addon.group_jxc_price", compute_sudo=True)
    qty_received = fields.Float("Received", compute="_compute_quantities", store=True,
                                digits=dp.get_precision("Product Unit of Measure"))
    qty_rejected = fields.Float("Rejected", compute="_compute_quantities", store=True,
                                digits=dp.get_precision("Product Unit of Measure"))
    qty_returned = fields.Float("Returned", compute="_compute_quantities", store=True,
                                digits=dp.get_precision("Product Unit of Measure"))
    qty_billed = fields.Float("Billed", compute="_compute_billed", store=True,
                              digits=dp.get_precision("Product Unit of Measure"))
    receipt_line_ids = fields.One2many("jxc.stock.picking.line", "purchase_line_id", readonly=True)
    request_line_id = fields.Many2one("jxc.purchase.request.line", "Request Line", index=True, readonly=True, copy=False)
    invoice_line_ids = fields.One2many("account.invoice.line", "jxc_purchase_line_id", readonly=True)
    last_purchase_price = fields.Float(
        "Last Purchase Price", compute="_compute_last_purchase", digits=dp.get_precision("Product Price"),
        groups="jxc_addon.group_jxc_price",
        help="最后进价: the price of this product on the supplier's latest confirmed purchase order (other "
             "than this one), in the line's unit.")
    last_purchase_date = fields.Date("Last Bought on", compute="_compute_last_purchase",
                                     groups="jxc_addon.group_jxc_price")
    last_purchase_order = fields.Char("Last Purchase Order", compute="_compute_last_purchase",
                                      groups="jxc_addon.group_jxc_price")

    @api.model_cr
    def init(self):
        # (issue 15) The reorder scan reads the lines with goods still to come: an index of those alone
        # keeps its cost flat however many received lines the history holds.
        self._cr.execute("""
            CREATE INDEX IF NOT EXISTS jxc_purchase_order_line_to_receive_idx
                ON jxc_purchase_order_line (product_id)
             WHERE product_qty > COALESCE(qty_received, 0) + COALESCE(qty_rejected, 0)
        """)

    @api.depends("product_qty", "price_unit", "tax_ids")
    def _compute_amount(self):
        for line in self:
            taxes = line.tax_ids.compute_all(line.price_unit, line.currency_id, line.product_qty,
                                             product=line.product_id, partner=line.order_id.partner_id)
            line.price_subtotal = taxes["total_excluded"]
            line.price_tax = taxes["total_included"] - taxes["total_excluded"]

    @api.depends("product_id", "uom_id", "order_id.partner_id", "order_id.currency_id")
    def _compute_last_purchase(self):
        found = self._jxc_last_prices()
        for line in self:
            line.last_purchase_price, line.last_purchase_date, line.last_purchase_order = line._jxc_last_price_of(found)

    @api.depends("receipt_line_ids.quantity", "receipt_line_ids.rejected_qty", "receipt_line_ids.picking_id.state")
    def _compute_quantities(self):
        for line in self:
            done = line.receipt_line_ids.filtered(lambda l: l.picking_id.state == "done")
            sign = {"receipt": 1, "supplier_return": -1}
            line.qty_received = sum(sign.get(l.picking_id.picking_type, 0) *
                                    l.uom_id._compute_quantity(l.quantity, line.uom_id, round=False) for l in done)
            line.qty_rejected = sum(l.uom_id._compute_quantity(l.rejected_qty, line.uom_id, round=False) for l in done)
            line.qty_returned = sum(l.uom_id._compute_quantity(l.quantity, line.uom_id, round=False) for l in done
                                    if l.picking_id.picking_type == "supplier_return")

    @api.depends("invoice_line_ids.quantity", "invoice_line_ids.invoice_id.state")
    def _compute_billed(self):
        for line in self:
            billed = 0.0
            for inv_line in line.invoice_line_ids:
                if inv_line.invoice_id.state == "cancel":
                    continue
                sign = -1 if inv_line.invoice_id.type == "in_refund" else 1
                billed += sign * inv_line.uom_id._compute_quantity(inv_line.quantity, line.uom_id, round=False)
            line.qty_billed = billed

    @api.onchange("product_id")
    def _onchange_product_id(self):
        product = self.product_id
        if not product:
            return
        self.uom_id = product.uom_po_id or product.uom_id
        self.name = product.display_name
        self.tax_ids = product.supplier_taxes_id.filtered(lambda t: t.company_id == self.order_id.company_id)
        return self._onchange_quantity()

    @api.onchange("product_qty", "uom_id")
    def _onchange_quantity(self):
        """Price the line from the supplier's prices for its quantity and unit (tiers by minimum quantity)."""
        if not (self.product_id and self.uom_id) or self.uom_id.category_id != self.product_id.uom_id.category_id:
            return
        order = self.order_id
        price, seller = self._get_supplier_price(self.product_id, order.partner_id, self.product_qty, self.uom_id,
                                                 order.currency_id, order.date_order)
        if seller:
            self.price_unit = price
        below = self._supplier_minimum_warning(self.product_id, order.partner_id, self.product_qty, self.uom_id,
                                               order.date_order)
        if below:
            return {"warning": {"title": _("Below the supplier's minimum"), "message": below}}

    @api.model
    def _supplier_prices(self, product, supplier, date=None):
        """The supplier's price list lines of the product valid at `date`, smallest minimum first."""
        date = date or fields.Date.context_today(self)
        return product.seller_ids.filtered(
            lambda s: s.name in (supplier | supplier.commercial_partner_id)
            and (not s.product_id or s.product_id == product)
            and (not s.date_start or s.date_start <= date) and (not s.date_end or s.date_end >= date)
        ).sorted(lambda s: (s.min_qty, s.sequence))

    @api.model
    def _get_supplier_price(self, product, supplier, qty, uom, currency=None, date=None):
        """(price per `uom`, price list line) of the supplier for `qty` in `uom`.

        Supplier prices and minimum quantities are in the product's purchase unit: the quantity is
        converted to it exactly (no rounding up, so 6 pieces are half a box of 12, not one box).
        Below the smallest minimum the smallest tier's price applies (the caller warns).
        No price list line for that supplier: (0.0, empty)."""
        if not supplier:
            return 0.0, self.env["product.supplierinfo"]
        date = date or fields.Date.context_today(self)
        po_uom = product.uom_po_id or product.uom_id
        qty_po = uom._compute_quantity(qty, po_uom, round=False)
        seller = product._select_seller(partner_id=supplier, quantity=qty_po, date=date, uom_id=po_uom)
        seller = seller or self._supplier_prices(product, supplier, date)[:1]
        if not seller:
            return 0.0, seller
        price = seller.product_uom._compute_price(seller.price, uom)
        if currency and seller.currency_id and seller.currency_id != currency:
            price = seller.currency_id.with_context(date=date).compute(price, currency, round=False)
        return price, seller

    @api.model
    def _supplier_minimum_warning(self, product, supplier, qty, uom, date=None):
        """A message when `qty` in `uom` is below the supplier's smallest minimum quantity, else None."""
        lowest = self._supplier_prices(product, supplier, date)[:1]
        if not lowest or not qty:
            return None
        qty_po = uom._compute_quantity(qty, lowest.product_uom, round=False)
        if float_compare(qty_po, lowest.min_qty, precision_digits=self.env["decimal.precision"].precision_get(
                "Product Unit of Measure")) >= 0:
            return None
        return _("The minimum quantity of %(product)s from %(supplier)s is %(qty)s %(unit)s: "
                 "the line has the price of that quantity.") % {
            "product": product.display_name, "supplier": supplier.display_name,
            "qty": "%g" % lowest.min_qty, "unit": lowest.product_uom.name}

    @api.model
    def _prepare_supplier_line(self, product, qty, uom, supplier, company, fallback_price=0.0, currency=None):
        """Values of a line at the supplier's price for that quantity and unit (else `fallback_price`),
        with the product's purchase taxes of the company."""
        price, seller = self._get_supplier_price(product, supplier, qty, uom, currency or company.currency_id)
        return {
            "product_id": product.id, "name": product.display_name, "product_qty": qty, "uom_id": uom.id,
            "price_unit": price if seller else fallback_price,
            "tax_ids": [(6, 0, product.supplier_taxes_id.filtered(lambda t: t.company_id == company).ids)],
        }

    @api.constrains("uom_id", "product_id")
    def _check_uom(self):
        for line in self:
            if line.uom_id.category_id != line.product_id.uom_id.category_id:
                raise ValidationError(_("The unit of %s must be in the category of its product unit.")
                                      % line.product_id.display_name)

    def _prepare_receipt_line(self):
        remaining = self.product_qty - self.qty_received - self.qty_rejected
        if float_compare(remaining, 0, precision_rounding=self.uom_id.rounding) <= 0:
            return None
        return {"product_id": self.product_id.id, "uom_id": self.uom_id.id, "quantity": remaining,
                "purchase_line_id": self.id, "unit_cost": self._receipt_unit_cost()}

    def _receipt_unit_cost(self, date=None):
        """Order price without taxes, per line unit, in the company currency at the receipt date."""
        order = self.order_id
        price = self.price_subtotal / self.product_qty if self.product_qty else self.price_unit
        return order.currency_id.with_context(date=date or fields.Date.context_today(self)).compute(
            price, order.company_id.currency_id, round=False)

    def _prepare_refund_line(self):
        to_credit = self.qty_billed - self.qty_received
        if float_compare(to_credit, 0, precision_rounding=self.uom_id.rounding) <= 0:
            return None
        return dict(self._prepare_bill_line(to_credit))

    def _prepare_bill_line(self, quantity=None):
        to_bill = quantity if quantity is not None else self.qty_received - self.qty_billed
        if float_is_zero(to_bill, precision_rounding=self.uom_id.rounding) or to_bill < 0:
            return None
        return {
            "product_id": self.product_id.id, "name": self.name or self.product_id.display_name,
            "quantity": to_bill, "uom_id": self.uom_id.id, "price_unit": self.price_unit,
            "account_id": self.order_id.company_id._jxc_get_setting("jxc_grni_account_id").id,
            "invoice_line_tax_ids": [(6, 0, self.tax_ids.ids)], "jxc_purchase_line_id": self.id,
        }

