from odoo.exceptions import AccessError
from odoo.tests.common import SavepointCase


class TestSecurity(SavepointCase):
    """What each role may do with master data (documents come with their issues)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        users = cls.env["res.users"].with_context(no_reset_password=True)

        def make(login, group):
            return users.create({
                "name": login, "login": "t_" + login, "email": login + "@example.com",
                "groups_id": [(6, 0, [cls.env.ref("base.group_user").id,
                                      cls.env.ref("jxc_addon." + group).id])],
            })
        cls.viewer = make("viewer", "group_jxc_user")
        cls.purchaser = make("purchaser", "group_jxc_purchaser")
        cls.salesman = make("salesman", "group_jxc_salesman")
        cls.keeper = make("keeper", "group_jxc_keeper")
        cls.accountant = make("accountant", "group_jxc_accountant")
        cls.manager = make("manager", "group_jxc_manager")
        cls.warehouse = cls.env.ref("jxc_addon.jxc_warehouse_gz_demo")

    def test_everyone_reads_warehouses_only_manager_changes_them(self):
        for user in (self.viewer, self.purchaser, self.salesman, self.keeper, self.accountant):
            self.assertEqual(self.warehouse.sudo(user).name, "广州总仓")
            with self.assertRaises(AccessError):
                self.warehouse.sudo(user).write({"allow_negative": True})
            with self.assertRaises(AccessError):
                self.env["jxc.warehouse"].sudo(user).create({"name": "X", "code": "X"})
        self.warehouse.sudo(self.manager).write({"allow_negative": True})
        self.assertTrue(self.warehouse.allow_negative)
        self.env["jxc.warehouse"].sudo(self.manager).create({"name": "深圳仓", "code": "SZ"})

    def test_products_by_purchaser_and_manager(self):
        for user in (self.purchaser, self.manager):
            product = self.env["product.product"].sudo(user).create({"name": "新款 " + user.login})
            self.assertTrue(product.jxc_track_stock)
        for user in (self.viewer, self.salesman, self.keeper, self.accountant):
            with self.assertRaises(AccessError):
                self.env["product.product"].sudo(user).create({"name": "不允许"})

    def test_partners_by_purchaser_and_salesman(self):
        for user in (self.purchaser, self.salesman, self.manager):
            self.env["res.partner"].sudo(user).create({"name": "客户 " + user.login, "customer": True})
        for user in (self.viewer, self.keeper):
            with self.assertRaises(AccessError):
                self.env["res.partner"].sudo(user).create({"name": "不允许"})

    def test_other_company_warehouses_are_hidden(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        hidden = self.env["jxc.warehouse"].create({"name": "外仓", "code": "OUT", "company_id": other.id})
        visible = self.env["jxc.warehouse"].sudo(self.manager).search([])
        self.assertIn(self.warehouse, visible)
        self.assertNotIn(hidden, visible)
        self.manager.write({"company_ids": [(4, other.id)], "company_id": other.id})
        visible = self.env["jxc.warehouse"].sudo(self.manager).search([])
        self.assertIn(hidden, visible)
        self.assertNotIn(self.warehouse, visible)

    def test_menu_visible_to_roles_only(self):
        root = self.env.ref("jxc_addon.jxc_menu_root")
        for user in (self.viewer, self.keeper, self.manager):
            menus = self.env["ir.ui.menu"].sudo(user).search([("id", "=", root.id)])
            self.assertEqual(menus, root)
        outsider = self.env["res.users"].with_context(no_reset_password=True).create({
            "name": "outsider", "login": "t_outsider", "email": "outsider@example.com",
            "groups_id": [(6, 0, [self.env.ref("base.group_user").id])]})
        self.assertFalse(self.env["ir.ui.menu"].sudo(outsider).search([("id", "=", root.id)]))
