from odoo import api, models

from ..models.jxc_stock_summary import IN_KINDS, OUT_KINDS, PRICE_GROUP

QTY_TOTALS = ["opening_qty", "in_qty", "out_qty", "closing_qty"] + ["%s_qty" % k for k, _l in IN_KINDS + OUT_KINDS]


class JxcStockSummaryReport(models.AbstractModel):
    """Values of the printed 进销存汇总表: the rows of each report (wizard) and their totals; values
    only for those who may see costs."""
    _name = "report.jxc_addon.jxc_stock_summary_report_main"
    _description = "Stock Summary Report"

    @api.model
    def get_report_values(self, docids, data=None):
        rows = self.env["jxc.stock.summary"].browse(docids)
        show_values = self.env.user.has_group(PRICE_GROUP)
        names = QTY_TOTALS + ([name.replace("_qty", "_value") for name in QTY_TOTALS] if show_values else [])
        reports = []
        for wizard in rows.mapped("wizard_id"):
            lines = rows.filtered(lambda row: row.wizard_id == wizard)
            totals = {name: sum(lines.mapped(name)) for name in names}
            reports.append({"wizard": wizard, "lines": lines, "totals": totals})
        return {
            "doc_ids": docids,
            "doc_model": "jxc.stock.summary",
            "docs": rows,
            "reports": reports,
            "show_values": show_values,
        }
