"""Customer history on the partner: from the orders the user may read, in the company currency."""
from datetime import timedelta

from odoo import fields

from .test_sale import SaleCase


class TestCustomerHistoryRules(SaleCase):

    def days_ago(self, days):
        return fields.Date.to_string(fields.Date.from_string(fields.Date.context_today(self.env.user)) - timedelta(days))

    def dated_order(self, user, days, lines, currency=None):
        order = self.order(lines, user=user, confirm=False)
        order.write({"date_order": self.days_ago(days)})
        if currency:
            order.sudo().currency_id = currency
        order.sudo(user).button_confirm()
        return order

    def figures(self, user):
        partner = self.customer.sudo(user)
        partner.invalidate_cache()
        return (partner.jxc_sale_count, partner.jxc_sale_amount, partner.jxc_last_sale_date,
                partner.jxc_currency_id)

    def test_each_salesman_sees_his_own_figures(self):
        self.picking("receipt", [(self.shirt, 20, 6.0)])
        # what the demo data already holds for this customer, as the manager sees it
        base_count, base_amount, _last, cny = self.figures(self.manager)
        usd = self.env.ref("base.USD")
        self.env["res.currency.rate"].search([("currency_id", "in", (usd | cny).ids)]).unlink()  # CNY at 1.0
        self.env["res.currency.rate"].create({"currency_id": usd.id, "rate": 0.15, "name": self.days_ago(400),
                                              "company_id": self.company.id})
        self.assertEqual(cny, self.company.currency_id)
        self.dated_order(self.salesman_a, 30, [(self.shirt, 2, 10.0, 0.0)])
        self.dated_order(self.salesman_a, 10, [(self.shirt, 1, 25.0, 0.0)])
        # 15.00 USD at 0.15 USD per CNY = 100.00 CNY
        self.dated_order(self.salesman_b, 5, [(self.shirt, 3, 5.0, 0.0)], currency=usd)
        self.order([(self.shirt, 1, 99.0, 0.0)], user=self.salesman_b, confirm=False)  # a quotation: no sale
        contact = self.env["res.partner"].create({"name": "采购部 王", "parent_id": self.customer.id})
        self.assertEqual(contact.sudo(self.salesman_a).jxc_sale_count, 2, "a contact shows its company's figures")

        self.assertEqual(self.figures(self.salesman_a), (2, 45.0, self.days_ago(10), cny))
        self.assertEqual(self.figures(self.salesman_b), (1, 100.0, self.days_ago(5), cny))
        count, amount, last, _currency = self.figures(self.manager)
        self.assertEqual((count - base_count, round(amount - base_amount, 2)), (3, 145.0))
        self.assertGreaterEqual(last, self.days_ago(5))
        # the partner's own list of orders shows the same ones
        action = self.customer.sudo(self.salesman_a).action_view_jxc_sales()
        self.assertEqual(len(self.env["jxc.sale.order"].sudo(self.salesman_a).search(
            action["domain"] + [("state", "in", ("confirmed", "done"))])), 2)

    def test_figures_of_another_company_are_not_counted(self):
        self.picking("receipt", [(self.shirt, 5, 6.0)])
        self.dated_order(self.salesman_a, 3, [(self.shirt, 1, 30.0, 0.0)])
        before = self.figures(self.salesman_a)
        other = self.env["res.company"].create({"name": "分公司", "parent_id": self.company.id})
        self.salesman_a.write({"company_ids": [(4, other.id)], "company_id": other.id})
        count, amount, last, currency = self.figures(self.salesman_a)
        self.assertEqual((count, amount, last, currency), (0, 0.0, False, other.currency_id))
        self.assertEqual(before[:3], (1, 30.0, self.days_ago(3)))

    def test_users_without_sales_access_see_no_figures(self):
        user = self.env["res.users"].with_context(no_reset_password=True).create({
            "name": "t_history_employee", "login": "t_history_employee", "email": "e@example.com",
            "groups_id": [(6, 0, [self.env.ref("base.group_user").id])]})
        self.assertEqual(self.figures(user)[:3], (0, 0.0, False))
