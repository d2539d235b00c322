from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.addons import decimal_precision as dp


class JxcProductPackaging(models.Model):
    """包装单位: a unit of the product's unit category (盒(6), 箱(12), 箱(24)) with its own barcode.

    Orders may use any unit of the category; scanning a packaging barcode on a stock document adds
    its quantity in the product unit. Stock and costs stay in the product unit.
    """
    _name = "jxc.product.packaging"
    _description = "Packaging Unit"
    _order = "product_tmpl_id, sequence, id"
    _rec_name = "barcode"

    sequence = fields.Integer(default=10)
    product_tmpl_id = fields.Many2one("product.template", "Product", required=True, index=True, ondelete="cascade")
    product_id = fields.Many2one(
        "product.product", "Variant", index=True, ondelete="cascade",
        domain="[('product_tmpl_id', '=', product_tmpl_id)]",
        help="The variant in the package, for a product with several variants.")
    uom_id = fields.Many2one("product.uom", "Unit", required=True,
                             help="A unit of the product unit's category, e.g. 箱(12件).")
    barcode = fields.Char(required=True, copy=False, index=True)
    quantity = fields.Float("Quantity in Product Unit", compute="_compute_quantity",
                            digits=dp.get_precision("Product Unit of Measure"))

    _sql_constraints = [
        ("barcode_uniq", "unique(barcode)", "Each packaging barcode belongs to one packaging unit."),
    ]

    @api.depends("uom_id", "product_tmpl_id.uom_id")
    def _compute_quantity(self):
        for packaging in self:
            unit = packaging.product_tmpl_id.uom_id
            if packaging.uom_id and unit and packaging.uom_id.category_id == unit.category_id:
                packaging.quantity = packaging.uom_id._compute_quantity(1.0, unit, round=False)
            else:
                packaging.quantity = 0.0

    @api.constrains("uom_id", "product_tmpl_id", "product_id")
    def _check_unit(self):
        for packaging in self:
            template = packaging.product_tmpl_id
            if packaging.uom_id.category_id != template.uom_id.category_id:
                raise ValidationError(_("The packaging unit %(unit)s of %(product)s is not in the category of its "
                                        "product unit %(base)s.") % {
                    "unit": packaging.uom_id.name, "product": template.display_name, "base": template.uom_id.name})
            if packaging.product_id and packaging.product_id.product_tmpl_id != template:
                raise ValidationError(_("The variant of a packaging unit is a variant of its product."))
            if not packaging.product_id and template.product_variant_count > 1:
                raise ValidationError(_("%s has several variants: choose the variant of the packaging unit.")
                                      % template.display_name)

    @api.constrains("barcode")
    def _check_barcode(self):
        for packaging in self:
            product = self.env["product.product"].with_context(active_test=False).search(
                [("barcode", "=", packaging.barcode)], limit=1)
            if product:
                raise ValidationError(_("The barcode %(barcode)s is the barcode of the product %(product)s.") % {
                    "barcode": packaging.barcode, "product": product.display_name})

    @api.multi
    def name_get(self):
        return [(p.id, "%s %s (%s)" % (p.product_tmpl_id.display_name, p.uom_id.name, p.barcode)) for p in self]
