from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_is_zero
from odoo.addons import decimal_precision as dp

from ..lib.formatting import format_amount

COUNT_STATES = [
    ("draft", "Draft"),
    ("counting", "Counting"),
    ("done", "Validated"),
    ("cancel", "Cancelled"),
]


class JxcStockCount(models.Model):
    """盘点单: snapshot the system quantity, count, then post gains and losses."""
    _name = "jxc.stock.count"
    _description = "Stocktaking"
    _inherit = ["jxc.guarded.mixin", "jxc.warehouse.document.mixin", "mail.thread", "barcodes.barcode_events_mixin",
                "jxc.field.access.mixin"]
    # jxc.guarded.mixin: what is counted is chosen in draft; the date may move until validation.
    _jxc_control_fields = ("state", "picking_id")
    _jxc_frozen_fields = ("warehouse_id", "categ_id", "product_ids", "company_id", "date")
    _jxc_field_states = {"date": ("draft", "counting")}
    _jxc_unlink_states = ("draft", "counting", "cancel")
    _order = "date desc, id desc"

    name = fields.Char("Number", required=True, copy=False, readonly=True, default=lambda self: _("New"))
    state = fields.Selection(COUNT_STATES, default="draft", required=True, copy=False, readonly=True,
                             track_visibility="onchange")
    date = fields.Date(required=True, default=fields.Date.context_today, readonly=True,
                       states={"draft": [("readonly", False)], "counting": [("readonly", False)]})
    warehouse_id = fields.Many2one("jxc.warehouse", required=True, readonly=True,
                                   states={"draft": [("readonly", False)]}, track_visibility="onchange",
                                   default=lambda self: self.env["jxc.warehouse"]._jxc_default_warehouse(),
                                   domain=lambda self: self.env["jxc.warehouse"]._jxc_warehouse_choices())
    categ_id = fields.Many2one("product.category", "Product Category", readonly=True,
                               states={"draft": [("readonly", False)]})
    product_ids = fields.Many2many("product.product", string="Products", readonly=True,
                                   states={"draft": [("readonly", False)]},
                                   help="Leave empty to count every product of the warehouse (or category).")
    company_id = fields.Many2one("res.company", required=True, readonly=True,
                                 default=lambda self: self.env.user.company_id)
    currency_id = fields.Many2one(related="company_id.currency_id", readonly=True)
    user_id = fields.Many2one("res.users", "Responsible", default=lambda self: self.env.user)
    note = fields.Text()
    line_ids = fields.One2many("jxc.stock.count.line", "count_id", "Lines", copy=False, readonly=True,
                               states={"counting": [("readonly", False)]})
    picking_id = fields.Many2one("jxc.stock.picking", "Posted Document", readonly=True, copy=False)
    total_difference_value = fields.Monetary(compute="_compute_totals", string="Difference Value",
        groups="jxc_addon.group_jxc_price", compute_sudo=True)
    needs_approval = fields.Boolean(compute="_compute_totals",
                                    help="The differences are worth more than the approval threshold.", compute_sudo=True)

    @api.depends("line_ids.difference_qty", "line_ids.unit_cost")
    def _compute_totals(self):
        for count in self:
            total = sum(count.line_ids.mapped("difference_value"))
            count.total_difference_value = total
            count.needs_approval = abs(total) > count.company_id.jxc_count_approval_threshold or any(
                abs(v) > count.company_id.jxc_count_approval_threshold
                for v in count.line_ids.mapped("difference_value"))

    @api.model
    def create(self, vals):
        if vals.get("name", "/") in ("/", _("New")):
            vals["name"] = self.env["ir.sequence"].next_by_code("jxc.stock.count") or "/"
        return super().create(vals)

    # ------------------------------------------------------------------ buttons
    @api.multi
    def button_start(self):
        """Snapshot the system quantity of every product to count."""
        self._jxc_check_button()
        for count in self:
            if count.state != "draft":
                raise UserError(_("Only a draft stocktaking can be started."))
            count.line_ids.unlink()
            count._write_state({"line_ids": [(0, 0, vals) for vals in count._prepare_snapshot_lines()],
                                "state": "counting"})
            count._refresh_costs()
        return True

    @api.multi
    def button_done(self):
        # Costs are refreshed under sudo: check the caller first.
        self._jxc_check_button()
        for count in self:
            if count.state != "counting":
                raise UserError(_("Start the stocktaking and enter the counted quantities first."))
            count._refresh_costs()
            if count.needs_approval and not self.env.user.has_group("jxc_addon.group_jxc_manager"):
                raise UserError(_(
                    "The differences of %s are worth %s, above the approval threshold of %s: "
                    "a 进销存 Manager must validate it.") % (
                    count.name, format_amount(self.env, count.total_difference_value, count.currency_id),
                    format_amount(self.env, count.company_id.jxc_count_approval_threshold, count.currency_id)))
            lines = count.line_ids.filtered(
                lambda l: not float_is_zero(l.difference_qty, precision_rounding=l.product_id.uom_id.rounding))
            picking = self.env["jxc.stock.picking"]
            if lines:
                picking = picking.create(count._prepare_picking(lines))
                picking.button_done()
            count._write_state({"state": "done", "picking_id": picking.id})
        return True

    @api.multi
    def button_cancel(self):
        self._jxc_check_button()
        if self.filtered(lambda c: c.state == "done"):
            raise UserError(_("A validated stocktaking is cancelled through its stock document."))
        return self._write_state({"state": "cancel"})

    @api.multi
    def button_draft(self):
        self._jxc_check_button()
        if self.filtered(lambda c: c.state not in ("cancel", "counting")):
            raise UserError(_("Only a cancelled or counting stocktaking can go back to draft."))
        self._jxc_system().mapped("line_ids").unlink()
        return self._write_state({"state": "draft"})

    @api.multi
    def action_view_picking(self):
        self.ensure_one()
        return {"type": "ir.actions.act_window", "res_model": "jxc.stock.picking",
                "res_id": self.picking_id.id, "view_mode": "form", "views": [(False, "form")]}

    # ------------------------------------------------------------------ barcode
    def on_barcode_scanned(self, barcode):
        if self.state != "counting":
            return
        # a packaging unit's barcode (箱(12)) counts its quantity in the product unit
        product, _unit, qty = self.env["product.product"]._jxc_find_by_barcode(barcode)
        if not product:
            return {"warning": {"title": _("Unknown barcode"),
                                "message": _("No product has the barcode %s.") % barcode}}
        line = self.line_ids.filtered(lambda l: l.product_id == product)[:1]
        if line:
            line.counted_qty += qty
        else:
            self.line_ids += self.line_ids.new({"product_id": product.id, "system_qty": 0.0, "counted_qty": qty})

    # ------------------------------------------------------------------ business
    def _products_to_count(self):
        domain = [("jxc_track_stock", "=", True)]
        if self.product_ids:
            domain.append(("id", "in", self.product_ids.ids))
        if self.categ_id:
            domain.append(("categ_id", "child_of", self.categ_id.id))
        if not self.product_ids:
            # Without an explicit list: what the warehouse holds or ever held.
            self.env.cr.execute("SELECT product_id FROM jxc_stock_quant WHERE warehouse_id = %s", (self.warehouse_id.id,))
            domain.append(("id", "in", [r[0] for r in self.env.cr.fetchall()]))
        return self.env["product.product"].search(domain)

    def _prepare_snapshot_lines(self):
        products = self._products_to_count()
        quants = self.env["jxc.stock.quant"].search(
            [("warehouse_id", "=", self.warehouse_id.id), ("product_id", "in", products.ids)])
        qty = {q.product_id.id: q.quantity for q in quants}
        return [{"product_id": p.id, "system_qty": qty.get(p.id, 0.0), "counted_qty": qty.get(p.id, 0.0)}
                for p in products]

    def _refresh_costs(self):
        """Value the differences at the current moving average of the cost pool (costs are
        read and written for the counting keeper, who may not be allowed to see them)."""
        self = self.sudo()
        costs = self.env["jxc.stock.posting"]._average_costs(
            self.line_ids.mapped("product_id"), self.warehouse_id, self.company_id)
        by_cost = {}
        for line in self.line_ids:
            by_cost[costs[line.product_id.id]] = by_cost.get(costs[line.product_id.id], line.browse()) | line
        for cost, lines in by_cost.items():
            lines._write_state({"unit_cost": cost})

    def _prepare_picking(self, lines):
        return {
            "picking_type": "count",
            "warehouse_id": self.warehouse_id.id,
            "company_id": self.company_id.id,
            "date": self.date,
            "origin": self.name,
            "line_ids": [(0, 0, {"product_id": l.product_id.id, "uom_id": l.product_id.uom_id.id,
                                 "quantity": l.difference_qty}) for l in lines],
        }


class JxcStockCountLine(models.Model):
    _name = "jxc.stock.count.line"
    _description = "Stocktaking Line"
    _inherit = ["jxc.guarded.mixin", "jxc.field.access.mixin"]
    # jxc.guarded.mixin: lines are counted while the stocktaking is not validated; the system
    # quantity (snapshot) and the unit cost (moving average) are the system's.
    _jxc_parent_field = "count_id"
    _jxc_draft_states = ("draft", "counting")
    _jxc_control_fields = ("state", "system_qty", "unit_cost")
    _order = "count_id, product_id"

    count_id = fields.Many2one("jxc.stock.count", required=True, ondelete="cascade", index=True)
    state = fields.Selection(related="count_id.state", readonly=True)
    currency_id = fields.Many2one(related="count_id.currency_id", readonly=True)
    product_id = fields.Many2one("product.product", required=True,
                                 domain=[("jxc_track_stock", "=", True), ("active", "=", True)])
    uom_id = fields.Many2one(related="product_id.uom_id", readonly=True, string="Unit")
    system_qty = fields.Float("System Quantity", digits=dp.get_precision("Product Unit of Measure"), readonly=True)
    counted_qty = fields.Float("Counted Quantity", digits=dp.get_precision("Product Unit of Measure"))
    difference_qty = fields.Float("Difference", compute="_compute_difference", store=True,
                                  digits=dp.get_precision("Product Unit of Measure"), compute_sudo=True)
    unit_cost = fields.Float(digits=dp.get_precision("Product Price"), readonly=True,
        groups="jxc_addon.group_jxc_price")
    difference_value = fields.Monetary(compute="_compute_difference", store=True,
        groups="jxc_addon.group_jxc_price", compute_sudo=True)

    _sql_constraints = [
        ("count_product_uniq", "unique(count_id, product_id)", "Each product is counted on one line."),
    ]

    @api.depends("system_qty", "counted_qty", "unit_cost")
    def _compute_difference(self):
        for line in self:
            line.difference_qty = line.counted_qty - line.system_qty
            line.difference_value = line.count_id.currency_id.round(line.difference_qty * line.unit_cost) \
                if line.count_id.currency_id else line.difference_qty * line.unit_cost

    @api.constrains("counted_qty")
    def _check_counted_qty(self):
        if self.filtered(lambda l: l.counted_qty < 0):
            raise UserError(_("A counted quantity cannot be negative."))
