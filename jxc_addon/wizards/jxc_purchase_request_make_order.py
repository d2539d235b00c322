from collections import OrderedDict

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare


class JxcPurchaseRequestMakeOrder(models.TransientModel):
    """Turn approved request lines into draft purchase orders, one per supplier."""
    _name = "jxc.purchase.request.make.order"
    _description = "Create Purchase Orders from Requests"

    request_ids = fields.Many2many(
        "jxc.purchase.request", string="Requests",
        default=lambda self: self.env["jxc.purchase.request"].browse(self._context.get("active_ids", [])))
    warehouse_id = fields.Many2one(
        "jxc.warehouse", "Receive In", required=True,
        default=lambda self: self.env["jxc.warehouse"].search([("company_id", "=", self.env.user.company_id.id)], limit=1))

    @api.multi
    def action_create_orders(self):
        self.ensure_one()
        requests = self.request_ids
        if not requests or requests.filtered(lambda r: r.state != "approved"):
            raise UserError(_("Only approved requests become purchase orders."))
        by_supplier = OrderedDict()
        for line in requests.mapped("line_ids"):
            remaining = line.product_qty - line.qty_ordered
            if float_compare(remaining, 0, precision_rounding=line.uom_id.rounding) <= 0:
                continue
            supplier = line.supplier_id or line.product_id.seller_ids[:1].name
            if not supplier:
                raise UserError(_("Choose a supplier for %s on %s.") % (line.product_id.display_name, line.request_id.name))
            by_supplier.setdefault(supplier, []).append((line, remaining))
        if not by_supplier:
            raise UserError(_("Everything requested has already been ordered."))
        orders = self.env["jxc.purchase.order"]
        for supplier, lines in by_supplier.items():
            orders |= orders.create(self._prepare_order(supplier, lines))
        requests._check_all_ordered()
        action = self.env.ref("jxc_addon.jxc_purchase_order_action").read()[0]
        action["domain"] = [("id", "in", orders.ids)]
        return action

    def _prepare_order(self, supplier, lines):
        OrderLine = self.env["jxc.purchase.order.line"]
        order_lines = [(0, 0, dict(OrderLine._prepare_supplier_line(
            line.product_id, qty, line.uom_id, supplier, self.warehouse_id.company_id, line.price_estimated),
            request_line_id=line.id)) for line, qty in lines]
        dates = [l.date_required for l, _q in lines if l.date_required]
        return {"partner_id": supplier.id, "warehouse_id": self.warehouse_id.id,
                "company_id": self.warehouse_id.company_id.id,
                "date_expected": min(dates) if dates else False,
                "origin": ", ".join(sorted({l.request_id.name for l, _q in lines})),
                "line_ids": order_lines}
