from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.addons import decimal_precision as dp

LEDGER_KINDS = [
    ("move", "Movement"),
    ("revaluation", "Revaluation"),
    ("reversal", "Reversal"),
]


class JxcStockLedger(models.Model):
    """库存台账: one immutable row per quantity or value change of a product in a warehouse.

    Rows are inserted by the posting service only; they are never edited or deleted.
    A cancelled document adds reversal rows.
    """
    _name = "jxc.stock.ledger"
    _description = "Stock Ledger"
    _inherit = ["jxc.field.access.mixin"]
    _order = "date desc, id desc"
    _rec_name = "reference"

    date = fields.Date(required=True, readonly=True, index=True)
    reference = fields.Char("Document", required=True, readonly=True)
    picking_id = fields.Many2one("jxc.stock.picking", "Stock Document", readonly=True, index=True, ondelete="restrict")
    # The document line, as a plain id: a foreign key would be checked row by row on the hot
    # insert path, and lines of a validated document cannot be deleted anyway.
    picking_line_id = fields.Integer("Document Line", readonly=True)
    picking_type = fields.Selection(related="picking_id.picking_type", store=True, readonly=True)
    kind = fields.Selection(LEDGER_KINDS, required=True, readonly=True, default="move")
    # (product, warehouse, id) has its own index, see init()
    product_id = fields.Many2one("product.product", required=True, readonly=True, ondelete="restrict")
    categ_id = fields.Many2one(related="product_id.categ_id", readonly=True, string="Product Category")
    warehouse_id = fields.Many2one("jxc.warehouse", required=True, readonly=True, index=True, ondelete="restrict")
    partner_id = fields.Many2one("res.partner", readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id", readonly=True)
    quantity = fields.Float(digits=dp.get_precision("Product Unit of Measure"), readonly=True)
    unit_cost = fields.Float(digits=dp.get_precision("Product Price"), readonly=True,
        groups="jxc_addon.group_jxc_price")
    value = fields.Monetary(readonly=True,
        groups="jxc_addon.group_jxc_price")
    balance_qty = fields.Float("Balance Quantity", digits=dp.get_precision("Product Unit of Measure"), readonly=True, group_operator=False)
    balance_value = fields.Monetary("Balance Value", readonly=True, group_operator=False,
        groups="jxc_addon.group_jxc_price")
    move_id = fields.Many2one("account.move", "Journal Entry", readonly=True, ondelete="restrict")
    reversed_id = fields.Many2one("jxc.stock.ledger", "Reverses", readonly=True, ondelete="restrict")
    user_id = fields.Many2one("res.users", readonly=True)

    @api.model
    def create(self, vals):
        raise UserError(_("Stock ledger rows are written by validating stock documents only."))

    @api.multi
    def write(self, vals):
        raise UserError(_("Stock ledger rows cannot be changed: cancel the document to reverse them."))

    @api.multi
    def unlink(self):
        raise UserError(_("Stock ledger rows cannot be deleted: cancel the document to reverse them."))

    @api.model_cr
    def init(self):
        # The running balance of a product in a warehouse is read in ledger order.
        self._cr.execute("""
            CREATE INDEX IF NOT EXISTS jxc_stock_ledger_product_warehouse_id_idx
                ON jxc_stock_ledger (product_id, warehouse_id, id)
        """)
        # Stock reports (jxc.stock.summary, the reconciliation) read a company's rows of a period.
        self._cr.execute("""
            CREATE INDEX IF NOT EXISTS jxc_stock_ledger_company_date_idx
                ON jxc_stock_ledger (company_id, date)
        """)
