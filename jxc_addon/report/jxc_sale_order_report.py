from odoo import api, models

from ..lib.cn_amount import cny_uppercase


class JxcSaleOrderReport(models.AbstractModel):
    """Values of the printed quotation / sales order: the orders and the amount in capitals."""
    _name = "report.jxc_addon.jxc_sale_order_report_main"
    _description = "Quotation / Sales Order Report"

    @api.model
    def get_report_values(self, docids, data=None):
        return {
            "doc_ids": docids,
            "doc_model": "jxc.sale.order",
            "docs": self.env["jxc.sale.order"].browse(docids),
            "amount_in_words": cny_uppercase,
        }
