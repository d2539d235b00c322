from lxml import etree

from odoo.tests.common import SavepointCase


class TestUnits(SavepointCase):
    """Every 进销存 user sees units: the demo buys by 箱(12件) and sells by the piece."""

    def visible_line_fields(self, user, model, view_type="form"):
        """Names of the fields the user sees in the lines of a document form."""
        view = self.env[model].sudo(user).fields_view_get(view_type=view_type)
        # The lines' embedded list comes with the field's description, apart from the form's arch.
        arch = etree.XML(view["fields"]["line_ids"]["views"]["tree"]["arch"])
        return {node.get("name") for node in arch.iter("field")
                if '"invisible": true' not in (node.get("modifiers") or "")
                and '"column_invisible": true' not in (node.get("modifiers") or "")}

    def test_demo_roles_see_units(self):
        for login in ("keeper", "salesman", "purchaser", "viewer", "accountant", "manager"):
            user = self.env.ref("jxc_addon.res_users_%s_demo" % login)
            self.assertTrue(user.has_group("product.group_uom"), login)
        keeper = self.env.ref("jxc_addon.res_users_keeper_demo")
        self.assertIn("uom_id", self.visible_line_fields(keeper, "jxc.stock.picking"))
        salesman = self.env.ref("jxc_addon.res_users_salesman_demo")
        self.assertIn("uom_id", self.visible_line_fields(salesman, "jxc.sale.order"))
        purchaser = self.env.ref("jxc_addon.res_users_purchaser_demo")
        self.assertIn("uom_id", self.visible_line_fields(purchaser, "jxc.purchase.order"))

    def test_new_user_of_a_role_sees_units(self):
        user = self.env["res.users"].with_context(no_reset_password=True).create({
            "name": "新库管", "login": "t_unit_keeper", "email": "k@example.com",
            "groups_id": [(6, 0, [self.env.ref("jxc_addon.group_jxc_keeper").id])]})
        self.assertTrue(user.has_group("product.group_uom"))
