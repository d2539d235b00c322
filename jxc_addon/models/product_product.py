from odoo import _, fields, models
from odoo.exceptions import UserError


class ProductProduct(models.Model):
    _name = "product.product"
    _inherit = ["product.product", "jxc.field.access.mixin"]

    # The cost is a purchase price: only those who may see prices (not salesmen) read it.
    standard_price = fields.Float(groups="jxc_addon.group_jxc_price")

    def _jxc_check_active(self, document):
        """Refuse archived products (the variant or its template) on `document` (its name)."""
        archived = self.with_context(active_test=False).filtered(
            lambda p: not (p.active and p.product_tmpl_id.active))
        if archived:
            raise UserError(_("%(document)s uses archived products: %(products)s. Restore them or remove "
                              "their lines.") % {
                "document": document, "products": ", ".join(archived.mapped("display_name"))})
