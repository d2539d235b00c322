"""Margins per sales order and line: revenue of the goods kept minus their net cost, managers only."""
from odoo.exceptions import AccessError

from .test_sale import SaleCase


class TestMargin(SaleCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.vat13 = cls.env["account.tax"].search([
            ("type_tax_use", "=", "sale"), ("amount", "=", 13), ("price_include", "=", False),
            ("company_id", "=", cls.company.id)], limit=1)

    def test_return_takes_back_revenue_and_cost(self):
        # Pool: 3 @ 5.00 + 7 @ 5.40 = 52.80 for 10, average 5.28.
        self.picking("receipt", [(self.shirt, 3, 5.0)])
        self.picking("receipt", [(self.shirt, 7, 5.4)])
        self.picking("receipt", [(self.jeans, 4, 20.0)])
        order = self.order([(self.shirt, 10, 12.99, 7.0), (self.jeans, 4, 45.0, 0.0)], confirm=False)
        order.line_ids.write({"tax_ids": [(6, 0, self.vat13.ids)]})
        order.button_confirm()
        shirt_line, jeans_line = order.line_ids
        # 10 x 12.99 less 7% = 120.807 -> 120.81 untaxed (the 13% VAT is no revenue)
        self.assertEqual((shirt_line.price_subtotal, shirt_line.price_tax), (120.81, 15.71))
        self.assertEqual(shirt_line.sudo(self.manager).margin, 0.0, "nothing delivered, nothing earned")

        delivery = self.deliver(order, {self.jeans: 1})
        self.assertEqual(sorted(delivery.sudo().ledger_ids.mapped("value")), [-52.8, -20.0])
        # shirt: 120.81 - 52.80; jeans: 1 of 4 delivered, 180.00 / 4 = 45.00 - 20.00
        self.assertEqual(shirt_line.sudo(self.manager).margin, 68.01)
        self.assertEqual(jeans_line.sudo(self.manager).margin, 25.0)
        self.assertEqual(order.sudo(self.manager).margin, 93.01)

        # 3 shirts come back at the 5.28 they left with: 7 kept.
        ret = self.env["jxc.stock.picking"].browse(delivery.action_create_return()["res_id"])
        ret.line_ids.filtered(lambda l: l.product_id == self.shirt).quantity = 3
        ret.line_ids.filtered(lambda l: l.product_id == self.jeans).unlink()
        ret.sudo(self.keeper).button_done()
        self.assertEqual(ret.sudo().ledger_ids.value, 15.84)
        self.assertEqual((shirt_line.qty_delivered, shirt_line.qty_returned), (7, 3))
        # revenue 120.81 x 7 / 10 = 84.567 -> 84.57; cost 52.80 - 15.84 = 36.96; margin 47.61
        # (ordered quantity x price - net cost would say 120.81 - 36.96 = 83.85)
        self.assertEqual(shirt_line.sudo(self.manager).margin, 47.61)
        self.assertEqual(order.sudo(self.manager).margin, 47.61 + 25.0)

        # Reversing the return gives the goods, the revenue and the cost back to the sale.
        ret.sudo(self.keeper).button_cancel()
        self.assertEqual((shirt_line.qty_delivered, shirt_line.qty_returned), (10, 0))
        self.assertEqual(shirt_line.sudo(self.manager).margin, 68.01)
        self.assertEqual(order.sudo(self.manager).margin, 93.01)

    def test_margin_is_for_managers_only(self):
        self.picking("receipt", [(self.shirt, 5, 4.0)])
        order = self.order([(self.shirt, 5, 10.0, 0.0)], user=self.salesman_a)
        self.deliver(order)
        self.assertEqual(order.sudo(self.manager).margin, 30.0)
        self.assertEqual(order.line_ids.sudo(self.manager).read(["margin"])[0]["margin"], 30.0)
        groups = self.env["jxc.sale.order"].sudo(self.manager).read_group(
            [("id", "=", order.id)], ["margin", "partner_id"], ["partner_id"])
        self.assertEqual(groups[0]["margin"], 30.0)
        accountant = self.make_user("t_margin_accountant", "group_jxc_accountant")
        for user in (self.salesman_a, accountant):
            for model, record in (("jxc.sale.order", order), ("jxc.sale.order.line", order.line_ids)):
                records = self.env[model].sudo(user)
                with self.assertRaises(AccessError):
                    record.sudo(user).read(["margin"])
                with self.assertRaises(AccessError):
                    records.read_group([("id", "=", record.id)], ["margin", "partner_id"], ["partner_id"])
                with self.assertRaises(AccessError):
                    records.read_group([("id", "=", record.id)], ["margin"], ["margin"])
                with self.assertRaises(AccessError):
                    records.search([("margin", ">", 0)])
                with self.assertRaises(AccessError):
                    records.search([], order="margin desc")
                with self.assertRaises(AccessError):
                    record.sudo(user).export_data(["name", "margin"])
            # onchange() sends back no margin, of the order or of its lines
            result = order.sudo(user).onchange(
                {"partner_id": self.customer.id, "margin": 0.0, "line_ids": [(4, order.line_ids.id)]},
                "partner_id", {"partner_id": "1", "margin": "", "line_ids": "", "line_ids.margin": ""})
            self.assertNotIn("margin", result["value"])
            self.assertNotIn("margin", str(result["value"].get("line_ids", "")))
