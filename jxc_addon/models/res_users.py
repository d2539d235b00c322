from odoo import SUPERUSER_ID, _, api, fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    jxc_warehouse_ids = fields.Many2many(
        "jxc.warehouse", "jxc_warehouse_res_users_rel", "user_id", "warehouse_id", string="Allowed Warehouses",
        help="The warehouses this user works in: he sees and posts the stock documents, stocktakings, stock "
             "on hand and ledger rows of these warehouses only, and sells from them only. Empty: all "
             "warehouses. 进销存 Managers always see all.")

    @api.multi
    def write(self, vals):
        res = super().write(vals)
        if "jxc_warehouse_ids" in vals:
            # Record rules are computed once per user and cached: the list changes what they allow.
            self.env["ir.rule"].clear_caches()
        return res

    def _jxc_allowed_warehouses(self):
        """The warehouses the user is limited to, or None when he is not limited (no list, a 进销存
        Manager or the superuser). Archived warehouses of the list count too."""
        self.ensure_one()
        user = self.sudo()
        # (implied groups are among a user's groups_id; has_group() would ask about the env's user)
        if self.id == SUPERUSER_ID or not user.jxc_warehouse_ids \
                or self.env.ref("jxc_addon.group_jxc_manager") in user.groups_id:
            return None
        return user.with_context(active_test=False).jxc_warehouse_ids

    def _jxc_warehouse_domain(self, *fnames):
        """The record rule (and field domain) of the user's warehouses on `fnames` (paths to a
        warehouse, e.g. "warehouse_id", "picking_id.warehouse_id"; several: any of them):
        [(1, '=', 1)] when the user is not limited."""
        warehouses = self._jxc_allowed_warehouses()
        if warehouses is None:
            return [(1, "=", 1)]
        leaves = [(fname, "in", warehouses.ids) for fname in fnames]
        return ["|"] * (len(leaves) - 1) + leaves

    @api.model
    def _jxc_landing_action(self):
        """Where the current user lands: the 进销存 top menu and the demo users' home action open this.

        A user with several roles lands on the first of: Manager (the dashboard of his company),
        Salesman (the same dashboard with his own sales, no margin or stock value), Purchaser
        (purchase orders), Warehouse keeper (receipts and deliveries waiting), Accountant (sales
        orders to invoice); a read-only user on the stock on hand.
        """
        user = self.env.user
        if user.has_group("jxc_addon.group_jxc_manager") or user.has_group("jxc_addon.group_jxc_salesman"):
            # the dashboard of his company
            return self._jxc_prepare_landing("jxc_addon.jxc_dashboard_action",
                                             domain=[("company_id", "=", user.company_id.id)])
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
