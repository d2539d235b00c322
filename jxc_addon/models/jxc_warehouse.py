from odoo import api, fields, models


class JxcWarehouse(models.Model):
    _name = "jxc.warehouse"
    _description = "Warehouse"
    _inherit = ["mail.thread"]
    _order = "sequence, code"

    name = fields.Char(required=True, translate=True, track_visibility="onchange")
    code = fields.Char(
        required=True, size=16, track_visibility="onchange",
        help="Short code used in document numbers and reports.")
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        "res.company", required=True, index=True,
        default=lambda self: self.env.user.company_id)
    partner_id = fields.Many2one(
        "res.partner", string="Address",
        help="Delivery address of the warehouse, printed on documents.")
    manager_id = fields.Many2one(
        "res.users", string="Manager", track_visibility="onchange")
    allow_negative = fields.Boolean(
        string="Allow Negative Stock", track_visibility="onchange",
        help="If set, deliveries may take the quantity on hand below zero for the products that allow "
             "it too (Allow Negative Stock on the product, set by default); otherwise they are refused "
             "when stock is short.")
    active = fields.Boolean(default=True)
    note = fields.Text()

    _sql_constraints = [
        ("code_company_uniq", "unique(code, company_id)",
         "The warehouse code must be unique per company."),
    ]

    @api.model
    def _jxc_default_warehouse(self):
        """The first warehouse of the user's company that he works in (his allowed warehouses)."""
        return self.search([("company_id", "=", self.env.user.company_id.id)]
                           + self.env.user._jxc_warehouse_domain("id"), limit=1)

    @api.model
    def _jxc_warehouse_choices(self):
        """Domain of the warehouses the user may choose on his documents (see res.users)."""
        return self.env.user._jxc_warehouse_domain("id")

    def _jxc_allows_negative(self, product):
        """Whether `product` may go below zero in this warehouse: both must allow it."""
        return bool(self.allow_negative and product.jxc_allow_negative)

    @api.multi
    def name_get(self):
        return [(wh.id, "[%s] %s" % (wh.code, wh.name)) for wh in self]

    @api.model
    def name_search(self, name="", args=None, operator="ilike", limit=100):
        args = list(args or [])
        if name:
            args = ["|", ("code", "=ilike", name + "%"), ("name", operator, name)] + args
        return self.search(args, limit=limit).name_get()
