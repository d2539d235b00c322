from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare
from odoo.addons import decimal_precision as dp

from ..lib.formatting import format_amount

REQUEST_STATES = [
    ("draft", "Draft"),
    ("to_approve", "To Approve"),
    ("approved", "Approved"),
    ("rejected", "Refused"),
    ("done", "Ordered"),
]


class JxcPurchaseRequest(models.Model):
    """采购申请: what someone needs bought, approved before it becomes purchase orders.

    Approval rule: a 进销存 Manager may approve any request; a Purchaser may approve a request
    whose estimated amount is below the company's approval amount (Settings). Requesters change
    their own requests only (record rules), and only while they are drafts.
    """
    _name = "jxc.purchase.request"
    _description = "Purchase Request"
    _inherit = ["jxc.guarded.mixin", "mail.thread", "jxc.field.access.mixin"]
    _order = "date_request desc, id desc"
    # jxc.guarded.mixin: submitted requests are what the approver approves; approvals come from buttons.
    _jxc_control_fields = ("state", "approved_by")
    _jxc_frozen_fields = ("requested_by", "date_request", "company_id")
    _jxc_unlink_states = ("draft", "rejected")

    name = fields.Char("Number", required=True, copy=False, readonly=True, default=lambda self: _("New"))
    state = fields.Selection(REQUEST_STATES, default="draft", required=True, copy=False, index=True,
                             readonly=True, track_visibility="onchange")
    requested_by = fields.Many2one("res.users", "Requested by", required=True, default=lambda self: self.env.user,
                                   track_visibility="onchange")
    approved_by = fields.Many2one("res.users", "Approved by", readonly=True, copy=False, track_visibility="onchange")
    date_request = fields.Date("Request Date", required=True, default=fields.Date.context_today)
    company_id = fields.Many2one("res.company", required=True, readonly=True,
                                 default=lambda self: self.env.user.company_id)
    currency_id = fields.Many2one(related="company_id.currency_id", readonly=True)
    line_ids = fields.One2many("jxc.purchase.request.line", "request_id", "Lines", copy=True, readonly=True,
                               states={"draft": [("readonly", False)]})
    amount_estimated = fields.Monetary("Estimated Amount", compute="_compute_amount", store=True,
        groups="jxc_addon.group_jxc_price", compute_sudo=True)
    note = fields.Text()

    @api.depends("line_ids.amount_estimated")
    def _compute_amount(self):
        for request in self:
            request.amount_estimated = sum(request.line_ids.mapped("amount_estimated"))

    @api.model
    def create(self, vals):
        if vals.get("name", "/") in ("/", _("New")):
            vals["name"] = self.env["ir.sequence"].next_by_code("jxc.purchase.request") or "/"
        return super().create(vals)

    @api.multi
    def button_to_approve(self):
        self._jxc_check_button()
        for request in self:
            if request.state != "draft":
                raise UserError(_("Only a draft request can be submitted."))
            if not request.line_ids:
                raise UserError(_("Add what you need before submitting %s.") % request.name)
            request.line_ids.mapped("product_id")._jxc_check_active(request.name)
            if request.line_ids.filtered(lambda l: float_compare(l.product_qty, 0, precision_rounding=l.uom_id.rounding) <= 0):
                raise UserError(_("Requested quantities must be positive (%s).") % request.name)
        return self._write_state({"state": "to_approve"})

    @api.multi
    def button_approved(self):
        self._check_waiting_approval(_("Only a request waiting for approval can be approved."))
        return self._write_state({"state": "approved", "approved_by": self.env.uid})

    @api.multi
    def button_rejected(self):
        self._check_waiting_approval(_("Only a request waiting for approval can be rejected."))
        return self._write_state({"state": "rejected"})

    def _check_waiting_approval(self, refusal):
        self._jxc_check_button()
        for request in self:
            if request.state != "to_approve":
                raise UserError(refusal)
            request._check_can_approve()

    @api.multi
    def button_draft(self):
        self._jxc_check_button()
        if self.filtered(lambda r: r.state not in ("rejected", "to_approve")):
            raise UserError(_("Only a rejected or submitted request can go back to draft."))
        return self._write_state({"state": "draft", "approved_by": False})

    @api.multi
    def button_done(self):
        """Mark approved requests as ordered (the order wizard does it when everything is ordered)."""
        self._jxc_check_button("jxc_addon.group_jxc_purchaser", _("mark purchase requests as ordered"))
        if self.filtered(lambda r: r.state != "approved"):
            raise UserError(_("Only an approved request can be marked as ordered."))
        return self._write_state({"state": "done"})

    def _approval_amount(self):
        """The amount that decides who approves: each line at the larger of its estimated price and
        the system's estimate (supplier price, else product cost), so that lowering the estimate
        never lowers the approver."""
        lines = self.sudo().line_ids
        return self.currency_id.round(sum(l.product_qty * max(l.price_estimated, l._estimate_price()) for l in lines))

    def _check_can_approve(self):
        user = self.env.user
        if user.has_group("jxc_addon.group_jxc_manager"):
            return
        limit = self.company_id.jxc_request_approval_amount
        amount = self._approval_amount()
        if user.has_group("jxc_addon.group_jxc_purchaser") and amount < limit:
            return
        raise UserError(_(
            "%s is estimated at %s: a purchaser approves requests below %s, a 进销存 Manager approves any.")
            % (self.name, format_amount(self.env, amount, self.currency_id),
               format_amount(self.env, limit, self.company_id.currency_id)))

    def _check_all_ordered(self):
        for request in self:
            if all(float_compare(l.qty_ordered, l.product_qty, precision_rounding=l.uom_id.rounding) >= 0
                   for l in request.line_ids):
                request._write_state({"state": "done"})


class JxcPurchaseRequestLine(models.Model):
    _name = "jxc.purchase.request.line"
    _description = "Purchase Request Line"
    _inherit = ["jxc.guarded.mixin", "jxc.field.access.mixin"]
    # jxc.guarded.mixin: a line changes only while its request is a draft (the estimate is approved).
    _jxc_parent_field = "request_id"
    _order = "request_id, id"

    request_id = fields.Many2one("jxc.purchase.request", required=True, ondelete="cascade", index=True)
    state = fields.Selection(related="request_id.state", store=True, readonly=True)
    company_id = fields.Many2one(related="request_id.company_id", store=True, readonly=True)
    currency_id = fields.Many2one(related="request_id.currency_id", readonly=True)
    product_id = fields.Many2one("product.product", required=True,
                                 domain=[("purchase_ok", "=", True), ("active", "=", True)])
    product_qty = fields.Float("Quantity", required=True, default=1.0, digits=dp.get_precision("Product Unit of Measure"))
    uom_id = fields.Many2one("product.uom", "Unit", required=True)
    date_required = fields.Date("Needed by")
    supplier_id = fields.Many2one("res.partner", "Suggested Supplier", domain=[("supplier", "=", True)])
    reason = fields.Char()
    price_estimated = fields.Float("Estimated Price", digits=dp.get_precision("Product Price"),
        groups="jxc_addon.group_jxc_price")
    amount_estimated = fields.Monetary(compute="_compute_amount", store=True, compute_sudo=True,
                                       groups="jxc_addon.group_jxc_price")
    purchase_line_ids = fields.One2many("jxc.purchase.order.line", "request_line_id", "Order Lines", readonly=True)
    qty_ordered = fields.Float("Ordered", compute="_compute_qty_ordered", digits=dp.get_precision("Product Unit of Measure"))

    @api.model
    def create(self, vals):
        line = super().create(vals)
        if not vals.get("price_estimated"):
            # Requesters who see no prices still get an estimate for the approval rule.
            line.sudo().price_estimated = line._estimate_price()
        return line

    def _estimate_price(self):
        product = self.product_id.sudo()  # (a new record has no values in a sudo environment)
        price, seller = self.env["jxc.purchase.order.line"]._get_supplier_price(
            product, self.supplier_id, self.product_qty, self.uom_id, self.currency_id)
        if seller:
            return price
        return product.uom_id._compute_price(product.standard_price, self.uom_id)

    @api.depends("product_qty", "price_estimated")
    def _compute_amount(self):
        for line in self:
            line.amount_estimated = line.product_qty * line.price_estimated

    @api.depends("purchase_line_ids.product_qty", "purchase_line_ids.uom_id", "purchase_line_ids.state")
    def _compute_qty_ordered(self):
        for line in self:
            line.qty_ordered = sum(l.uom_id._compute_quantity(l.product_qty, line.uom_id)
                                   for l in line.purchase_line_ids if l.state != "cancel")

    @api.onchange("product_id", "product_qty", "uom_id")
    def _onchange_product_id(self):
        product = self.product_id
        if not product:
            return
        if not self.uom_id or self.uom_id.category_id != product.uom_id.category_id:
            self.uom_id = product.uom_po_id or product.uom_id
        # Requesters who may not see supplier prices (salesmen) still get the suggested supplier.
        seller = product.sudo()._select_seller(partner_id=self.supplier_id, quantity=self.product_qty,
                                               uom_id=self.uom_id)
        if seller:
            self.supplier_id = self.supplier_id or seller.name.id
        if seller or not self.price_estimated:
            self.price_estimated = self._estimate_price()
