from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.addons import decimal_precision as dp


class ProductTemplate(models.Model):
    _name = "product.template"
    _inherit = ["product.template", "jxc.field.access.mixin"]

    # The cost is a purchase price: only those who may see prices (not salesmen) read it.
    standard_price = fields.Float(groups="jxc_addon.group_jxc_price")
    jxc_track_stock = fields.Boolean(
        string="Tracked in Stock", default=True,
        help="Goods whose quantities and costs the 进销存 stock ledger follows. "
             "Services never are.")

    @api.constrains("type", "jxc_track_stock")
    def _check_jxc_track_stock(self):
        for template in self:
            if template.type == "service" and template.jxc_track_stock:
                raise ValidationError(
                    _("The service %s cannot be tracked in stock.") % template.display_name)

    @api.onchange("type")
    def _onchange_type_jxc_track_stock(self):
        if self.type == "service":
            self.jxc_track_stock = False

    @api.model
    def create(self, vals):
        # Services created by other modules do not pass our flag: never track them.
        if vals.get("type") == "service":
            vals = dict(vals, jxc_track_stock=False)
        return super().create(vals)

    @api.multi
    def write(self, vals):
        if vals.get("type") == "service":
            vals = dict(vals, jxc_track_stock=False)
        return super().write(vals)

    jxc_qty_available = fields.Float(
        "On Hand", compute="_compute_jxc_stock", digits=dp.get_precision("Product Unit of Measure"))
    jxc_stock_value = fields.Float("Stock Value", compute="_compute_jxc_stock", groups="jxc_addon.group_jxc_price")

    @api.multi
    def _compute_jxc_stock(self):
        ids = tuple(i for i in self.ids if isinstance(i, int)) or (0,)
        self.env.cr.execute("""
            SELECT product_tmpl_id, SUM(quantity), SUM(value) FROM jxc_stock_quant
             WHERE product_tmpl_id IN %s AND company_id = %s GROUP BY product_tmpl_id
        """, (ids, self.env.user.company_id.id))
        totals = {tmpl_id: (qty, value) for tmpl_id, qty, value in self.env.cr.fetchall()}
        for template in self:
            template.jxc_qty_available, template.jxc_stock_value = totals.get(template.id, (0.0, 0.0))

    @api.multi
    def action_view_jxc_stock(self):
        action = self.env.ref("jxc_addon.jxc_stock_quant_action").read()[0]
        action["domain"] = [("product_tmpl_id", "in", self.ids)]
        action["context"] = {"search_default_group_warehouse": 1}
        return action
