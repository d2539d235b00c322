from odoo.tests.common import SavepointCase

from .common import load_chart


class TestChineseVat(SavepointCase):
    """VAT at the rates in force since 2019-04-01 (13%, 9%, 6%) on the Chinese charts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.ref("base.main_company")
        cls.IrDefault = cls.env["ir.default"]

    def default_taxes(self, company):
        return tuple(self.env["account.tax"].browse(self.IrDefault.get("product.template", field, company_id=company.id))
                     for field in ("taxes_id", "supplier_taxes_id"))

    def assertVat(self, company, account_code):
        for use in ("sale", "purchase"):
            taxes = self.env["account.tax"].search([("company_id", "=", company.id), ("type_tax_use", "=", use)])
            for rate in (13.0, 9.0, 6.0):
                tax = taxes.filtered(lambda t: t.amount == rate and t.amount_type == "percent")
                self.assertEqual(len(tax), 1, (use, rate))
                self.assertFalse(tax.price_include)
                self.assertEqual(tax.account_id.code, account_code, "on the chart's VAT account (应交税费)")
                self.assertEqual(tax.refund_account_id.code, account_code)
        sale, purchase = self.default_taxes(company)
        self.assertEqual((sale.amount, sale.type_tax_use), (13.0, "sale"))
        self.assertEqual((purchase.amount, purchase.type_tax_use), (13.0, "purchase"))

    def test_demo_company_and_products_at_13_percent(self):
        self.assertVat(self.company, "2221")
        tshirt = self.env.ref("jxc_addon.product_tshirt_white_demo")
        self.assertEqual(tshirt.taxes_id.mapped("amount"), [13.0])
        self.assertEqual(tshirt.supplier_taxes_id.mapped("amount"), [13.0])
        new_product = self.env["product.template"].create({"name": "新品"})
        self.assertEqual(new_product.taxes_id.mapped("amount"), [13.0])

    def test_sales_order_line_of_100_has_13_of_tax(self):
        tshirt = self.env.ref("jxc_addon.product_tshirt_white_demo").product_variant_id
        order = self.env["jxc.sale.order"].create({
            "partner_id": self.env.ref("jxc_addon.res_partner_customer_beijing_demo").id,
            "warehouse_id": self.env.ref("jxc_addon.jxc_warehouse_gz_demo").id})
        line = self.env["jxc.sale.order.line"].new({"order_id": order.id, "product_id": tshirt.id})
        line._onchange_product_id()
        order.write({"line_ids": [(0, 0, {"product_id": tshirt.id, "name": line.name, "uom_id": line.uom_id.id,
                                          "tax_ids": [(6, 0, line.tax_ids.ids)], "product_qty": 1,
                                          "price_unit": 100.0})]})
        self.assertEqual((order.amount_untaxed, order.amount_tax, order.amount_total), (100.0, 13.0, 113.0))

    def test_new_company_on_the_chinese_chart(self):
        company = self.env["res.company"].create({"name": "新公司", "currency_id": self.env.ref("base.CNY").id})
        load_chart(self.env, company, self.env.ref("l10n_cn_small_business.l10n_chart_china_small_business"))
        self.assertVat(company, "2221")

    def test_update_is_idempotent(self):
        Tax = self.env["account.tax"]
        before = Tax.search_count([("company_id", "=", self.company.id)])
        self.env["res.company"]._jxc_update_vat_taxes()
        self.assertEqual(Tax.search_count([("company_id", "=", self.company.id)]), before)
