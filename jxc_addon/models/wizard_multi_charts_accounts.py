from odoo import api, models


class WizardMultiChartsAccounts(models.TransientModel):
    _inherit = "wizard.multi.charts.accounts"

    @api.multi
    def execute(self):
        res = super().execute()
        self.company_id._jxc_apply_chart_defaults()
        return res
