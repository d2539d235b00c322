from odoo import api, models


class JxcStockCountReport(models.AbstractModel):
    """Values of the printed stocktaking sheet: per stocktaking, the products to count with their
    system quantity (the snapshot once counting started; before, what the snapshot would take)."""
    _name = "report.jxc_addon.jxc_stock_count_report_main"
    _description = "Stocktaking Sheet"

    @api.model
    def get_report_values(self, docids, data=None):
        counts = self.env["jxc.stock.count"].browse(docids)
        return {
            "doc_ids": docids,
            "doc_model": "jxc.stock.count",
            "docs": counts,
            "sheet_rows": {count.id: self._sheet_rows(count) for count in counts},
        }

    @api.model
    def _sheet_rows(self, count):
        if count.line_ids:
            rows = [(line.product_id, line.system_qty) for line in count.line_ids]
        else:
            snapshot = count._prepare_snapshot_lines()
            # one recordset, so that the products are read together
            products = self.env["product.product"].browse([vals["product_id"] for vals in snapshot])
            rows = list(zip(products, (vals["system_qty"] for vals in snapshot)))
        return [{"product": product, "system_qty": qty}
                for product, qty in sorted(rows, key=lambda row: (row[0].default_code or "", row[0].name or ""))]
