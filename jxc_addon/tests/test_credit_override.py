"""信用放行: only a 进销存 Manager lets a customer beyond the credit control, with a reason
kept in the order's chatter; nobody else gets around it, through the wizard or by writing."""
import json

from lxml import etree

from odoo.exceptions import AccessError, UserError

from .test_sale import SaleCase


class TestCreditOverride(SaleCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.picking_model = cls.env["jxc.stock.picking"]
        cls.Wizard = cls.env["jxc.credit.override.wizard"]

    def setUp(self):
        super().setUp()
        self.picking("receipt", [(self.shirt, 50, 5.0)])
        self.customer.credit_limit = self.customer.credit + 100.0

    def test_manager_overrides_a_refused_quotation_with_a_reason(self):
        order = self.order([(self.shirt, 20, 10.0, 0.0)], user=self.salesman_a, confirm=False)
        with self.assertRaises(UserError):
            order.sudo(self.salesman_a).button_confirm()
        self.assertTrue(order.sudo(self.manager).credit_blocked)
        action = order.sudo(self.manager).action_open_credit_override()
        self.assertEqual((action["res_model"], action["context"]), ("jxc.credit.override.wizard",
                                                                     {"default_sale_id": order.id}))
        wizard = self.Wizard.sudo(self.manager).with_context(**action["context"]).create({"reason": "老客户，月底回款"})
        self.assertIn("credit limit", wizard.problem)
        wizard.action_override()
        self.assertEqual(order.state, "confirmed")
        self.assertEqual(order.credit_override_reason, "老客户，月底回款")
        self.assertIn("月底回款", order.message_ids[0].body)
        self.assertFalse(order.credit_blocked)

    def test_the_reason_is_required(self):
        order = self.order([(self.shirt, 20, 10.0, 0.0)], confirm=False)
        wizard = self.Wizard.sudo(self.manager).create({"sale_id": order.id, "reason": "  "})
        with self.assertRaises(UserError):
            wizard.action_override()
        self.assertEqual((order.state, order.credit_override_reason), ("quotation", False))

    def test_nobody_else_overrides(self):
        order = self.order([(self.shirt, 20, 10.0, 0.0)], user=self.salesman_a, confirm=False)
        for user in (self.salesman_a, self.keeper):
            with self.assertRaises(AccessError):
                order.sudo(user).action_open_credit_override()
            with self.assertRaises(AccessError):
                self.Wizard.sudo(user).create({"sale_id": order.id, "reason": "VIP"})
        wizard = self.Wizard.sudo(self.manager).create({"sale_id": order.id, "reason": "VIP"})
        with self.assertRaises(AccessError):
            wizard.sudo(self.salesman_a).action_override()
        # Nor by writing the reason the override is recorded in.
        with self.assertRaises(AccessError):
            order.sudo(self.salesman_a).write({"credit_override_reason": "my own decision"})
        with self.assertRaises(AccessError):
            self.env["jxc.sale.order"].sudo(self.salesman_a).create({
                "partner_id": self.customer.id, "warehouse_id": self.wh_a.id,
                "credit_override_reason": "my own decision"})
        self.assertEqual((order.state, order.credit_override_reason), ("quotation", False))
        with self.assertRaises(UserError):
            order.sudo(self.salesman_a).button_confirm()

    def test_button_shown_to_managers_only(self):
        for user, hidden in ((self.manager, False), (self.salesman_a, True), (self.keeper, True)):
            for model in ("jxc.sale.order", "jxc.stock.picking"):
                arch = etree.fromstring(self.env[model].sudo(user).fields_view_get(view_type="form")["arch"])
                button = arch.xpath("//button[@name='action_open_credit_override']")[0]
                modifiers = json.loads(button.get("modifiers"))
                self.assertEqual(modifiers["invisible"] is True, hidden, (model, user.login))

    def test_manager_overrides_a_refused_delivery(self):
        self.customer.credit_limit = 0.0
        order = self.order([(self.shirt, 2, 10.0, 0.0)], user=self.salesman_a)
        self.customer.jxc_on_hold = True
        delivery = order.picking_ids
        self.assertTrue(delivery.sudo(self.keeper).credit_blocked)
        with self.assertRaises(UserError):
            delivery.sudo(self.keeper).button_done()
        with self.assertRaises(AccessError):
            delivery.sudo(self.keeper).action_open_credit_override()
        context = delivery.sudo(self.manager).action_open_credit_override()["context"]
        wizard = self.Wizard.sudo(self.manager).with_context(**context).create({"reason": "货款已电汇"})
        self.assertIn("on hold", wizard.problem)
        wizard.action_override()
        self.assertEqual((delivery.state, order.delivery_status), ("done", "full"))
        self.assertIn("货款已电汇", order.message_ids[0].body)
