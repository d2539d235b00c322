from odoo.exceptions import UserError
from odoo.tests.common import SavepointCase

from .common import load_chart


class TestConfig(SavepointCase):
    """Accounting configuration: defaults on the Chinese charts, clear errors elsewhere."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.main_company = cls.env.ref("base.main_company")
        cls.cn_chart = cls.env.ref("l10n_cn_small_business.l10n_chart_china_small_business")

    def _new_company(self, name):
        return self.env["res.company"].create({"name": name, "currency_id": self.env.ref("base.CNY").id})

    def assertAccounts(self, company):
        self.assertEqual(company.jxc_stock_valuation_account_id.code, "1405")
        self.assertEqual(company.jxc_stock_valuation_account_id.name, "库存商品")
        self.assertEqual(company.jxc_cogs_account_id.code, "5401")
        self.assertEqual(company.jxc_inventory_diff_account_id.code, "1901")
        self.assertEqual(company.jxc_price_diff_account_id.code, "1404")
        grni = company.jxc_grni_account_id
        self.assertEqual(grni.code, "220201")
        self.assertTrue(grni.reconcile, "GRNI lines must be reconcilable with vendor bills")
        self.assertEqual(grni.company_id, company)
        journal = company.jxc_stock_journal_id
        self.assertEqual((journal.type, journal.code, journal.company_id), ("general", "STJ", company))
        for field_name in ("jxc_stock_valuation_account_id", "jxc_cogs_account_id",
                           "jxc_inventory_diff_account_id", "jxc_price_diff_account_id"):
            self.assertEqual(company[field_name].company_id, company)

    def test_main_company_defaults_from_chinese_chart(self):
        self.assertEqual(self.main_company.chart_template_id, self.cn_chart)
        self.assertAccounts(self.main_company)
        self.assertEqual(self.main_company.jxc_cost_scope, "company")

    def test_new_company_gets_defaults_when_chart_is_loaded(self):
        company = self._new_company("新公司")
        self.assertFalse(company.jxc_stock_valuation_account_id)
        load_chart(self.env, company, self.cn_chart)
        self.assertAccounts(company)
        self.assertNotEqual(company.jxc_grni_account_id, self.main_company.jxc_grni_account_id)

    def test_missing_setting_is_named_in_the_error(self):
        company = self._new_company("No Chart Ltd").with_context(lang="en_US")
        with self.assertRaises(UserError) as caught:
            company._jxc_get_setting("jxc_stock_valuation_account_id")
        message = caught.exception.name
        self.assertIn("No Chart Ltd", message)
        self.assertIn("Stock Valuation Account", message)
        self.assertIn("Settings", message)
        with self.assertRaises(UserError) as caught:
            company._jxc_get_setting("jxc_grni_account_id")
        self.assertIn("Goods Received Not Invoiced Account", caught.exception.name)

    def test_missing_setting_error_in_chinese(self):
        company = self._new_company("无科目公司")
        with self.assertRaises(UserError) as caught:
            company.with_context(lang="zh_CN")._jxc_get_setting("jxc_cogs_account_id")
        self.assertIn("主营业务成本科目", caught.exception.name)
        self.assertIn("无科目公司", caught.exception.name)

    def test_other_chart_gets_no_defaults(self):
        generic = self.env.ref("l10n_generic_coa.configurable_chart_template")
        company = self._new_company("Generic Chart Co")
        load_chart(self.env, company, generic)
        self.assertEqual(company.chart_template_id, generic)
        self.assertFalse(company.jxc_stock_valuation_account_id)
        self.assertFalse(company.jxc_grni_account_id)
        self.assertFalse(company.jxc_stock_journal_id)
        with self.assertRaises(UserError):
            company._jxc_get_setting("jxc_stock_journal_id")

    def test_configured_setting_is_returned(self):
        self.assertEqual(
            self.main_company._jxc_get_setting("jxc_cogs_account_id").code, "5401")

    def test_settings_page_writes_company(self):
        settings = self.env["res.config.settings"].create({
            "jxc_cost_scope": "warehouse",
        })
        settings.execute()
        self.assertEqual(self.main_company.jxc_cost_scope, "warehouse")
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.jxc_stock_valuation_account_id.code, "1405")
        self.assertEqual(settings.jxc_grni_account_id.code, "220201")

    def test_reset_from_chart(self):
        other = self.main_company._jxc_find_account("5402")
        self.main_company.jxc_cogs_account_id = other
        self.main_company._jxc_apply_chart_defaults()
        self.assertEqual(self.main_company.jxc_cogs_account_id, other, "existing choices are kept")
        settings = self.env["res.config.settings"].create({})
        settings.action_jxc_apply_chart_defaults()
        self.assertEqual(self.main_company.jxc_cogs_account_id.code, "5401")
        grni_count = self.env["account.account"].search_count(
            [("company_id", "=", self.main_company.id), ("code", "=", "220201")])
        self.assertEqual(grni_count, 1, "resetting does not create a second GRNI account")
