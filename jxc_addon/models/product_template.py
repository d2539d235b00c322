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
    jxc_min_sale_price = fields.Float(
        "Minimum Sale Price", digits=dp.get_precision("Product Price"),
        help="最低售价, per product unit, in the company currency: a sales order line whose net price "
             "(after its discount and its share of the order discount) is lower is confirmed only with "
             "a 进销存 Manager's approval. 0: no minimum.")
    jxc_allow_negative = fields.Boolean(
        "Allow Negative Stock", default=True,
        help="Whether this product may go below zero in the warehouses that allow negative stock: both "
             "the warehouse and the product must allow it. Clear it for goods that must never be "
             "delivered before they are in stock.")
    jxc_packaging_ids = fields.One2many(
        "jxc.product.packaging", "product_tmpl_id", "Packaging Units", copy=False,
        help="Units of the product's unit category with their own barcode (盒(6), 箱(12)...): scanning "
             "one on a stock document adds its quantity in the product unit.")

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
