from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .jxc_reorder_warning import check_scan_right

COST_SCOPES = [
    ("company", "Per Company"),
    ("warehouse", "Per Warehouse"),
]

# Default accounts by code, per chart of accounts (XML id of the chart template).
CHART_ACCOUNT_CODES = {
    "l10n_cn_small_business.l10n_chart_china_small_business": {
        "jxc_stock_valuation_account_id": "1405",  # 库存商品
        "jxc_cogs_account_id": "5401",  # 主营业务成本
        "jxc_inventory_diff_account_id": "1901",  # 待处理财产损溢
        "jxc_price_diff_account_id": "1404",  # 材料成本差异
    },
    "l10n_cn_standard.l10n_chart_china_standard_business": {
        "jxc_stock_valuation_account_id": "1405",
        "jxc_cogs_account_id": "6401",
        "jxc_inventory_diff_account_id": "1901",
        "jxc_price_diff_account_id": "1404",
    },
}
# Other in/out reasons created with the chart: (name, direction, account code per chart).
CHART_REASONS = {
    "l10n_cn_small_business.l10n_chart_china_small_business": [
        ("报损", "out", "1901"), ("赠送", "out", "5601"), ("领用", "out", "5602"),
        ("盘盈", "in", "1901"), ("盘亏", "out", "1901"), ("其他入库", "in", "1901"),
    ],
    "l10n_cn_standard.l10n_chart_china_standard_business": [
        ("报损", "out", "1901"), ("赠送", "out", "6601"), ("领用", "out", "6602"),
        ("盘盈", "in", "1901"), ("盘亏", "out", "1901"), ("其他入库", "in", "1901"),
    ],
}
# Goods received not invoiced (暂估应付) is a sub-account of 2202 应付账款 that we create:
# reconcilable, so receipts and vendor bills can be matched line by line.
GRNI_PARENT_CODE = "2202"
GRNI_SUFFIX = "01"
GRNI_NAME = "应付账款-暂估应付"
# Chinese VAT since 2019-04-01: 13% (goods), 9% and 6%; the charts of Odoo 11 only have 17% and 16%.
# Missing rates are created for sales (销项税) and purchases (进项税) on the accounts of the chart's own VAT.
VAT_RATES = (13.0, 9.0, 6.0)
VAT_DEFAULT_RATE = 13.0
VAT_OUTDATED_RATES = (16.0, 17.0)
VAT_KINDS = (("sale", "taxes_id", "增值税%s%%销项税"), ("purchase", "supplier_taxes_id", "增值税%s%%进项税"))
STOCK_JOURNAL_CODE = "STJ"
STOCK_JOURNAL_NAME = "库存凭证"


class ResCompany(models.Model):
    _inherit = "res.company"

    jxc_cost_scope = fields.Selection(
        COST_SCOPES, string="Cost Scope", default="company", required=True,
        help="Moving average cost computed over all warehouses of the company, "
             "or separately for each warehouse.")
    jxc_stock_journal_id = fields.Many2one(
        "account.journal", string="Stock Journal",
        help="Journal of the entries posted by stock documents.")
    jxc_stock_valuation_account_id = fields.Many2one(
        "account.account", string="Stock Valuation Account",
        help="Value of the goods in stock (e.g. 1405 库存商品).")
    jxc_grni_account_id = fields.Many2one(
        "account.account", string="Goods Received Not Invoiced Account",
        help="Credited at receipt, debited by the vendor bill (e.g. 220201 应付账款-暂估应付).")
    jxc_cogs_account_id = fields.Many2one(
        "account.account", string="Cost of Goods Sold Account",
        help="Debited at delivery (e.g. 5401 主营业务成本).")
    jxc_inventory_diff_account_id = fields.Many2one(
        "account.account", string="Inventory Gain/Loss Account",
        help="Counterpart of stocktaking gains and losses (e.g. 1901 待处理财产损溢).")
    jxc_price_diff_account_id = fields.Many2one(
        "account.account", string="Price Difference Account",
        help="Difference between the vendor bill and the receipt value (e.g. 1404 材料成本差异).")

    jxc_count_approval_threshold = fields.Monetary(
        string="Stocktaking Approval Threshold", currency_field="currency_id", default=1000.0,
        help="A stocktaking whose differences are worth more than this (in total or on one line) "
             "must be validated by a 进销存 Manager.")

    jxc_request_approval_amount = fields.Monetary(
        string="Request Approval Amount", currency_field="currency_id", default=10000.0,
        help="Purchasers may approve purchase requests estimated below this amount; "
             "a 进销存 Manager approves any request.")

    jxc_invoice_policy = fields.Selection(
        [("delivered", "Delivered Quantities"), ("ordered", "Ordered Quantities")],
        string="Invoice", default="delivered", required=True,
        help="Customer invoices bill what was delivered (default) or what was ordered.")
    jxc_stock_docs_at_confirm = fields.Boolean(
        "Create stock documents at confirmation", default=True,
        help="Confirming a sales order prepares its draft delivery, confirming a purchase order its "
             "draft receipt, so warehouse keepers find them among the documents to do.")
    jxc_consolidated_invoicing = fields.Boolean(
        "Monthly Consolidated Invoicing (月结)", default=False,
        help="On the first day of each month, prepare one draft invoice per customer for everything delivered "
             "and not yet invoiced up to the end of the previous month, and one draft bill per supplier for "
             "everything received and not yet billed. Off: invoices and bills are made per order (or with "
             "Consolidated Invoicing under Invoicing).")

    jxc_demand_days = fields.Integer(
        "Demand Days", default=30,
        help="Days of sales the reorder rules average when they suggest a minimum.")

    jxc_slow_days = fields.Integer(
        "Slow-moving Days", default=90,
        help="Stock that nothing took out for this many days is flagged as slow-moving.")

    jxc_replenish_document = fields.Selection(
        [("request", "Purchase Requests"), ("order", "Draft Purchase Orders")],
        string="Replenish With", default="request", required=True,
        help="What the Replenish button of the reorder warnings creates, one per supplier.")
    jxc_replenishment_user_id = fields.Many2one(
        "res.users", string="Replenishment Responsible",
        help="Gets the to-do of reorder warnings whose rule names no purchaser; "
             "empty: the first Purchaser of the company.")

    # Stock analysis (Reports): ABC classes of products, holding cost of stock.
    jxc_abc_a_share = fields.Float(
        "ABC: Share of Class A (%)", default=80.0,
        help="Products ranked by sales value over the ABC period are class A until this share of the "
             "total is reached (the product that crosses it included).")
    jxc_abc_b_share = fields.Float(
        "ABC: Share of Class B (%)", default=15.0,
        help="The next products, up to this further share of the total, are class B; the rest class C.")
    jxc_abc_days = fields.Integer(
        "ABC Period (Days)", default=365,
        help="Days of sales (confirmed sales orders, untaxed) the monthly ABC classification ranks products by.")
    jxc_holding_rate = fields.Float(
        "Annual Holding Rate (%)", default=20.0,
        help="Yearly cost of holding stock, as a share of its value: capital, storage, insurance, "
             "shrinkage. Holding cost = rate × average stock value × days / 365.")

    # Scheduled backup (jxc.backup.run): a folder on the server, so administrators alone set it.
    jxc_backup_enabled = fields.Boolean(
        "Scheduled Backup", default=False,
        help="Every day, back up the database and its attachments (Odoo's zip format) into the backup folder.")
    jxc_backup_dir = fields.Char(
        "Backup Folder", help="Folder on the server where the scheduled backups are written.")
    jxc_backup_keep_days = fields.Integer(
        "Days to Keep Backups", default=7,
        help="Scheduled backups older than this many days are deleted from the backup folder.")

    @api.multi
    def write(self, vals):
        changed = [name for name in vals if name.startswith("jxc_backup_")
                   and any((company[name] or False) != (vals[name] or False) for company in self)]
        if changed and not self.env.user._is_superuser() and not self.env.user.has_group("base.group_system"):
            raise AccessError(_("Only administrators can change the scheduled backup."))
        # 进销存 Managers keep the 进销存 settings of their companies (Settings) without being Odoo
        # administrators: their access row lets them write res.company, and this keeps them to those fields.
        user = self.env.user
        if not user._is_superuser() and not user.has_group("base.group_erp_manager") \
                and user.has_group("jxc_addon.group_jxc_manager"):
            if any(not name.startswith("jxc_") for name in vals) or self - user.company_ids:
                raise AccessError(_("进销存 Managers may only change the 进销存 settings of their companies."))
        return super().write(vals)

    @api.constrains("jxc_abc_a_share", "jxc_abc_b_share", "jxc_holding_rate")
    def _check_jxc_stock_analysis(self):
        for company in self:
            if company.jxc_abc_a_share <= 0 or company.jxc_abc_b_share < 0 \
                    or company.jxc_abc_a_share + company.jxc_abc_b_share > 100:
                raise ValidationError(_("ABC shares: class A above 0%, class B at least 0%, together at most 100%."))
            if company.jxc_holding_rate < 0:
                raise ValidationError(_("The annual holding rate cannot be negative."))

    @api.multi
    def action_jxc_classify_abc(self):
        """ABC classes of the products by their sales over each company's ABC period (Settings),
        as the monthly scheduled action does."""
        check_scan_right(self.env)
        return self.env["product.product"]._jxc_classify_abc(self)

    @api.model
    def _cron_jxc_classify_abc(self):
        return self.search([]).action_jxc_classify_abc()

    @api.multi
    def _jxc_replenishment_user(self):
        """Who is in charge of a reorder warning whose rule names nobody: the setting, else the
        company's first purchaser who is not also a manager, else its first manager."""
        self.ensure_one()
        if self.jxc_replenishment_user_id:
            return self.jxc_replenishment_user_id
        purchasers = self.env.ref("jxc_addon.group_jxc_purchaser").users.filtered(
            lambda u: self in u.company_ids and not u.share)
        manager = self.env.ref("jxc_addon.group_jxc_manager")
        return (purchasers.filtered(lambda u: manager not in u.groups_id) or purchasers).sorted("id")[:1]

    @api.multi
    def _jxc_get_setting(self, field_name):
        """Return a 进销存 accounting setting, or tell the user which one is missing."""
        self.ensure_one()
        value = self[field_name]
        if not value:
            label = self.fields_get([field_name])[field_name]["string"]
            raise UserError(_(
                'The company "%s" has no %s. Set it in 进销存 > Configuration > Settings '
                '(Accounting section) before posting stock documents.') % (self.name, label))
        return value

    @api.multi
    def _jxc_apply_chart_defaults(self, overwrite=False):
        """Fill the 进销存 accounts from the codes of a known (Chinese) chart.

        Companies on other charts are left untouched: the documents that need a
        missing account say so when they are posted.
        """
        for company in self:
            template = company.chart_template_id
            codes = template and CHART_ACCOUNT_CODES.get(template.get_external_id()[template.id])
            if not codes:
                continue
            vals = {}
            for field_name, code in codes.items():
                if overwrite or not company[field_name]:
                    account = company._jxc_find_account(code)
                    if account:
                        vals[field_name] = account.id
            if overwrite or not company.jxc_grni_account_id:
                grni = company._jxc_ensure_grni_account()
                if grni:
                    vals["jxc_grni_account_id"] = grni.id
            if overwrite or not company.jxc_stock_journal_id:
                vals["jxc_stock_journal_id"] = company._jxc_ensure_stock_journal().id
            company.write(vals)
            company._jxc_ensure_reasons(CHART_REASONS.get(template.get_external_id()[template.id], []))
            company._jxc_ensure_vat_taxes()

    @api.model
    def _jxc_update_vat_taxes(self):
        """At install and update: the current Chinese VAT rates on every company with a Chinese chart."""
        self.sudo().search([])._jxc_ensure_vat_taxes()

    @api.multi
    def _jxc_ensure_vat_taxes(self):
        """VAT of 13%, 9% and 6% for sales and purchases on companies with a Chinese chart (created when
        missing, on the tax accounts of the chart's own VAT), and 13% as the default taxes of new products
        when the default is missing or an outdated rate (16%, 17%)."""
        Tax = self.env["account.tax"].sudo().with_context(active_test=False)
        IrDefault = self.env["ir.default"].sudo()
        for company in self:
            template = company.chart_template_id
            if not (template and template.get_external_id()[template.id] in CHART_ACCOUNT_CODES):
                continue
            for use, default_field, name in VAT_KINDS:
                taxes = Tax.search([("company_id", "=", company.id), ("type_tax_use", "=", use),
                                    ("amount_type", "=", "percent"), ("price_include", "=", False)])
                chart_vat = taxes.filtered(lambda t: t.amount in VAT_OUTDATED_RATES and t.account_id)[:1]
                by_rate = {}
                for rate in VAT_RATES:
                    tax = taxes.filtered(lambda t: t.amount == rate)[:1]
                    if not tax and chart_vat:
                        tax = Tax.create(company._jxc_prepare_vat_tax(chart_vat, rate, name % ("%g" % rate)))
                    by_rate[rate] = tax
                default_tax = by_rate[VAT_DEFAULT_RATE]
                current = Tax.browse(IrDefault.get("product.template", default_field, company_id=company.id) or []).exists()
                if default_tax.active and (not current or all(t.amount in VAT_OUTDATED_RATES for t in current)):
                    IrDefault.set("product.template", default_field, default_tax.ids, company_id=company.id)

    @api.multi
    def _jxc_prepare_vat_tax(self, chart_vat, rate, name):
        """A VAT rate like the chart's own VAT tax `chart_vat`: same use, accounts and tax group."""
        self.ensure_one()
        return {
            "name": name, "description": name, "amount": rate, "amount_type": "percent",
            "type_tax_use": chart_vat.type_tax_use, "company_id": self.id, "price_include": False,
            "account_id": chart_vat.account_id.id, "refund_account_id": chart_vat.refund_account_id.id,
            "tax_group_id": chart_vat.tax_group_id.id, "tax_exigibility": chart_vat.tax_exigibility,
            "sequence": chart_vat.sequence,
        }

    @api.multi
    def _jxc_ensure_reasons(self, reasons):
        self.ensure_one()
        Reason = self.env["jxc.stock.reason"]
        for sequence, (name, direction, code) in enumerate(reasons, 1):
            account = self._jxc_find_account(code)
            if account and not Reason.search([("company_id", "=", self.id), ("name", "=", name),
                                              ("direction", "=", direction)], limit=1):
                Reason.create({"name": name, "direction": direction, "account_id": account.id,
                               "company_id": self.id, "sequence": sequence})

    @api.multi
    def _jxc_find_account(self, code):
        # Charts may pad codes with zeros (code_digits): take the shortest match.
        self.ensure_one()
        accounts = self.env["account.account"].search(
            [("company_id", "=", self.id), ("code", "=like", code + "%")])
        return accounts.sorted(lambda a: (len(a.code), a.code))[:1]

    @api.multi
    def _jxc_ensure_grni_account(self):
        self.ensure_one()
        parent = self._jxc_find_account(GRNI_PARENT_CODE)
        if not parent:
            return parent
        code = parent.code + GRNI_SUFFIX
        Account = self.env["account.account"]
        account = Account.search([("company_id", "=", self.id), ("code", "=", code)], limit=1)
        return account or Account.create({
            "code": code,
            "name": GRNI_NAME,
            "user_type_id": self.env.ref("account.data_account_type_current_liabilities").id,
            "reconcile": True,
            "company_id": self.id,
        })

    @api.multi
    def _jxc_ensure_stock_journal(self):
        self.ensure_one()
        Journal = self.env["account.journal"]
        journal = Journal.search(
            [("company_id", "=", self.id), ("code", "=", STOCK_JOURNAL_CODE)], limit=1)
        if not journal:
            journal = Journal.create({
                "name": STOCK_JOURNAL_NAME,
                "code": STOCK_JOURNAL_CODE,
                "type": "general",
                "company_id": self.id,
                "show_on_dashboard": False,
            })
            # Gap-free numbering locks the sequence row (FOR UPDATE NOWAIT) for every entry:
            # stock postings of unrelated products would then collide. Numbers stay unique.
            journal.sequence_id.implementation = "standard"
        return journal
