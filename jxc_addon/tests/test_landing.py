from odoo.tools.safe_eval import safe_eval

from .common import StockCase


class TestLanding(StockCase):
    """Each role lands on its own work: the 进销存 top menu and the demo users' home action open it,
    and the menu shows the sections the role works in. Managers and salesmen land on the dashboard
    (a salesman's shows his own sales)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.landing = cls.env.ref("jxc_addon.res_users_action_jxc_landing")
        cls.root = cls.env.ref("jxc_addon.jxc_menu_root")
        cls.demo = {login: cls.env["res.users"].search([("login", "=", login)])
                    for login in ("manager", "purchaser", "salesman", "keeper", "accountant", "viewer")}
        cls.demo["admin"] = cls.env.ref("base.user_root")

    def land(self, login):
        """What the user sees after login: (action, domain, context)."""
        user = self.demo[login]
        action = self.landing.sudo(user).run()
        domain, context = action.get("domain") or [], action.get("context") or {}
        if isinstance(domain, str):
            domain = safe_eval(domain, {"uid": user.id})
        if isinstance(context, str):
            context = safe_eval(context, {"uid": user.id})
        return action, domain, context

    def test_demo_users_log_in_on_their_work(self):
        for user in self.demo.values():
            self.assertEqual(user.action_id.id, self.landing.id, user.login)
        self.assertEqual(self.root.action, self.landing, "the 进销存 top menu opens the same landing")

    def test_salesman_lands_on_his_dashboard(self):
        action, domain, _context = self.land("salesman")
        self.assertEqual((action["type"], action["res_model"], action["view_mode"]),
                         ("ir.actions.act_window", "jxc.dashboard", "kanban"))
        self.assertNotIn("id", action, "a reload comes back to the landing")
        salesman = self.demo["salesman"]
        board = self.env["jxc.dashboard"].sudo(salesman).search(domain)
        self.assertEqual(board.company_id, salesman.company_id)
        # his own sales, no margin or stock value
        self.assertNotIn("margin_month", board.fields_view_get(view_type="kanban")["fields"])

    def test_purchaser_lands_on_purchase_orders(self):
        action, _domain, _context = self.land("purchaser")
        self.assertEqual(action["res_model"], "jxc.purchase.order")

    def test_keeper_lands_on_what_waits_to_be_received_or_delivered(self):
        # the demo keeper works in 广州总仓 (Allowed Warehouses): these documents are in Test WH A
        self.demo["keeper"].jxc_warehouse_ids |= self.wh_a
        receipt = self.picking("receipt", [(self.shirt, 5, 10.0)], validate=False)
        delivery = self.picking("delivery", [(self.shirt, 2)], validate=False)
        transfer = self.picking("transfer", [(self.shirt, 1)], validate=False, dest_warehouse_id=self.wh_b.id)
        done = self.picking("receipt", [(self.shirt, 1, 10.0)])
        action, domain, context = self.land("keeper")
        self.assertEqual(action["res_model"], "jxc.stock.picking")
        self.assertNotIn("id", action, "a reload comes back to the landing, not to all documents")
        listed = self.env["jxc.stock.picking"].sudo(self.demo["keeper"]).search(domain)
        self.assertIn(receipt, listed)
        self.assertIn(delivery, listed)
        self.assertNotIn(transfer, listed)
        self.assertNotIn(done, listed)
        self.assertEqual(context.get("search_default_group_type"), 1)

    def test_accountant_lands_on_sales_orders_to_invoice(self):
        action, _domain, context = self.land("accountant")
        self.assertEqual(action["res_model"], "jxc.sale.order")
        self.assertEqual(context.get("search_default_to_invoice"), 1)
        self.assertNotIn("search_default_my", context, "the accountant invoices every salesman's orders")

    def test_manager_and_admin_land_on_the_dashboard(self):
        for login in ("manager", "admin"):
            action, domain, _context = self.land(login)
            self.assertEqual((action["res_model"], action["view_mode"]), ("jxc.dashboard", "kanban"), login)
            board = self.env["jxc.dashboard"].sudo(self.demo[login]).search(domain)
            self.assertEqual(board.company_id, self.demo[login].company_id, login)
            self.assertIn("margin_month", board.fields_view_get(view_type="kanban")["fields"], login)

    def test_read_only_user_lands_on_stock_on_hand(self):
        action, _domain, _context = self.land("viewer")
        self.assertEqual(action["res_model"], "jxc.stock.quant")

    def test_each_role_sees_the_sections_it_works_in(self):
        sections = {
            "purchase": self.env.ref("jxc_addon.jxc_menu_purchase"),
            "sale": self.env.ref("jxc_addon.jxc_menu_sale"),
            "stock": self.env.ref("jxc_addon.jxc_menu_stock"),
            "config": self.env.ref("jxc_addon.jxc_menu_config"),
        }
        expected = {
            "salesman": {"sale", "stock"},
            "purchaser": {"purchase", "stock", "config"},
            "keeper": {"purchase", "stock", "config"},
            "accountant": {"purchase", "sale", "stock"},
            "manager": {"purchase", "sale", "stock", "config"},
        }
        for login, names in expected.items():
            visible = self.env["ir.ui.menu"].sudo(self.demo[login]).search([("parent_id", "=", self.root.id)])
            self.assertEqual({name for name, menu in sections.items() if menu in visible}, names, login)
