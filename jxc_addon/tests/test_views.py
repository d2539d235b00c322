from odoo.tests.common import SavepointCase


class TestViews(SavepointCase):
    """Every window action of the module opens for the roles that see its menu."""

    def test_actions_load_their_views(self):
        actions = self.env["ir.actions.act_window"].search([]).filtered(
            lambda a: a.get_external_id()[a.id].startswith("jxc_addon."))
        self.assertGreaterEqual(len(actions), 15)
        users = [self.env.ref("base.user_root")] + [
            self.env["res.users"].search([("login", "=", login)]) for login in ("manager", "keeper", "viewer")]
        menus = self.env["ir.ui.menu"].search([("action", "!=", False)])
        for action in actions:
            for user in users:
                visible = menus.sudo(user).search([("action", "=", "ir.actions.act_window,%d" % action.id)])
                if not visible and user != users[0]:
                    continue
                model = self.env[action.res_model].sudo(user)
                views = [(False, mode) for mode in action.view_mode.split(",")] + [(False, "search")]
                result = model.load_views(views)
                self.assertTrue(result["fields_views"], (action.name, user.login))
