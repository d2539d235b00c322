import json

from lxml import etree

from odoo.tests.common import SavepointCase

COMPARE = {"=": lambda a, b: a == b, "!=": lambda a, b: a != b,
           "in": lambda a, b: a in b, "not in": lambda a, b: a not in b}


def holds(modifier, values):
    """A modifier (True/False or a domain on `values`, e.g. parent.state) for these values."""
    if not isinstance(modifier, list):
        return bool(modifier)
    stack = []
    for item in reversed(modifier):
        if item in ("|", "&"):
            first, second = stack.pop(), stack.pop()
            stack.append(first or second if item == "|" else first and second)
        elif item == "!":
            stack.append(not stack.pop())
        else:
            name, operator, value = item
            stack.append(COMPARE[operator](values[name], value))
    return all(stack)


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

    def _line_views(self, model, login):
        user = self.env["res.users"].search([("login", "=", login)])
        views = self.env[model].sudo(user).fields_view_get(view_type="form")["fields"]["line_ids"]["views"]
        return etree.fromstring(views["tree"]["arch"]), etree.fromstring(views["form"]["arch"])

    def _columns(self, tree, state):
        return [f.get("name") for f in tree.iter("field") if not holds(
            json.loads(f.get("modifiers", "{}")).get("column_invisible"), {"parent.state": state})]

    def test_order_lines_show_the_columns_of_the_state(self):
        """Quotations show what quoting needs, orders their progress; the description (the product's
        name again), returns and margins are in the line's form, which readonly orders open."""
        quote = ["sequence", "product_id", "product_qty", "uom_id", "price_unit", "discount", "tax_ids",
                 "price_subtotal"]
        for login in ("salesman", "manager"):
            tree, form = self._line_views("jxc.sale.order", login)
            # quoting: the available stock, the customer's last price and its order (numbered by date;
            # the date itself is in the line's form) and the minimum
            self.assertEqual(self._columns(tree, "quotation"), quote + [
                "qty_available", "last_price", "last_price_order", "min_price"])
            self.assertEqual(self._columns(tree, "confirmed"),
                             quote + ["qty_reserved", "qty_delivered", "qty_invoiced"])
            self.assertEqual(self._columns(tree, "done"), quote + ["qty_delivered", "qty_invoiced"])
            self.assertEqual(self._columns(tree, "cancel"), quote)
            shown = [f.get("name") for f in form.iter("field")]
            self.assertTrue({"name", "qty_returned", "qty_delivered"} <= set(shown), shown)
            self.assertEqual("margin" in shown, login == "manager", "margins are for managers")

        order = ["sequence", "product_id", "product_qty", "uom_id", "price_unit", "tax_ids", "price_subtotal"]
        tree, form = self._line_views("jxc.purchase.order", "purchaser")
        # ordering: the supplier's last price and its order (its date in the line's form: 1440 px)
        self.assertEqual(self._columns(tree, "draft"), order + ["last_purchase_price", "last_purchase_order"])
        for state in ("confirmed", "done"):
            self.assertEqual(self._columns(tree, state), order + ["qty_received", "qty_rejected", "qty_billed"])
        self.assertEqual(self._columns(tree, "cancel"), order)
        shown = [f.get("name") for f in form.iter("field")]
        self.assertTrue({"name", "qty_returned", "qty_received", "last_purchase_date"} <= set(shown), shown)
