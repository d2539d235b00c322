from odoo import api, models

from ..lib.cn_amount import cny_uppercase


class JxcPurchaseOrderReport(models.AbstractModel):
    """Values of the printed purchase order: the orders and the amount in capitals."""
    _name = "report.jxc_addon.jxc_purchase_order_report_main"
    _description = "Purchase Order Report"

    @api.model
    def get_report_values(self, docids, data=None):
        return {
            "doc_ids": docids,
            "doc_model": "jxc.purchase.order",
            "docs": self.env["jxc.purchase.order"].browse(docids),
            "amount_in_words": cny_uppercase,
        }
