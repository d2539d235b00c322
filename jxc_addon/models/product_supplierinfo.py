from odoo import models


class ProductSupplierinfo(models.Model):
    _name = "product.supplierinfo"
    _inherit = ["product.supplierinfo", "jxc.field.access.mixin"]

    def _jxc_field_hidden(self, field):
        """Supplier prices are purchase prices. Record rules hide the price lists from 进销存 users
        who may not see prices; their price is not given `groups` (Odoo's purchase code reads it as
        any user), so a search, grouping or export on it is refused here."""
        if field.name == "price" and self.user_has_groups("jxc_addon.group_jxc_user") \
                and not self.user_has_groups("jxc_addon.group_jxc_price"):
            return True
        return super()._jxc_field_hidden(field)
