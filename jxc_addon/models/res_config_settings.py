from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    jxc_cost_scope = fields.Selection(related="company_id.jxc_cost_scope")
    jxc_stock_journal_id = fields.Many2one(related="company_id.jxc_stock_journal_id")
    jxc_stock_valuation_account_id = fields.Many2one(
        related="company_id.jxc_stock_valuation_account_id")
    jxc_grni_account_id = fields.Many2one(related="company_id.jxc_grni_account_id")
    jxc_cogs_account_id = fields.Many2one(related="company_id.jxc_cogs_account_id")
    jxc_inventory_diff_account_id = fields.Many2one(
        related="company_id.jxc_inventory_diff_account_id")
    jxc_price_diff_account_id = fields.Many2one(related="company_id.jxc_price_diff_account_id")
    jxc_count_approval_threshold = fields.Monetary(related="company_id.jxc_count_approval_threshold")
    jxc_request_approval_amount = fields.Monetary(related="company_id.jxc_request_approval_amount")

    jxc_invoice_policy = fields.Selection(related="company_id.jxc_invoice_policy")
    jxc_demand_days = fields.Integer(related="company_id.jxc_demand_days")
    jxc_slow_days = fields.Integer(related="company_id.jxc_slow_days")
    jxc_replenish_document = fields.Selection(related="company_id.jxc_replenish_document")
    jxc_replenishment_user_id = fields.Many2one(related="company_id.jxc_replenishment_user_id")
    group_jxc_keeper_sees_prices = fields.Boolean(
        "Warehouse keepers see purchase prices and costs",
        implied_group="jxc_addon.group_jxc_price", group="jxc_addon.group_jxc_keeper")

    def set_values(self):
        super().set_values()
        # Hiding prices from keepers takes the price group from every keeper, including
        # managers and purchasers who are keepers too: give it back to those entitled to it.
        if not self.group_jxc_keeper_sees_prices:
            entitled = (self.env.ref("jxc_addon.group_jxc_purchaser") | self.env.ref("jxc_addon.group_jxc_accountant"))
            price_group = self.env.ref("jxc_addon.group_jxc_price")
            price_group.write({"users": [(4, user.id) for user in entitled.mapped("users")]})

    def action_jxc_apply_chart_defaults(self):
        self.company_id._jxc_apply_chart_defaults(overwrite=True)
        return {"type": "ir.actions.client", "tag": "reload"}
