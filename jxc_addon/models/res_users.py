from odoo import _, api, models


class ResUsers(models.Model):
    _inherit = "res.users"

    @api.model
    def _jxc_landing_action(self):
        """Where the current user lands: the 进销存 top menu and the demo users' home action open this.

        A user with several roles lands on the first of: Manager (the warnings board), Salesman (his
        quotations and orders), Purchaser (purchase orders), Warehouse keeper (receipts and deliveries
        waiting), Accountant (sales orders to invoice); a read-only user on the stock on hand.
        """
        user = self.env.user
        if user.has_group("jxc_addon.group_jxc_manager"):
            return self._jxc_prepare_landing("jxc_addon.jxc_reorder_warning_action")
        if user.has_group("jxc_addon.group_jxc_salesman"):
            return self._jxc_prepare_landing("jxc_addon.jxc_sale_order_action")
        if user.has_group("jxc_addon.group_jxc_purchaser"):
            return self._jxc_prepare_landing("jxc_addon.jxc_purchase_order_action")
        if user.has_group("jxc_addon.group_jxc_keeper"):
            return self._jxc_prepare_landing(
                "jxc_addon.jxc_stock_picking_action", name=_("Receipts and Deliveries to Do"),
                domain=[("state", "=", "draft"), ("picking_type", "in", ["receipt", "delivery"])],
                context={"search_default_group_type": 1},
                help="<p>%s</p><p>%s</p>" % (
                    _("No receipt or delivery is waiting."),
                    _("Confirmed purchase and sales orders prepare their draft receipts and deliveries here: "
                      "check the goods, then validate them.")))
        if user.has_group("jxc_addon.group_jxc_accountant"):
            return self._jxc_prepare_landing(
                "jxc_addon.jxc_sale_order_action", name=_("Sales Orders to Invoice"),
                context={"search_default_to_invoice": 1})
        return self._jxc_prepare_landing("jxc_addon.jxc_stock_quant_action")

    @api.model
    def _jxc_prepare_landing(self, xmlid, **changes):
        """The window action ``xmlid`` with ``changes`` (name, domain, context). A changed action
        loses its id, so that reloading the page comes back to the landing, not to the base action."""
        action = self.env.ref(xmlid).read()[0]
        if changes:
            action.update(changes, display_name=changes.get("name", action["name"]))
            del action["id"]
        return action
