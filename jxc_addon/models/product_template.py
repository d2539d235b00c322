from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ProductTemplate(models.Model):
    _inherit = "product.template"

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
