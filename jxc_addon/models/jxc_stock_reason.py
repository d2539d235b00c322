from odoo import fields, models

REASON_DIRECTIONS = [
    ("in", "In"),
    ("out", "Out"),
]


class JxcStockReason(models.Model):
    """Why goods enter or leave outside purchasing and sales (报损, 赠送, 领用 ...), and where the value goes."""
    _name = "jxc.stock.reason"
    _description = "Other In/Out Reason"
    _order = "direction, sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    direction = fields.Selection(REASON_DIRECTIONS, required=True, default="out")
    account_id = fields.Many2one(
        "account.account", string="Account", required=True,
        domain="[('company_id', '=', company_id), ('deprecated', '=', False)]",
        help="Counterpart of the stock valuation account in the entry of the document.")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.user.company_id)
    active = fields.Boolean(default=True)
