import base64
import csv
import io

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.addons import decimal_precision as dp


class JxcStockOpeningWizard(models.TransientModel):
    """期初: quantities and costs on hand when the company starts using 进销存."""
    _name = "jxc.stock.opening.wizard"
    _description = "Opening Stock Balance"

    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.user.company_id)
    warehouse_id = fields.Many2one(
        "jxc.warehouse", "Warehouse", domain="[('company_id', '=', company_id)]",
        help="Warehouse of the lines entered below; a file names the warehouse on each row.")
    date = fields.Date(required=True, default=fields.Date.context_today)
    account_id = fields.Many2one(
        "account.account", "Opening Balance Account", required=True,
        domain="[('company_id', '=', company_id), ('deprecated', '=', False)]",
        help="Account credited with the value of the opening stock.")
    data_file = fields.Binary("CSV File")
    filename = fields.Char()
    line_ids = fields.One2many("jxc.stock.opening.wizard.line", "wizard_id", "Lines")

    @api.multi
    def action_import(self):
        """Read rows `product, warehouse, quantity, unit cost` (product: internal reference or
        barcode; warehouse: code; a header row is skipped)."""
        self.ensure_one()
        if not self.data_file:
            raise UserError(_("Choose a CSV file first."))
        text = base64.b64decode(self.data_file).decode("utf-8-sig")
        rows = []  # (line number, product code, warehouse code, quantity, unit cost) or (number, error)
        for number, row in enumerate(csv.reader(io.StringIO(text)), 1):
            if not row or not any(cell.strip() for cell in row):
                continue
            if len(row) < 4:
                rows.append((number, _("Line %s: expected product, warehouse, quantity, unit cost.") % number))
                continue
            code, wh_code, qty, cost = (cell.strip() for cell in row[:4])
            try:
                rows.append((number, code, wh_code, float(qty), float(cost)))
            except ValueError:
                if number != 1:  # the first line may be a header
                    rows.append((number, _("Line %s: quantity and unit cost must be numbers.") % number))
        # all products and warehouses in two queries; the first match of a code wins, as a search would
        codes = list({r[1] for r in rows if len(r) == 5})
        products, warehouses = {}, {}
        for product in self.env["product.product"].search(
                ["|", ("default_code", "in", codes), ("barcode", "in", codes)]):
            for key in (product.default_code, product.barcode):
                if key:
                    products.setdefault(key, product)
        for warehouse in self.env["jxc.warehouse"].search(
                [("code", "in", list({r[2] for r in rows if len(r) == 5})), ("company_id", "=", self.company_id.id)]):
            warehouses.setdefault(warehouse.code, warehouse)
        lines = []
        for row in rows:
            if len(row) == 2:
                raise UserError(row[1])
            number, code, wh_code, qty, cost = row
            if code not in products:
                raise UserError(_("Line %s: no product with reference or barcode %s.") % (number, code))
            if wh_code not in warehouses:
                raise UserError(_("Line %s: no warehouse with code %s.") % (number, wh_code))
            lines.append((0, 0, {"product_id": products[code].id, "warehouse_id": warehouses[wh_code].id,
                                 "quantity": qty, "unit_cost": cost}))
        self.write({"line_ids": lines, "data_file": False})
        return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": self.id,
                "view_mode": "form", "target": "new"}

    @api.multi
    def action_confirm(self):
        """Post one opening document per warehouse."""
        self.ensure_one()
        if not self.line_ids:
            raise UserError(_("Enter or import the opening quantities first."))
        by_warehouse = {}
        for line in self.line_ids:
            warehouse = line.warehouse_id or self.warehouse_id
            if not warehouse:
                raise UserError(_("Choose the warehouse of %s.") % line.product_id.display_name)
            if line.quantity <= 0 or line.unit_cost < 0:
                raise UserError(_("Opening quantities must be positive and costs not negative (%s).")
                                % line.product_id.display_name)
            by_warehouse.setdefault(warehouse, []).append(line)
        pickings = self.env["jxc.stock.picking"]
        for warehouse, lines in by_warehouse.items():
            pickings |= pickings.create(self._prepare_picking(warehouse, lines))
        pickings.button_done()
        action = self.env.ref("jxc_addon.jxc_stock_picking_action").read()[0]
        action["domain"] = [("id", "in", pickings.ids)]
        return action

    def _prepare_picking(self, warehouse, lines):
        return {
            "picking_type": "opening",
            "warehouse_id": warehouse.id,
            "company_id": self.company_id.id,
            "date": self.date,
            "counterpart_account_id": self.account_id.id,
            "line_ids": [(0, 0, {"product_id": l.product_id.id, "uom_id": l.product_id.uom_id.id,
                                 "quantity": l.quantity, "unit_cost": l.unit_cost}) for l in lines],
        }


class JxcStockOpeningWizardLine(models.TransientModel):
    _name = "jxc.stock.opening.wizard.line"
    _description = "Opening Stock Balance Line"

    wizard_id = fields.Many2one("jxc.stock.opening.wizard", required=True, ondelete="cascade")
    product_id = fields.Many2one("product.product", required=True,
                                 domain=[("jxc_track_stock", "=", True), ("active", "=", True)])
    warehouse_id = fields.Many2one("jxc.warehouse")
    quantity = fields.Float(digits=dp.get_precision("Product Unit of Measure"), required=True)
    unit_cost = fields.Float(digits=dp.get_precision("Product Price"), required=True)
