from psycopg2 import IntegrityError

from odoo.exceptions import ValidationError
from odoo.tests.common import SavepointCase
from odoo.tools import mute_logger


class TestMasterData(SavepointCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Warehouse = cls.env["jxc.warehouse"]
        cls.company = cls.env.ref("base.main_company")
        cls.other_company = cls.env["res.company"].create({"name": "Other Co"})

    def test_warehouse_code_unique_per_company(self):
        self.Warehouse.create({"name": "Test A", "code": "TA"})
        self.Warehouse.create({"name": "Test A elsewhere", "code": "TA",
                               "company_id": self.other_company.id})
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            with self.env.cr.savepoint():
                self.Warehouse.create({"name": "Test A again", "code": "TA"})

    def test_warehouse_defaults_and_lookup(self):
        wh = self.Warehouse.create({"name": "东莞仓", "code": "DG"})
        self.assertEqual(wh.company_id, self.env.user.company_id)
        self.assertFalse(wh.allow_negative, "negative stock is refused unless allowed")
        self.assertTrue(wh.active)
        self.assertEqual(wh.display_name, "[DG] 东莞仓")
        found = self.Warehouse.name_search("dg")
        self.assertEqual([r[0] for r in found], [wh.id])

    def test_goods_tracked_services_never(self):
        Product = self.env["product.product"]
        goods = Product.create({"name": "测试商品", "type": "consu", "barcode": "6900000000017"})
        self.assertTrue(goods.jxc_track_stock)
        self.assertEqual(goods.barcode, "6900000000017")
        service = Product.create({"name": "测试服务", "type": "service"})
        self.assertFalse(service.jxc_track_stock)
        goods.type = "service"
        self.assertFalse(goods.jxc_track_stock)
        with self.assertRaises(ValidationError):
            service.product_tmpl_id.jxc_track_stock = True

    def test_purchase_unit(self):
        box = self.env.ref("jxc_addon.product_uom_box12_demo")
        product = self.env.ref("jxc_addon.product_tshirt_white_demo")
        self.assertEqual(product.uom_po_id, box)
        self.assertEqual(box._compute_quantity(2, product.uom_id), 24)

    def test_credit_terms_follow_the_company_partner(self):
        customer = self.env.ref("jxc_addon.res_partner_customer_beijing_demo")
        contact = self.env["res.partner"].create({"name": "采购员小王", "parent_id": customer.id})
        self.assertEqual(contact.jxc_credit_days, customer.jxc_credit_days)
        customer.write({"jxc_on_hold": True, "jxc_credit_days": 45})
        self.assertTrue(contact.jxc_on_hold)
        self.assertEqual(contact.jxc_credit_days, 45)


class TestDemoData(SavepointCase):
    """The demo company a prospect sees first."""

    def test_demo_company(self):
        company = self.env.ref("base.main_company")
        self.assertIn("服装批发", company.name)
        self.assertEqual(company.currency_id, self.env.ref("base.CNY"))
        self.assertEqual(company.country_id, self.env.ref("base.cn"))
        warehouses = self.env.ref("jxc_addon.jxc_warehouse_gz_demo") | self.env.ref("jxc_addon.jxc_warehouse_sh_demo")
        self.assertEqual(warehouses.mapped("company_id"), company)
        self.assertEqual(warehouses.mapped("code"), ["GZ", "SH"])

    def test_demo_products_suppliers_customers(self):
        prefix = "product_"
        data = self.env["ir.model.data"].search([
            ("module", "=", "jxc_addon"), ("model", "=", "product.template")])
        templates = self.env["product.template"].browse(data.mapped("res_id"))
        goods = templates.filtered("jxc_track_stock")
        self.assertGreaterEqual(len(goods), 20)
        self.assertTrue(all(goods.mapped("barcode")), "every demo good has a barcode")
        self.assertEqual(len(set(goods.mapped("barcode"))), len(goods))
        self.assertTrue(all(t.name.startswith(prefix) is False for t in goods))
        self.assertGreaterEqual(len(set(goods.mapped("uom_po_id")) - set(goods.mapped("uom_id"))), 1)
        partners = self.env["ir.model.data"].search([
            ("module", "=", "jxc_addon"), ("model", "=", "res.partner"), ("name", "like", "res_partner_%")])
        partners = self.env["res.partner"].browse(partners.mapped("res_id"))
        suppliers = partners.filtered("supplier")
        customers = partners.filtered("customer")
        self.assertEqual(len(suppliers), 5)
        self.assertEqual(len(customers), 10)
        self.assertGreaterEqual(len(set(customers.mapped("city"))), 10, "customers across regions")
        self.assertTrue(all(customers.mapped("credit_limit")))

    def test_demo_users_per_role(self):
        roles = {
            "manager": "group_jxc_manager", "purchaser": "group_jxc_purchaser",
            "salesman": "group_jxc_salesman", "keeper": "group_jxc_keeper",
            "accountant": "group_jxc_accountant", "viewer": "group_jxc_user",
        }
        for login, group in roles.items():
            user = self.env["res.users"].search([("login", "=", login)])
            self.assertEqual(len(user), 1, login)
            self.assertTrue(user.has_group("jxc_addon." + group), login)
            self.assertEqual(user.lang, "zh_CN")
        viewer = self.env["res.users"].search([("login", "=", "viewer")])
        self.assertFalse(viewer.has_group("jxc_addon.group_jxc_purchaser"))
        self.assertTrue(self.env.ref("base.user_root").has_group("jxc_addon.group_jxc_manager"))

    def test_chinese_loaded(self):
        lang = self.env["res.lang"].search([("code", "=", "zh_CN")])
        self.assertTrue(lang.active)
        menu = self.env.ref("jxc_addon.jxc_menu_config").with_context(lang="zh_CN")
        self.assertEqual(menu.name, "设置")
