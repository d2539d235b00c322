from lxml import etree

from odoo import _, api, fields, models
from odoo.exceptions import AccessError


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
    jxc_stock_docs_at_confirm = fields.Boolean(related="company_id.jxc_stock_docs_at_confirm")
    jxc_consolidated_invoicing = fields.Boolean(related="company_id.jxc_consolidated_invoicing")
    jxc_demand_days = fields.Integer(related="company_id.jxc_demand_days")
    jxc_slow_days = fields.Integer(related="company_id.jxc_slow_days")
    jxc_replenish_document = fields.Selection(related="company_id.jxc_replenish_document")
    jxc_replenishment_user_id = fields.Many2one(related="company_id.jxc_replenishment_user_id")
    jxc_abc_a_share = fields.Float(related="company_id.jxc_abc_a_share")
    jxc_abc_b_share = fields.Float(related="company_id.jxc_abc_b_share")
    jxc_abc_days = fields.Integer(related="company_id.jxc_abc_days")
    jxc_holding_rate = fields.Float(related="company_id.jxc_holding_rate")
    jxc_backup_enabled = fields.Boolean(related="company_id.jxc_backup_enabled")
    jxc_backup_dir = fields.Char(related="company_id.jxc_backup_dir")
    jxc_backup_keep_days = fields.Integer(related="company_id.jxc_backup_keep_days")
    group_jxc_keeper_sees_prices = fields.Boolean(
        "Warehouse keepers see purchase prices and costs",
        implied_group="jxc_addon.group_jxc_price", group="jxc_addon.group_jxc_keeper")

    @api.model
    def fields_view_get(self, view_id=None, view_type="form", toolbar=False, submenu=False):
        """进销存 Managers who are not administrators get the 进销存 block of the settings alone: the
        others would not save, and saving sends every field of the form."""
        res = super().fields_view_get(view_id=view_id, view_type=view_type, toolbar=toolbar, submenu=submenu)
        if view_type != "form" or self._jxc_is_admin() or not self.env.user.has_group("jxc_addon.group_jxc_manager"):
            return res
        doc = etree.XML(res["arch"])
        for block in doc.xpath("//div[contains(concat(' ', @class, ' '), ' app_settings_block ')]"):
            if block.get("data-key") != "jxc_addon":
                block.getparent().remove(block)
        kept = set(doc.xpath("//field/@name"))
        res["fields"] = {name: desc for name, desc in res["fields"].items() if name in kept}
        res["arch"] = etree.tostring(doc, encoding="unicode")
        return res

    @api.model
    def default_get(self, fields_list):
        if self._jxc_is_admin() or not self.env.user.has_group("jxc_addon.group_jxc_manager"):
            return super().default_get(fields_list)
        # The other applications' settings read what only administrators may read (record rules,
        # system parameters): a 进销存 Manager's form gets the 进销存 settings of his company alone.
        allowed = [name for name in fields_list if name == "company_id" or name.startswith(("jxc_", "group_jxc_"))]
        res = super(ResConfigSettings, self.sudo()).default_get(allowed)
        res = {name: value for name, value in res.items() if name in allowed}
        if "company_id" in allowed:
            res["company_id"] = self.env.user.company_id.id
        return res

    @api.multi
    def execute(self):
        """Administrators save every setting; 进销存 Managers save the 进销存 settings of their company."""
        if self._jxc_is_admin() or not self.env.user.has_group("jxc_addon.group_jxc_manager"):
            return super().execute()  # refuses everybody else
        self.ensure_one()
        self._jxc_check_manager()
        self.company_id.write({name: self._fields[name].convert_to_write(self[name], self)
                               for name in self._jxc_company_fields()})
        keeper = self.env.ref("jxc_addon.group_jxc_keeper").sudo()
        price_group = self.env.ref("jxc_addon.group_jxc_price").sudo()
        if self.group_jxc_keeper_sees_prices != (price_group in keeper.implied_ids):
            if self.group_jxc_keeper_sees_prices:
                keeper.write({"implied_ids": [(4, price_group.id)]})
            else:
                keeper.write({"implied_ids": [(3, price_group.id)]})
                price_group.write({"users": [(3, user.id) for user in keeper.users]})
        self._jxc_restore_price_group()
        return {"type": "ir.actions.client", "tag": "reload"}

    def set_values(self):
        super().set_values()
        self._jxc_restore_price_group()

    def _jxc_restore_price_group(self):
        # Hiding prices from keepers takes the price group from every keeper, including
        # managers and purchasers who are keepers too: give it back to those entitled to it.
        if not self.group_jxc_keeper_sees_prices:
            entitled = (self.env.ref("jxc_addon.group_jxc_purchaser") | self.env.ref("jxc_addon.group_jxc_accountant"))
            price_group = self.env.ref("jxc_addon.group_jxc_price").sudo()
            price_group.write({"users": [(4, user.id) for user in entitled.mapped("users")]})

    @api.multi
    def action_jxc_classify_abc(self):
        """Classify the products now (ABC), with the shares saved in the settings."""
        self.env["res.company"].search([]).action_jxc_classify_abc()
        return self.env.ref("jxc_addon.product_product_action_jxc_abc").read()[0]

    @api.multi
    def action_jxc_apply_chart_defaults(self):
        self._jxc_check_manager()
        self.company_id.sudo()._jxc_apply_chart_defaults(overwrite=True)
        return {"type": "ir.actions.client", "tag": "reload"}

    @api.model
    def _jxc_is_admin(self):
        return self.env.user._is_superuser() or self.env.user.has_group("base.group_system")

    @api.multi
    def _jxc_check_manager(self):
        """Administrators, or 进销存 Managers on their own companies."""
        user = self.env.user
        if not (self._jxc_is_admin() or user.has_group("jxc_addon.group_jxc_manager")
                and not self.mapped("company_id") - user.company_ids):
            raise AccessError(_("Only administrators and 进销存 Managers can change the 进销存 settings."))

    @api.model
    def _jxc_company_fields(self):
        """The settings kept on the company (related fields company_id.jxc_*)."""
        # The scheduled backup (a folder on the server) is for administrators alone.
        return [name for name, field in self._fields.items()
                if name.startswith("jxc_") and not name.startswith("jxc_backup_")
                and field.related and field.related[0] == "company_id"]
