from odoo import fields, models

from .res_partner import CUSTOMER_GRADES


class ProductPricelist(models.Model):
    """价格等级: a pricelist may be the price level of a customer grade (批发价, 零售价, VIP价)."""
    _inherit = "product.pricelist"

    jxc_customer_grade = fields.Selection(
        CUSTOMER_GRADES, "Price Level of Grade",
        help="Customers of this grade (A/B/C) get this pricelist on their quotations, unless a pricelist "
             "was chosen on the customer himself.")
