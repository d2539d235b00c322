from odoo import _, api, fields, models
from odoo.exceptions import UserError


class JxcCreditOverrideWizard(models.TransientModel):
    """信用放行: a 进销存 Manager lets a quotation (or its delivery) through the credit control,
    giving the reason kept in the order's chatter."""
    _name = "jxc.credit.override.wizard"
    _description = "Override Credit Check"

    sale_id = fields.Many2one("jxc.sale.order", "Sales Order", readonly=True, ondelete="cascade")
    picking_id = fields.Many2one("jxc.stock.picking", "Delivery", readonly=True, ondelete="cascade")
    problem = fields.Text("Refused Because", compute="_compute_problem")
    reason = fields.Text("Reason", required=True,
                         help="Why the customer may go beyond the credit control; kept in the order's chatter.")

    @api.depends("sale_id", "picking_id")
    def _compute_problem(self):
        for wizard in self:
            picking = wizard.picking_id
            order = picking.sudo().sale_id if picking else wizard.sale_id
            amount = picking._sale_amount() if picking else order.amount_total
            wizard.problem = order and order._credit_problem(amount) or False

    @api.model
    def create(self, vals):
        # Transient models have no access rights: the right to override is checked here and on use.
        self.env["jxc.sale.order"]._check_credit_override_right()
        return super().create(vals)

    @api.model
    def _action_open(self, context):
        return {"type": "ir.actions.act_window", "name": _("Override Credit Check"), "res_model": self._name,
                "view_mode": "form", "views": [(False, "form")], "target": "new", "context": context}

    @api.multi
    def action_override(self):
        """Record the override on the order, then confirm it (or validate the delivery)."""
        self.ensure_one()
        self.env["jxc.sale.order"]._check_credit_override_right()
        picking = self.picking_id
        order = picking.sale_id if picking else self.sale_id
        if not order:
            raise UserError(_("A credit override is given on a sales order or on its delivery."))
        if picking and (picking.picking_type != "delivery" or picking.state != "draft"):
            raise UserError(_("Only a draft delivery can be validated with a credit override."))
        if not picking and order.state != "quotation":
            raise UserError(_("Only a quotation can be confirmed."))
        order.action_credit_override(self.reason)
        if picking:
            picking.button_done()
        else:
            order.button_confirm()
        return {"type": "ir.actions.act_window_close"}
