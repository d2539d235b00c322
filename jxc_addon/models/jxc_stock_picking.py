from collections import OrderedDict

from psycopg2.extras import execute_values

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare, float_is_zero
from odoo.tools.misc import format_date
from odoo.addons import decimal_precision as dp

from ..lib.formatting import format_qty
from .jxc_stock_posting import COST_AVERAGE, COST_VALUE

PICKING_STATES = [
    ("draft", "Draft"),
    ("done", "Validated"),
    ("cancel", "Cancelled"),
]
PICKING_TYPES = [
    ("receipt", "Receipt"),
    ("delivery", "Delivery"),
    ("transfer", "Internal Transfer"),
    ("other_in", "Other In"),
    ("other_out", "Other Out"),
    ("supplier_return", "Supplier Return"),
    ("customer_return", "Customer Return"),
    ("count", "Stocktaking"),
    ("opening", "Opening Balance"),
]
IN_TYPES = ("receipt", "other_in", "customer_return", "opening")
OUT_TYPES = ("delivery", "other_out", "supplier_return")
# Types whose lines carry the unit cost the user (or the purchase order) supplies.
COST_GIVEN_TYPES = ("receipt", "other_in", "opening")


class JxcStockPicking(models.Model):
    """出入库单: every stock document, from receipts to stocktaking, posts through here."""
    _name = "jxc.stock.picking"
    _description = "Stock Document"
    _inherit = ["jxc.guarded.mixin", "jxc.warehouse.document.mixin", "mail.thread", "barcodes.barcode_events_mixin",
                "jxc.field.access.mixin"]
    # jxc.guarded.mixin: what was posted stays as posted; logistics (carrier, tracking, shipping
    # status), the note and the responsible may still change.
    _jxc_control_fields = ("state", "move_id", "reversal_move_id", "done_date", "done_uid")
    _jxc_frozen_fields = ("picking_type", "date", "warehouse_id", "dest_warehouse_id", "partner_id", "reason_id",
                          "counterpart_account_id", "company_id", "origin", "purchase_id", "sale_id")
    _jxc_unlink_states = ("draft", "cancel")
    _order = "date desc, id desc"

    name = fields.Char("Number", required=True, copy=False, readonly=True, index=True, default=lambda self: _("New"))
    picking_type = fields.Selection(
        PICKING_TYPES, "Type", required=True, index=True, readonly=True,
        states={"draft": [("readonly", False)]}, track_visibility="onchange")
    state = fields.Selection(
        PICKING_STATES, default="draft", required=True, copy=False, index=True, readonly=True,
        track_visibility="onchange")
    date = fields.Date(
        required=True, index=True, default=fields.Date.context_today, copy=False,
        readonly=True, states={"draft": [("readonly", False)]},
        help="Accounting and ledger date of the document.")
    warehouse_id = fields.Many2one(
        "jxc.warehouse", "Warehouse", required=True, index=True, readonly=True,
        states={"draft": [("readonly", False)]}, track_visibility="onchange",
        default=lambda self: self.env["jxc.warehouse"]._jxc_default_warehouse(),
        domain=lambda self: self.env["jxc.warehouse"]._jxc_warehouse_choices())
    dest_warehouse_id = fields.Many2one(
        "jxc.warehouse", "Destination Warehouse", readonly=True,
        states={"draft": [("readonly", False)]}, track_visibility="onchange")
    partner_id = fields.Many2one(
        "res.partner", "Partner", index=True, readonly=True,
        states={"draft": [("readonly", False)]}, track_visibility="onchange")
    reason_id = fields.Many2one(
        "jxc.stock.reason", "Reason", readonly=True, states={"draft": [("readonly", False)]},
        domain="[('company_id', '=', company_id)]", track_visibility="onchange")
    counterpart_account_id = fields.Many2one(
        "account.account", "Counterpart Account", readonly=True,
        states={"draft": [("readonly", False)]},
        domain="[('company_id', '=', company_id), ('deprecated', '=', False)]",
        help="Account credited by an opening balance (e.g. an opening-balance or capital account).")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True,
        default=lambda self: self.env.user.company_id)
    currency_id = fields.Many2one(related="company_id.currency_id", readonly=True)
    user_id = fields.Many2one(
        "res.users", "Responsible", default=lambda self: self.env.user, track_visibility="onchange")
    origin = fields.Char("Source Document", readonly=True, states={"draft": [("readonly", False)]})
    note = fields.Text()
    line_ids = fields.One2many(
        "jxc.stock.picking.line", "picking_id", "Lines", copy=True, readonly=True,
        states={"draft": [("readonly", False)]})
    ledger_ids = fields.One2many("jxc.stock.ledger", "picking_id", "Ledger Rows", readonly=True)
    ledger_count = fields.Integer(compute="_compute_ledger_count")
    move_id = fields.Many2one("account.move", "Journal Entry", readonly=True, copy=False)
    reversal_move_id = fields.Many2one("account.move", "Reversal Entry", readonly=True, copy=False)
    amount_total = fields.Monetary("Value", compute="_compute_amount_total", store=True,
        groups="jxc_addon.group_jxc_price", compute_sudo=True)
    amount_estimated = fields.Monetary(
        "Estimated Value", compute="_compute_amount_estimated", compute_sudo=True,
        groups="jxc_addon.group_jxc_price",
        help="Quantity x unit cost of the lines of a draft receipt, other in or opening balance: what "
             "validating it should post (an order in a foreign currency is valued at the rate of the "
             "document date). The posted value is shown once the document is validated.")
    credit_blocked = fields.Boolean(
        "Refused by Credit Control", compute="_compute_credit_blocked",
        help="The credit control of the sales order refuses this delivery: a 进销存 Manager may override it.")
    purchase_id = fields.Many2one("jxc.purchase.order", "Purchase Order", readonly=True, index=True, copy=False,
                                  groups="jxc_addon.group_jxc_purchaser,jxc_addon.group_jxc_keeper,jxc_addon.group_jxc_accountant")
    sale_id = fields.Many2one("jxc.sale.order", "Sales Order", readonly=True, index=True, copy=False)
    carrier = fields.Char("Carrier", help="Logistics company or driver.")
    tracking_ref = fields.Char("Tracking Reference", index=True)
    shipped_date = fields.Date("Shipped on")
    expected_arrival = fields.Date("Expected Arrival")
    shipping_status = fields.Selection([("shipped", "Shipped"), ("delivered", "Arrived")], "Shipping Status",
                                       track_visibility="onchange")
    done_date = fields.Datetime("Validated on", readonly=True, copy=False)
    done_uid = fields.Many2one("res.users", "Validated by", readonly=True, copy=False)

    @api.depends("line_ids.value")
    def _compute_amount_total(self):
        for picking in self:
            picking.amount_total = sum(picking.line_ids.mapped("value"))

    @api.depends("state", "picking_type", "line_ids.quantity", "line_ids.unit_cost")
    def _compute_amount_estimated(self):
        for picking in self:
            estimated = 0.0
            if picking.state == "draft" and picking.picking_type in COST_GIVEN_TYPES:
                estimated = picking.currency_id.round(sum(l.quantity * l.unit_cost for l in picking.line_ids))
            picking.amount_estimated = estimated

    @api.depends("state", "picking_type")
    def _compute_credit_blocked(self):
        for picking in self:
            sale = picking.sudo().sale_id
            picking.credit_blocked = bool(
                picking.state == "draft" and picking.picking_type == "delivery" and sale
                and sale._credit_problem(picking._sale_amount()))

    @api.multi
    def _compute_ledger_count(self):
        data = self.env["jxc.stock.ledger"].read_group(
            [("picking_id", "in", self.ids)], ["picking_id"], ["picking_id"])
        counts = {d["picking_id"][0]: d["picking_id_count"] for d in data}
        for picking in self:
            picking.ledger_count = counts.get(picking.id, 0)

    @api.constrains("picking_type", "warehouse_id", "dest_warehouse_id")
    def _check_transfer_warehouses(self):
        # (as the system: a user's warehouse rules refuse his new document afterwards, as an access error)
        for picking in self.sudo():
            if picking.picking_type == "transfer" and (
                    not picking.dest_warehouse_id or picking.dest_warehouse_id == picking.warehouse_id):
                raise ValidationError(_("A transfer needs a destination warehouse other than its source."))
            if picking.dest_warehouse_id and picking.dest_warehouse_id.company_id != picking.company_id:
                raise ValidationError(_("A transfer stays within one company."))

    @api.onchange("warehouse_id")
    def _onchange_warehouse_id(self):
        if self.warehouse_id:
            self.company_id = self.warehouse_id.company_id

    @api.model
    def create(self, vals):
        if vals.get("name", "/") in ("/", _("New")):
            code = "jxc.stock.picking.%s" % vals.get("picking_type", self._context.get("default_picking_type"))
            vals["name"] = self.env["ir.sequence"].next_by_code(code) or "/"
        return super().create(vals)

    @api.multi
    def unlink(self):
        for picking in self:
            if picking.state == "done" or picking.ledger_ids:
                raise UserError(_("%s was validated: reverse (unvalidate) it instead of deleting it.") % picking.name)
        return super().unlink()

    @api.multi
    def copy(self, default=None):
        default = dict(default or {}, name="/")
        return super().copy(default)

    # ------------------------------------------------------------------ buttons
    @api.multi
    def button_done(self):
        """审核: post the document to stock, the ledger and the books."""
        self.env["jxc.stock.posting"]._take_replay_locks_first()
        # The posting service writes with SQL: check the user's rights before it runs.
        self._check_posting_access()
        for picking in self:
            picking._lock_for_transition("draft")
            picking._check_lock_dates(picking.date)
            lines = picking._line_data()
            picking._check_can_post(lines)
            sale = picking.sudo().sale_id
            if sale and picking.picking_type == "delivery":
                sale._check_credit(picking._sale_amount())
            movements = picking._prepare_movements(lines)
            rows, move = self.env["jxc.stock.posting"]._post_movements(
                movements, picking.date, picking.name, picking.company_id, picking.id, picking._create_account_move)
            picking._write_line_values(rows)
            picking._consume_reservations(movements)
            picking._write_state({
                "state": "done", "move_id": move.id,
                "done_date": fields.Datetime.now(), "done_uid": self.env.uid,
            })
        return True

    @api.multi
    def button_cancel(self):
        """反审核: a done document gets reversal ledger rows and a reversal entry; nothing is deleted."""
        self.env["jxc.stock.posting"]._take_replay_locks_first()
        self._check_posting_access()
        for picking in self:
            if picking.state == "cancel":
                raise UserError(_("%s is already cancelled.") % picking.name)
            if picking.state == "draft":
                picking._write_state({"state": "cancel"})
                continue
            picking._lock_for_transition("done")
            # The reversal is dated today, whatever the document's own date.
            reversal_date = fields.Date.context_today(self)
            picking._check_lock_dates(reversal_date, reversal=True)
            picking._check_posting_accounts()
            # Values are read for keepers who may not see them: the reversal takes them back exactly.
            originals = picking.sudo().ledger_ids.filtered(lambda r: r.kind != "reversal").sorted("id")
            # Transfers, other in/out, stocktaking and opening balances have no partner: NULL, not False.
            movements = [{
                "product": row.product_id, "warehouse": row.warehouse_id, "qty": -row.quantity,
                "cost": COST_VALUE, "value": -row.value, "line_id": row.picking_line_id or None,
                "partner_id": row.partner_id.id or None, "kind": "reversal", "reversed_id": row.id,
            } for row in reversed(originals)]
            kinds = {row.id: row.kind for row in originals}

            def make_reversal_entry(rows, picking=picking, kinds=kinds):
                for row in rows:
                    if row["kind"] == "reversal":
                        row["reversal_of_kind"] = kinds[row["reversed_id"]]
                return picking._create_account_move(rows, reversal=True)
            _rows, move = self.env["jxc.stock.posting"]._post_movements(
                movements, reversal_date, picking.name, picking.company_id, picking.id, make_reversal_entry)
            picking._write_state({"state": "cancel", "reversal_move_id": move.id})
        return True

    @api.multi
    def button_draft(self):
        self._check_posting_access()
        for picking in self:
            if picking.state != "cancel" or picking.ledger_ids:
                raise UserError(_(
                    "Only a cancelled document that was never validated can go back to draft; "
                    "duplicate %s instead.") % picking.name)
        return self._write_state({"state": "draft"})

    # ------------------------------------------------------------------ actions
    @api.multi
    def action_view_ledger(self):
        self.ensure_one()
        action = self.env.ref("jxc_addon.jxc_stock_ledger_action").read()[0]
        action["domain"] = [("picking_id", "=", self.id)]
        action["context"] = {}
        return action

    @api.multi
    def action_view_move(self):
        self.ensure_one()
        moves = self.move_id | self.reversal_move_id
        action = self.env.ref("account.action_move_journal_line").read()[0]
        action["domain"] = [("id", "in", moves.ids)]
        action["context"] = {}
        if len(moves) == 1:
            action.update(views=[(False, "form")], res_id=moves.id)
        return action

    @api.multi
    def action_create_return(self):
        """A draft return of what this receipt (delivery) brought in (sent out) and was not yet
        returned; each line goes back at the cost its original line was posted with."""
        self.ensure_one()
        kinds = {"receipt": "supplier_return", "delivery": "customer_return"}
        if self.state != "done" or self.picking_type not in kinds:
            raise UserError(_("Only a validated receipt or delivery can be returned."))
        lines = [(0, 0, vals) for vals in self._prepare_return_lines()]
        if not lines:
            raise UserError(_("Everything on %s was already returned.") % self.name)
        picking = self.create({
            "picking_type": kinds[self.picking_type], "warehouse_id": self.warehouse_id.id,
            "partner_id": self.partner_id.id, "company_id": self.company_id.id, "origin": self.name,
            "purchase_id": self.sudo().purchase_id.id, "sale_id": self.sudo().sale_id.id, "line_ids": lines,
        })
        return picking._action_open_form()

    @api.multi
    def action_open_credit_override(self):
        """The wizard in which a Manager gives the reason, then validates the delivery."""
        self.ensure_one()
        self.env["jxc.sale.order"]._check_credit_override_right()
        return self.env["jxc.credit.override.wizard"]._action_open({"default_picking_id": self.id})

    def _action_open_form(self):
        self.ensure_one()
        return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": self.id,
                "view_mode": "form", "views": [(False, "form")]}

    def _sale_amount(self):
        """What this delivery will be invoiced, for the credit check."""
        total = 0.0
        for line in self.sudo().line_ids.filtered("sale_line_id"):
            sale_line = line.sale_line_id
            if sale_line.product_qty:
                total += (sale_line.price_subtotal + sale_line.price_tax) * line.quantity / sale_line.product_qty
        return total

    def _consume_reservations(self, movements):
        """The order lines delivered here no longer hold what was taken from their reservation."""
        taken = {}  # sale line id: quantity taken from its reservation, in the product unit
        for movement in movements:
            if movement.get("reserved"):
                taken[movement["sale_line_id"]] = taken.get(movement["sale_line_id"], 0.0) + movement["reserved"]
        sale_lines = self.env["jxc.sale.order.line"].sudo().browse(list(taken))
        sale_lines._write_reserved([
            max(line.qty_reserved - line.product_id.uom_id._compute_quantity(taken[line.id], line.uom_id, round=False),
                0.0)
            for line in sale_lines])

    def _prepare_return_lines(self):
        """Lines taking back what each line of these documents moved and was not returned yet."""
        returned = self.env["jxc.stock.picking.line"].search(
            [("origin_line_id", "in", self.mapped("line_ids").ids), ("picking_id.state", "!=", "cancel")])
        lines = []
        for line in self.mapped("line_ids"):
            remaining = line.quantity - sum(returned.filtered(lambda r: r.origin_line_id == line).mapped(
                lambda r: r.uom_id._compute_quantity(r.quantity, line.uom_id, round=False)))
            if float_compare(remaining, 0, precision_rounding=line.uom_id.rounding) > 0:
                lines.append({"product_id": line.product_id.id, "uom_id": line.uom_id.id,
                              "quantity": remaining, "origin_line_id": line.id,
                              "purchase_line_id": line.sudo().purchase_line_id.id,
                              "sale_line_id": line.sudo().sale_line_id.id})
        return lines

    # ------------------------------------------------------------------ barcode
    def on_barcode_scanned(self, barcode):
        """A product's barcode adds one product unit, a packaging unit's barcode (箱(12)) its
        quantity in the product unit: to the product's line in its unit, else to its line in
        another unit (converted), else on a new line in the product unit."""
        if self.state != "draft":
            return
        product, _unit, qty = self.env["product.product"]._jxc_find_by_barcode(barcode)
        if not product:
            return {"warning": {
                "title": _("Unknown barcode"),
                "message": _("No product has the barcode %s.") % barcode}}
        lines = self.line_ids.filtered(lambda l: l.product_id == product)
        line = lines.filtered(lambda l: l.uom_id == product.uom_id)[:1] or lines[:1]
        if line:
            line.quantity += product.uom_id._compute_quantity(qty, line.uom_id, round=False)
        else:
            self.line_ids += self.line_ids.new(self._prepare_barcode_line(product, qty))

    def _prepare_barcode_line(self, product, qty=1.0):
        return {"product_id": product.id, "uom_id": product.uom_id.id, "quantity": qty,
                "unit_cost": product.standard_price if self.picking_type in COST_GIVEN_TYPES else 0.0}

    # ------------------------------------------------------------------ posting
    def _check_posting_access(self):
        self.check_access_rights("write")
        self.check_access_rule("write")

    def _lock_for_transition(self, expected_state):
        """Lock the document row and check its state, so a double click or a replayed
        request cannot post it twice."""
        state = self.env["jxc.stock.posting"]._lock_rows("jxc_stock_picking", [self.id])[0]["state"]
        if state != expected_state:
            raise UserError(_("%s is no longer %s; reload it.") % (
                self.name, dict(self._fields["state"]._description_selection(self.env))[expected_state]))

    def _check_lock_dates(self, date, reversal=False):
        """Refuse to post on `date` (the document's date, or today for a reversal) when the books
        are locked then, with the rights of the user who posts: the lock date for non-advisers
        binds everyone who is not an accounting adviser, the fiscal-year lock date binds everyone.
        The entry itself is written as the system, for which Odoo would apply only the latter:
        checked here, before anything is written."""
        company = self.company_id.sudo()
        locks = [(company.fiscalyear_lock_date, True)]
        if not self.env.user.has_group("account.group_account_manager"):
            locks.append((company.period_lock_date, False))
        for lock_date, everyone in locks:
            if lock_date and date <= lock_date:
                values = {
                    "action": (_("Reversing %s") if reversal else _("Validating %s")) % self.name,
                    "date": format_date(self.env, date), "company": company.name,
                    "lock": format_date(self.env, lock_date)}
                if everyone:
                    raise UserError(_(
                        "%(action)s on %(date)s is refused: the books of %(company)s are locked up to "
                        "%(lock)s included, for everyone.") % values)
                raise UserError(_(
                    "%(action)s on %(date)s is refused: the books of %(company)s are locked up to "
                    "%(lock)s included, except for accounting advisers.") % values)

    def _line_data(self):
        """Everything posting needs from the lines, in a few queries driven by keys (documents
        can have thousands of lines, freshly inserted: no plan may depend on table statistics)."""
        cr = self.env.cr
        cr.execute("""
            SELECT id, product_id, uom_id, origin_line_id, purchase_line_id, sale_line_id,
                   COALESCE(rejected_qty, 0) AS rejected_qty, COALESCE(quantity, 0) AS quantity,
                   COALESCE(product_qty, 0) AS product_qty, COALESCE(unit_cost, 0) AS unit_cost
              FROM jxc_stock_picking_line WHERE picking_id = %s ORDER BY sequence, id
        """, (self.id,))
        lines = cr.dictfetchall()
        if not lines:
            return lines
        cr.execute("""
            SELECT p.id, COALESCE(t.jxc_track_stock, FALSE) AND t.type <> 'service', t.uom_id,
                   COALESCE(p.active, FALSE) AND COALESCE(t.active, FALSE)
              FROM product_product p JOIN product_template t ON t.id = p.product_tmpl_id
             WHERE p.id = ANY(%s)
        """, ([l["product_id"] for l in lines],))
        products = {pid: (tracked, uom_id, active) for pid, tracked, uom_id, active in cr.fetchall()}
        origin_costs = {}
        origin_ids = [l["origin_line_id"] for l in lines if l["origin_line_id"]]
        if origin_ids:
            cr.execute("SELECT id, posted_unit_cost FROM jxc_stock_picking_line WHERE id = ANY(%s)", (origin_ids,))
            origin_costs = dict(cr.fetchall())
        uoms = {u.id: u for u in self.env["product.uom"].browse(
            {l["uom_id"] for l in lines} | {uom_id for _t, uom_id, _a in products.values()})}
        for line in lines:
            tracked, product_uom_id, active = products[line["product_id"]]
            uom = uoms[line["uom_id"]]
            line.update(tracked=tracked, active=active, rounding=uom.rounding,
                        wrong_uom=uom.category_id != uoms[product_uom_id].category_id,
                        origin_cost=origin_costs.get(line["origin_line_id"]))
        return lines

    def _check_can_post(self, lines):
        if not lines:
            raise UserError(_("%s has no lines to validate.") % self.name)
        Product = self.env["product.product"]
        if self.picking_type == "count":
            if any(float_is_zero(l["quantity"], precision_rounding=l["rounding"]) for l in lines):
                raise UserError(_("Stocktaking lines need a non-zero difference."))
        elif any(float_compare(l["quantity"], 0, precision_rounding=l["rounding"]) < 0 or l["rejected_qty"] < 0
                 or float_compare(l["quantity"] + l["rejected_qty"], 0, precision_rounding=l["rounding"]) <= 0
                 for l in lines):
            raise UserError(_("Quantities must be positive (%s).") % self.name)
        if self.picking_type != "receipt" and any(l["rejected_qty"] for l in lines):
            raise UserError(_("Rejected quantities are recorded on receipts only (%s).") % self.name)
        if any(l["unit_cost"] < 0 for l in lines):
            raise UserError(_("Unit costs cannot be negative (%s).") % self.name)
        Product.browse({l["product_id"] for l in lines if not l["active"]})._jxc_check_active(self.name)
        untracked = Product.browse({l["product_id"] for l in lines if not l["tracked"]})
        if untracked:
            raise UserError(_("These products are not tracked in stock: %s") % ", ".join(untracked.mapped("display_name")))
        wrong_uom = [l for l in lines if l["wrong_uom"]]
        if wrong_uom:
            raise UserError(_("The unit of %s is not in the category of its product unit.")
                            % Product.browse(wrong_uom[0]["product_id"]).display_name)
        companies = (self.warehouse_id | self.dest_warehouse_id).mapped("company_id")
        if companies != self.company_id:
            raise UserError(_("The warehouses of %s belong to another company.") % self.name)
        if self.picking_type in ("other_in", "other_out"):
            if not self.reason_id:
                raise UserError(_("Other in/out documents need a reason."))
            if self.reason_id.direction != ("in" if self.picking_type == "other_in" else "out"):
                raise UserError(_("The reason %s is not for this direction.") % self.reason_id.name)
        if self.picking_type == "opening" and not self.counterpart_account_id:
            raise UserError(_("An opening balance needs the account it is posted against."))
        self._check_return_quantities(lines)
        self._check_posting_accounts()

    def _check_posting_accounts(self):
        """Fail before writing anything if an account of the entry is missing or may not be
        posted to (revaluations against cost of goods sold are checked with the entry)."""
        counterpart = self._counterpart_account()
        stock_account = self.company_id._jxc_get_setting("jxc_stock_valuation_account_id")
        journal = self.company_id._jxc_get_setting("jxc_stock_journal_id")
        if counterpart is not None:
            self._check_entry_accounts(stock_account | counterpart, journal)

    def _check_return_quantities(self, lines):
        """A return takes back lines of a validated receipt (supplier return) or delivery (customer
        return), each at most what its line moved less what validated returns already took back,
        compared in the product unit."""
        origin_type = {"supplier_return": "receipt", "customer_return": "delivery"}.get(self.picking_type)
        if not origin_type:
            return
        taken = OrderedDict()
        for line in lines:
            if line["origin_line_id"]:
                taken[line["origin_line_id"]] = taken.get(line["origin_line_id"], 0.0) + line["product_qty"]
        if not taken:
            return
        self.env.cr.execute("""
            SELECT o.id, o.product_id, COALESCE(o.product_qty, 0), p.name, p.picking_type, p.state,
                   (SELECT COALESCE(SUM(r.product_qty), 0)
                      FROM jxc_stock_picking_line r JOIN jxc_stock_picking rp ON rp.id = r.picking_id
                     WHERE r.origin_line_id = o.id AND rp.state = 'done' AND rp.picking_type = %s
                       AND rp.id <> %s)
              FROM jxc_stock_picking_line o JOIN jxc_stock_picking p ON p.id = o.picking_id
             WHERE o.id = ANY(%s)
        """, (self.picking_type, self.id, list(taken)))
        origins = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        precision = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        for origin_id, qty in taken.items():
            product_id, moved, origin_name, kind, state, returned = origins[origin_id]
            product = self.env["product.product"].browse(product_id)
            if kind != origin_type or state != "done":
                message = (_("A supplier return takes back lines of a validated receipt: %(origin)s is not "
                             "one (%(product)s on %(name)s).") if origin_type == "receipt" else
                           _("A customer return takes back lines of a validated delivery: %(origin)s is not "
                             "one (%(product)s on %(name)s)."))
                raise UserError(message % {"origin": origin_name, "product": product.display_name,
                                           "name": self.name})
            if float_compare(returned + qty, moved, precision_digits=precision) > 0:
                message = (_("%(name)s returns %(qty)s of %(product)s, but %(origin)s received %(moved)s and "
                             "%(returned)s were already returned: at most %(left)s can go back.")
                           if origin_type == "receipt" else
                           _("%(name)s takes back %(qty)s of %(product)s, but %(origin)s delivered %(moved)s and "
                             "%(returned)s were already returned: at most %(left)s can come back."))
                uom = product.uom_id
                raise UserError(message % {
                    "name": self.name, "product": product.display_name, "origin": origin_name,
                    "qty": format_qty(self.env, qty, uom), "moved": format_qty(self.env, moved, uom),
                    "returned": format_qty(self.env, returned, uom),
                    "left": format_qty(self.env, max(moved - returned, 0.0), uom)})

    def _prepare_movements(self, lines):
        """Movements for the posting service, one (two for a transfer) per line, in line order."""
        products = self.env["product.product"].browse([l["product_id"] for l in lines])
        round_money = self.currency_id.round
        partner_id = self.partner_id.commercial_partner_id.id or None
        # Blind receiving: keepers who may not see prices still post at the order price.
        purchase_lines = self.env["jxc.purchase.order.line"].sudo().browse(
            [l["purchase_line_id"] for l in lines if l["purchase_line_id"]])
        sale_lines = self.env["jxc.sale.order.line"].sudo().browse(
            [l["sale_line_id"] for l in lines if l["sale_line_id"]])
        movements = []
        for line, product in zip(lines, products):
            qty = line["product_qty"]
            if not qty:
                continue  # all rejected at inspection
            if line["purchase_line_id"] and self.picking_type == "receipt":
                # Foreign-currency orders are valued at the rate of the receipt date; the order's
                # price per its line's unit (60 a 箱(12)) is taken per the receipt line's (5 a piece).
                purchase_line = purchase_lines.browse(line["purchase_line_id"])
                line["unit_cost"] = purchase_line.uom_id._compute_price(
                    purchase_line._receipt_unit_cost(self.date), self.env["product.uom"].browse(line["uom_id"]))
            base = {"product": product, "warehouse": self.warehouse_id, "line_id": line["id"],
                    "partner_id": partner_id}
            given_value = round_money(line["quantity"] * line["unit_cost"])
            if self.picking_type in COST_GIVEN_TYPES:
                movements.append(dict(base, qty=qty, cost=COST_VALUE, value=given_value))
            elif self.picking_type in ("customer_return", "supplier_return"):
                sign = 1 if self.picking_type == "customer_return" else -1
                if line["origin_line_id"]:
                    # Back at the cost the returned line was posted with.
                    value = round_money(qty * (line["origin_cost"] or 0.0))
                    movements.append(dict(base, qty=sign * qty, cost=COST_VALUE, value=sign * value))
                elif sign > 0 and line["unit_cost"]:
                    movements.append(dict(base, qty=qty, cost=COST_VALUE, value=given_value))
                else:
                    movements.append(dict(base, qty=sign * qty, cost=COST_AVERAGE))
            elif self.picking_type == "transfer":
                movements.append(dict(base, qty=-qty, cost=COST_AVERAGE))
                movements.append(dict(base, warehouse=self.dest_warehouse_id, qty=qty,
                                      value_of=len(movements) - 1))
            elif self.picking_type == "count":
                movements.append(dict(base, qty=qty, cost=COST_AVERAGE))
            else:
                reserved = 0.0
                if line["sale_line_id"] and self.picking_type == "delivery":
                    sale_line = sale_lines.browse(line["sale_line_id"])
                    reserved = min(qty, sale_line._product_qty(sale_line.qty_reserved))
                movements.append(dict(base, qty=-qty, cost=COST_AVERAGE, reserved=reserved,
                                      sale_line_id=line["sale_line_id"]))
        return movements

    def _write_line_values(self, rows):
        """Store each line's posted value and unit cost (what an out actually cost)."""
        totals = OrderedDict()
        for row in rows:
            if row["picking_line_id"] and row["kind"] == "move" and row["warehouse_id"] == self.warehouse_id.id:
                total = totals.setdefault(row["picking_line_id"], [0.0, 0.0])
                total[0] += row["quantity"]
                total[1] += row["value"]
        if not totals:
            return
        self.env.cr.execute("""
            UPDATE jxc_stock_picking_line l
               SET value = v.value, posted_unit_cost = v.unit_cost
              FROM unnest(%s::int[], %s::numeric[], %s::numeric[]) AS v(id, value, unit_cost)
             WHERE l.id = v.id
        """, (list(totals), [abs(value) for _qty, value in totals.values()],
              [abs(value / qty) if qty else 0.0 for qty, value in totals.values()]))
        self.line_ids.invalidate_cache(["value", "posted_unit_cost"])
        self.invalidate_cache(["amount_total"])
        self.env.cr.execute("UPDATE jxc_stock_picking SET amount_total = %s WHERE id = %s",
                            (sum(abs(v) for _q, v in totals.values()), self.id))

    def _counterpart_account(self):
        """The account facing stock valuation in this document's entry (None: no entry)."""
        company = self.company_id
        kind = self.picking_type
        if kind == "transfer":
            return None
        if kind in ("receipt", "supplier_return"):
            return company._jxc_get_setting("jxc_grni_account_id")
        if kind in ("delivery", "customer_return"):
            return company._jxc_get_setting("jxc_cogs_account_id")
        if kind in ("other_in", "other_out"):
            return self.reason_id.account_id
        if kind == "count":
            return company._jxc_get_setting("jxc_inventory_diff_account_id")
        return self.counterpart_account_id

    def _create_account_move(self, rows, reversal=False):
        """One balanced entry for the document: stock valuation against its counterpart,
        grouped by account, product and partner. Revaluations of stock that was negative
        go against cost of goods sold."""
        # Keepers post stock documents without accounting rights: the entry is written as the
        # system, then stamped with the user who posted the document.
        user = self.env.user
        self = self.sudo()
        counterpart = self._counterpart_account()
        company = self.company_id
        stock_account = company.jxc_stock_valuation_account_id
        groups = OrderedDict()
        for row in rows:
            if not row["value"]:
                continue
            kind = row.get("reversal_of_kind", row["kind"]) if reversal else row["kind"]
            account = company._jxc_get_setting("jxc_cogs_account_id") if kind == "revaluation" else counterpart
            if account is None:
                continue
            for acc, amount in ((stock_account, row["value"]), (account, -row["value"])):
                key = (acc.id, row["product_id"], row["partner_id"])
                groups[key] = groups.get(key, 0.0) + amount
        currency = company.currency_id
        lines = [self._prepare_account_move_line_vals(account_id, product_id, partner_id, currency.round(amount))
                 for (account_id, product_id, partner_id), amount in groups.items()
                 if not currency.is_zero(amount)]
        if not lines:
            return self.env["account.move"]
        move_vals = self._prepare_account_move_vals(rows[0]["date"], reversal)
        self._check_entry_accounts(
            self.env["account.account"].browse({line["account_id"] for line in lines}),
            self.env["account.journal"].browse(move_vals["journal_id"]))
        move = self.env["account.move"].create(move_vals)
        self._insert_move_lines(move, lines, user)
        self._post_account_move(move, user)
        return move

    def _prepare_account_move_vals(self, date, reversal=False):
        """Values of the document's journal entry (created in draft, its lines follow)."""
        company = self.company_id
        return {
            "journal_id": company._jxc_get_setting("jxc_stock_journal_id").id,
            "date": date,
            "ref": self.name if not reversal else _("Reversal of %s") % self.name,
            "company_id": company.id,
        }

    def _prepare_account_move_line_vals(self, account_id, product_id, partner_id, amount):
        """Values of one journal item, as for account.move.line.create(): a module may add
        keys (analytic account, tags...), they are stored with the line."""
        return {
            "name": self.name,
            "quantity": 0.0,
            "product_uom_id": False,
            "account_id": account_id,
            "product_id": product_id,
            "partner_id": partner_id,
            "debit": amount if amount > 0 else 0.0,
            "credit": -amount if amount < 0 else 0.0,
        }

    def _check_entry_accounts(self, accounts, journal):
        """What account.move.line.create() checks, made before anything is written (the
        journal items are inserted in one statement): no deprecated account, and the accounts
        allowed by the journal's entry controls (account types and accounts)."""
        journal = journal.sudo()
        controlled = journal.type_control_ids or journal.account_control_ids
        for account in accounts.sudo():
            if account.deprecated:
                raise UserError(_(
                    "The account %(account)s is deprecated: %(document)s cannot post to it. Choose an "
                    "account in use in 进销存 > Configuration > Settings (or on the document's reason or "
                    "counterpart account).") % {"account": account.display_name, "document": self.name})
            if controlled and account.user_type_id not in journal.type_control_ids \
                    and account not in journal.account_control_ids:
                raise UserError(_(
                    "The journal %(journal)s does not accept the account %(account)s (see Entry Controls "
                    "on the journal): %(document)s cannot post to it.") % {
                    "journal": journal.display_name, "account": account.display_name, "document": self.name})

    def _post_account_move(self, move, user):
        """Post the entry through account.move.post(): its checks (balance, one company, lock
        date), its numbering and whatever other modules add to posting (analytic lines, hash
        chains...), then give it to the user who posted the document."""
        move_lines = move.line_ids
        residual_fields = [move_lines._fields[name]
                           for name in ("amount_residual", "amount_residual_currency", "reconciled")]
        with self.env.norecompute():
            move.post()
            # Posting marks the items' residuals for recomputation (they depend on the entry's
            # state), yet does not change them: the INSERT stored what Odoo computes for items
            # matched with nothing. Recomputing them writes one UPDATE per distinct amount,
            # thousands for a big receipt: skipped for the items still unmatched, the rest is
            # recomputed as usual.
            self.env.cr.execute("""
                SELECT debit_move_id, credit_move_id FROM account_partial_reconcile
                 WHERE debit_move_id = ANY(%(ids)s) OR credit_move_id = ANY(%(ids)s)
            """, {"ids": move_lines.ids})
            matched = {line_id for row in self.env.cr.fetchall() for line_id in row}
            unmatched = move_lines.filtered(lambda line: line.id not in matched) if matched else move_lines
            for field in residual_fields:
                self.env.remove_todo(field, unmatched)
        move.recompute()
        self.env.cr.execute("UPDATE account_move SET create_uid = %s, write_uid = %s WHERE id = %s",
                            (user.id, user.id, move.id))
        move.invalidate_cache(["create_uid", "write_uid"], move.ids)

    # account.move.line columns the INSERT fills from the amounts, the account and the entry,
    # as the ORM computes or relates them.
    _MOVE_LINE_DERIVED = (
        "balance", "debit_cash_basis", "credit_cash_basis", "balance_cash_basis", "company_currency_id",
        "amount_residual", "amount_residual_currency", "tax_base_amount", "move_id", "ref", "reconciled",
        "journal_id", "date", "company_id", "user_type_id", "create_uid", "create_date", "write_uid",
        "write_date")

    @api.model
    def _column_converter(self, field):
        """field.convert_to_column(), as the ORM stores a value given to create(), with shortcuts
        for the common types (called for every column of thousands of lines)."""
        records = self.env[field.model_name]
        if field.type == "many2one":
            return lambda value, line: value or None
        if field.type == "monetary":
            # Without the currency among the values the ORM stores the float as given.
            return lambda value, line: float(value or 0.0)
        if field.type == "float":
            return lambda value, line: field.convert_to_column(value, records, line) if value else 0.0
        return lambda value, line: field.convert_to_column(value, records, line)

    # Keys of _prepare_account_move_line_vals and the columns given a default when missing.
    _MOVE_LINE_BASE = (
        "name", "quantity", "product_uom_id", "account_id", "product_id", "partner_id", "debit", "credit",
        "amount_currency", "currency_id", "blocked", "date_maturity", "tax_exigible")

    def _insert_move_lines(self, move, lines, user):
        """Write the entry's lines in one statement, with the values Odoo 11 would compute and
        store for them (balance, residual, cash basis, related fields): creating thousands of
        lines through the ORM takes minutes. Every key of the prepared values reaches the line:
        a stored column is inserted as the ORM converts it, any other field (many2many...) is
        written through the ORM afterwards. The move's own stored totals follow."""
        Line = self.env["account.move.line"]
        company = move.company_id
        accounts = {a.id: a for a in self.env["account.account"].browse({l["account_id"] for l in lines})}
        keys = OrderedDict()
        for line in lines:
            keys.update(dict.fromkeys(line))
        unknown = [key for key in keys if key not in Line._fields]
        if unknown:
            raise ValueError("Unknown journal item fields from %s: %s" % (self.name, ", ".join(unknown)))
        columns = [key for key in keys if Line._fields[key].store and Line._fields[key].column_type
                   and key not in self._MOVE_LINE_DERIVED]
        others = [key for key in keys if key not in columns and key not in self._MOVE_LINE_DERIVED]
        columns += [key for key in ("amount_currency", "currency_id", "blocked", "date_maturity", "tax_exigible")
                    if key not in columns]
        defaults = {"amount_currency": 0.0, "currency_id": False, "blocked": False, "date_maturity": move.date,
                    "tax_exigible": True}
        converters = list(zip(columns, [self._column_converter(Line._fields[key]) for key in columns]))
        # Read once what every line repeats: its account's and the entry's values.
        account_values = {account_id: (account.reconcile or account.internal_type == "liquidity",
                                       account.company_id.id, account.user_type_id.id)
                          for account_id, account in accounts.items()}
        now = fields.Datetime.now()
        entry_values = (company.currency_id.id, move.id, move.ref, move.journal_id.id, move.date)
        user_values = (user.id, now, user.id, now)
        values = []
        for line in lines:
            line = dict(defaults, **line)
            reconcilable, company_id, user_type_id = account_values[line["account_id"]]
            debit, credit = line.get("debit") or 0.0, line.get("credit") or 0.0
            balance = debit - credit
            residual = residual_currency = 0.0
            if reconcilable:
                residual = balance
                if line["currency_id"] and line["amount_currency"]:
                    residual_currency = abs(line["amount_currency"]) * (1 if balance > 0 else -1)
            values.append(tuple(convert(line.get(key, False), line) for key, convert in converters)
                          + (balance, debit, credit, balance, residual, residual_currency, 0.0, False)
                          + entry_values + (company_id, user_type_id) + user_values)
        ids = execute_values(self.env.cr, """
            INSERT INTO account_move_line (%s, balance, debit_cash_basis, credit_cash_basis, balance_cash_basis,
                amount_residual, amount_residual_currency, tax_base_amount, reconciled,
                company_currency_id, move_id, ref, journal_id, date, company_id, user_type_id,
                create_uid, create_date, write_uid, write_date)
            VALUES %%s RETURNING id
        """ % ", ".join('"%s"' % column for column in columns), values, page_size=1000, fetch=True)
        move_lines = Line.browse([line_id for line_id, in ids])
        extra = [key for key in columns if key not in self._MOVE_LINE_BASE]
        if extra:
            # Stored fields of other modules computed from the added values.
            move_lines.modified(extra)
            move_lines.recompute()
        if others:
            by_values = OrderedDict()  # lines with the same values are written together
            for line_id, line in zip(move_lines.ids, lines):
                vals = {key: line[key] for key in others if key in line}
                by_values.setdefault(repr(sorted(vals.items())), (vals, []))[1].append(line_id)
            for vals, line_ids in by_values.values():
                Line.browse(line_ids).with_context(check_move_validity=False).write(vals)
        partners = {l["partner_id"] for l in lines if l["partner_id"]}
        payable_types = ("receivable", "payable")
        matched = 0.0 if any(accounts[l["account_id"]].user_type_id.type in payable_types for l in lines) else 1.0
        self.env.cr.execute("""
            UPDATE account_move SET amount = %s, partner_id = %s, matched_percentage = %s WHERE id = %s
        """, (sum(l["debit"] for l in lines), partners.pop() if len(partners) == 1 else None, matched, move.id))
        move.invalidate_cache()
        # What posting reads of the new lines is what was just written: cache it, as create() does,
        # rather than read thousands of rows back (the rest is read on demand). In the entry's
        # environment: account.move.create() returns it with a context of its own, and x2many
        # fields are cached per context.
        def cache(record, field, value):
            move.env.cache.set(record, field, field.convert_to_cache(value, record, validate=False))
        move_lines = move_lines.with_env(move.env)
        # in the order of account.move.line (date desc, id desc)
        cache(move, move._fields["line_ids"], move_lines.browse(sorted(move_lines.ids, reverse=True)))
        company_field, analytic_field, analytic_lines_field = (
            Line._fields[name] for name in ("company_id", "analytic_account_id", "analytic_line_ids"))
        no_analytic_lines = self.env["account.analytic.line"]
        for move_line, line in zip(move_lines, lines):
            cache(move_line, company_field, account_values[line["account_id"]][1])
            cache(move_line, analytic_field, line.get("analytic_account_id") or False)
            cache(move_line, analytic_lines_field, no_analytic_lines)


class JxcStockPickingLine(models.Model):
    _name = "jxc.stock.picking.line"
    _description = "Stock Document Line"
    _inherit = ["jxc.guarded.mixin", "jxc.field.access.mixin"]
    _order = "picking_id, sequence, id"
    # jxc.guarded.mixin: a line changes only while its document is a draft (the posted value and
    # unit cost are written by the posting).
    _jxc_parent_field = "picking_id"
    _jxc_control_fields = ("state", "value", "posted_unit_cost")

    picking_id = fields.Many2one("jxc.stock.picking", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    picking_type = fields.Selection(related="picking_id.picking_type", readonly=True)
    state = fields.Selection(related="picking_id.state", readonly=True)
    company_id = fields.Many2one(related="picking_id.company_id", store=True, readonly=True)
    currency_id = fields.Many2one(related="picking_id.currency_id", readonly=True)
    product_id = fields.Many2one(
        "product.product", "Product", required=True, index=True,
        domain=[("jxc_track_stock", "=", True), ("active", "=", True)])
    uom_id = fields.Many2one("product.uom", "Unit", required=True)
    quantity = fields.Float(digits=dp.get_precision("Product Unit of Measure"), required=True, default=1.0)
    product_qty = fields.Float(
        "Quantity (Product Unit)", compute="_compute_product_qty", store=True,
        digits=dp.get_precision("Product Unit of Measure"))
    unit_cost = fields.Float(
        digits=dp.get_precision("Product Price"),
        help="Cost per unit of the line, for receipts, other ins and opening balances.",
        groups="jxc_addon.group_jxc_price")
    posted_unit_cost = fields.Float(
        "Posted Unit Cost", digits=dp.get_precision("Product Price"), readonly=True, copy=False,
        help="Cost per product unit actually posted (the moving average for goods going out).",
        groups="jxc_addon.group_jxc_price")
    value = fields.Monetary(readonly=True, copy=False,
        groups="jxc_addon.group_jxc_price")
    origin_line_id = fields.Many2one(
        "jxc.stock.picking.line", "Returned Line", index=True,
        help="The receipt or delivery line this return takes back: its cost is reused.")
    note = fields.Char()
    purchase_line_id = fields.Many2one(
        "jxc.purchase.order.line", "Purchase Order Line", index=True, readonly=True, copy=False,
        groups="jxc_addon.group_jxc_purchaser,jxc_addon.group_jxc_keeper,jxc_addon.group_jxc_accountant")
    sale_line_id = fields.Many2one("jxc.sale.order.line", "Sales Order Line", index=True, readonly=True, copy=False)
    rejected_qty = fields.Float(
        "Rejected", digits=dp.get_precision("Product Unit of Measure"), default=0.0,
        help="Quantity refused at inspection: it does not enter stock and counts against the supplier's quality.")
    qty_available = fields.Float(
        "Available", compute="_compute_qty_available", digits=dp.get_precision("Product Unit of Measure"),
        help="What the line may take out of the warehouse: on hand minus what other orders reserved, "
             "in the line's unit.")

    @api.depends("quantity", "uom_id", "product_id.uom_id")
    def _compute_product_qty(self):
        for line in self:
            if line.uom_id and line.product_id and line.uom_id != line.product_id.uom_id:
                line.product_qty = line.uom_id._compute_quantity(
                    line.quantity, line.product_id.uom_id, rounding_method="HALF-UP")
            else:
                line.product_qty = line.quantity

    @api.depends("product_id", "uom_id", "picking_id.warehouse_id")
    def _compute_qty_available(self):
        available = self.env["jxc.stock.quant"]._available_quantities(
            (line.product_id.id, line.picking_id.warehouse_id.id) for line in self)
        for line in self:
            qty = available.get((line.product_id.id, line.picking_id.warehouse_id.id), 0.0)
            sale_line = line.sale_line_id.sudo()
            if sale_line and line.picking_id.picking_type == "delivery":
                qty += sale_line._product_qty(sale_line.qty_reserved)  # this order's own reservation
            if line.uom_id and line.product_id:
                qty = line.product_id.uom_id.with_context(**{"raise-exception": False})._compute_quantity(
                    qty, line.uom_id, round=False)
            line.qty_available = qty

    @api.onchange("product_id")
    def _onchange_product_id(self):
        if self.product_id:
            self.uom_id = self.product_id.uom_id
            if self.picking_type in COST_GIVEN_TYPES and not self.unit_cost:
                self.unit_cost = self.product_id.standard_price

    @api.constrains("origin_line_id", "product_id")
    def _check_origin_line(self):
        for line in self.sudo():
            if line.origin_line_id and line.origin_line_id.product_id != line.product_id:
                raise ValidationError(_("A return line takes back the product of the line it returns."))

    @api.multi
    def name_get(self):
        # Returns point at the line they take back: show its document and product.
        return [(line.id, "%s - %s" % (line.picking_id.name, line.product_id.display_name)) for line in self]
