from odoo import _, api, fields, models
from odoo.exceptions import UserError


class JxcCreditOverrideWizard(models.TransientModel):
    """信用放行 and 低价审批: a 进销存 Manager lets a quotation (or its delivery) through the credit
    control, and a quotation's lines below their minimum sale price, giving the reason kept in the
    order's chatter."""
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
            problems = [] if picking or not order else [order._price_problem()]
            problems.append(order and order._credit_problem(amount))
            wizard.problem = "\n".join(problem for problem in problems if problem) or False

    @api.model
    def create(self, vals):
        # Transient models have no access rights: the right to override is checked here and on use.
        self.env["jxc.sale.order"]._check_credit_override_right()
        return super().create(vals)

    @api.model
    def _action_open(self, context, name=None):
        return {"type": "ir.actions.act_window", "name": name or _("Override Credit Check"), "res_model": self._name,
                "view_mode": "form", "views": [(False, "form")], "target": "new", "context": context}

    @api.multi
    def action_override(self):
        """Record the override on the order (the price approval, for lines below their minimum price;
        the credit override otherwise and for a refused credit check), then confirm it (or validate
        the delivery)."""
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
        if picking:
            order.action_credit_override(self.reason)
        else:
            priced_below = order._price_problem()
            if priced_below:
                order.action_price_override(self.reason)
            if not priced_below or order._credit_problem(order.amount_total):
                order.action_credit_override(self.reason)
        if picking:
            picking.button_done()
        else:
            order.button_confirm()
        return {"type": "ir.actions.act_window_close"}
