from lxml import etree

from odoo.exceptions import AccessError

from .common import StockCase


class TestSettingsAccess(StockCase):
    """进销存 › Configuration › Settings: administrators and 进销存 Managers, nobody else."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = cls.make_user("t_set_manager", "group_jxc_manager")
        cls.salesman = cls.make_user("t_set_salesman", "group_jxc_salesman")
        cls.keeper = cls.make_user("t_set_keeper", "group_jxc_keeper")
        cls.Settings = cls.env["res.config.settings"]

    def test_manager_has_the_settings_menu_and_the_jxc_block_alone(self):
        menu = self.env.ref("jxc_addon.res_config_settings_menu_jxc")
        self.assertEqual(self.env["ir.ui.menu"].sudo(self.manager).search([("id", "=", menu.id)]), menu)
        for user in (self.salesman, self.keeper):
            self.assertFalse(self.env["ir.ui.menu"].sudo(user).search([("id", "=", menu.id)]))
        self.assertFalse(self.manager.has_group("base.group_system"), "not an Odoo administrator")
        view = self.Settings.sudo(self.manager).fields_view_get(view_type="form")
        blocks = etree.XML(view["arch"]).xpath("//div[contains(@class, 'app_settings_block')]/@data-key")
        self.assertEqual(blocks, ["jxc_addon"])
        self.assertIn("jxc_cost_scope", view["fields"])
        self.assertNotIn("default_sale_tax_id", view["fields"], "the invoicing settings stay with administrators")
        admin_view = self.Settings.fields_view_get(view_type="form")
        self.assertIn("default_sale_tax_id", admin_view["fields"])

    def test_manager_saves_the_jxc_settings(self):
        # What Save does in the web client: create the record from the form's fields, then execute.
        settings = self.Settings.sudo(self.manager)
        view = settings.fields_view_get(view_type="form")
        values = dict({name: False for name in view["fields"]}, **settings.default_get(list(view["fields"])))
        changes = settings.onchange(dict(values), [], settings._onchange_spec(view))["value"]
        values.update({name: value[0] if isinstance(value, tuple) else value for name, value in changes.items()})
        self.assertEqual(values["company_id"], self.company.id)
        self.assertEqual(values["jxc_grni_account_id"], self.company.jxc_grni_account_id.id)
        values.update(jxc_slow_days=45, jxc_cost_scope="warehouse", group_jxc_keeper_sees_prices=False)
        settings.create(values).execute()
        self.env["res.users"].invalidate_cache()
        self.env["res.groups"].invalidate_cache()
        self.company.invalidate_cache()
        self.assertEqual((self.company.jxc_slow_days, self.company.jxc_cost_scope), (45, "warehouse"))
        price = self.env.ref("jxc_addon.group_jxc_price")
        self.assertNotIn(price, self.env.ref("jxc_addon.group_jxc_keeper").implied_ids)
        self.assertNotIn(price, self.keeper.groups_id, "keepers no longer see prices")
        self.assertIn(price, self.manager.groups_id, "managers still do")
        # Only the 进销存 settings: not the company itself.
        with self.assertRaises(AccessError):
            self.company.sudo(self.manager).write({"name": "改名"})

    def test_others_cannot_change_the_settings(self):
        before = self.company.jxc_slow_days
        for user in (self.salesman, self.keeper):
            with self.assertRaises(AccessError):
                self.Settings.sudo(user).create({"jxc_slow_days": 10})
            with self.assertRaises(AccessError):
                self.Settings.sudo(user).create({}).execute()
            with self.assertRaises(AccessError):
                self.company.sudo(user).write({"jxc_slow_days": 10})
            with self.assertRaises(AccessError):
                self.Settings.sudo(user).create({}).action_jxc_apply_chart_defaults()
        self.assertEqual(self.company.jxc_slow_days, before)
