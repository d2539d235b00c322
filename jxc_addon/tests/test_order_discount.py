"""整单折扣 and 抹零 on sales orders: the reduction is spread over the lines, and the lines' amounts,
taxes, invoices, journal items and margins all add up to the order's total, cent for cent."""
from odoo.exceptions import AccessError, UserError

from .test_sale import SaleCase


class OrderDiscountCase(SaleCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.vat = cls.env["account.tax"].search([
            ("type_tax_use", "=", "sale"), ("amount", "=", 13), ("amount_type", "=", "percent"),
            ("price_include", "=", False), ("company_id", "=", cls.company.id)], limit=1)
        cls.cap = cls.env["product.product"].create({"name": "Test Cap", "type": "consu"})

    def setUp(self):
        super().setUp()
        self.picking("receipt", [(self.shirt, 20, 5.0), (self.jeans, 10, 4.0), (self.cap, 20, 3.0)])

    def discounted_order(self, percent=0.0, amount=0.0, rounding="none", lines=None, taxes=True):
        lines = lines or [(self.shirt, 7, 39.0, 0.0), (self.jeans, 3, 12.99, 0.0), (self.cap, 10, 12.99, 7.0)]
        return self.env["jxc.sale.order"].create({
            "partner_id": self.customer.id, "warehouse_id": self.wh_a.id, "discount_percent": percent,
            "discount_amount": amount, "total_rounding": rounding,
            "line_ids": [(0, 0, {"product_id": p.id, "uom_id": p.uom_id.id, "product_qty": q, "price_unit": price,
                                 "discount": disc, "tax_ids": [(6, 0, self.vat.ids if taxes else [])]})
                         for p, q, price, disc in lines]})

    def amounts(self, records, *fields):
        return [tuple(round(r[f], 2) for f in fields) for r in records]


class TestOrderDiscount(OrderDiscountCase):

    def test_five_percent_and_rounding_to_the_yuan_spread_over_taxed_lines(self):
        # untaxed 273.00 / 38.97 / 120.81 (10 @ 12.99 less 7%), with 13% VAT 308.49 / 44.04 / 136.52 = 489.05;
        # less 5% = 464.60, 抹零 to the yuan = 464.00: 25.05 taken off, spread in proportion to the lines
        order = self.discounted_order(percent=5.0, rounding="yuan")
        self.assertEqual((order.amount_before_discount, order.amount_order_discount, order.amount_untaxed,
                          order.amount_tax, order.amount_total), (489.05, 25.05, 410.62, 53.38, 464.00))
        self.assertEqual(self.amounts(order.line_ids, "price_subtotal", "price_tax", "order_discount_amount"),
                         [(259.02, 33.67, 13.98), (36.97, 4.81, 2.00), (114.63, 14.90, 6.18)])
        # the net price per unit: 259.02 / 7, 36.97 / 3, 114.63 / 10
        self.assertEqual(order.line_ids.mapped("price_net"), [37.0, 12.32, 11.46])
        self.assertEqual(sum(order.line_ids.mapped("price_subtotal")) + sum(order.line_ids.mapped("price_tax")),
                         464.0)

    def test_amount_then_rounding_to_ten_yuan(self):
        # 489.05 less 10.00 = 479.05, 抹零 to ten yuan = 470.00
        order = self.discounted_order(amount=10.0, rounding="ten")
        self.assertEqual((order.amount_order_discount, order.amount_total), (19.05, 470.0))
        totals = [round(l.price_subtotal + l.price_tax, 2) for l in order.line_ids]
        self.assertEqual(round(sum(totals), 2), 470.0)
        self.assertEqual(self.amounts(order.line_ids, "order_discount_amount"), [(10.64,), (1.51,), (4.70,)])

    def test_untaxed_lines_that_do_not_divide_evenly(self):
        # 33.33 + 33.33 + 33.34 = 100.00, 抹零 to ten yuan after 5%: 95.00 -> 90.00
        order = self.discounted_order(percent=5.0, rounding="ten", taxes=False, lines=[
            (self.shirt, 3, 11.11, 0.0), (self.jeans, 3, 11.11, 0.0), (self.cap, 1, 33.34, 0.0)])
        self.assertEqual((order.amount_untaxed, order.amount_tax, order.amount_total), (90.0, 0.0, 90.0))
        self.assertEqual(self.amounts(order.line_ids, "price_subtotal", "order_discount_amount"),
                         [(30.0, 3.33), (30.0, 3.33), (30.0, 3.34)])
        self.assertEqual(order.line_ids.mapped("price_net"), [10.0, 10.0, 30.0])

    def test_a_single_taxed_line_may_end_a_cent_below(self):
        # one line of 100.00 + 13% = 113.00, 13.00 off: 88.49 untaxed makes 99.99, 88.50 makes 100.01
        order = self.discounted_order(amount=13.0, lines=[(self.shirt, 1, 100.0, 0.0)])
        self.assertEqual((order.amount_untaxed, order.amount_tax, order.amount_total), (88.49, 11.50, 99.99))

    def test_lines_added_later_share_the_discount(self):
        order = self.discounted_order(rounding="yuan", lines=[(self.shirt, 1, 10.0, 0.0)], taxes=False)
        order.write({"total_rounding": "ten"})
        self.assertEqual(order.amount_total, 10.0)
        order.write({"line_ids": [(0, 0, {"product_id": self.jeans.id, "uom_id": self.unit.id, "product_qty": 1,
                                          "price_unit": 9.99})]})
        # 19.99 rounded down to ten yuan: 10.00, 9.99 taken off (5.00 and 4.99)
        self.assertEqual(order.amount_total, 10.0)
        self.assertEqual(self.amounts(order.line_ids, "price_subtotal", "order_discount_amount"),
                         [(5.0, 5.0), (5.0, 4.99)])

    def test_the_discount_is_kept_from_confirmation_and_not_written_by_hand(self):
        order = self.discounted_order(percent=5.0, rounding="yuan")
        with self.assertRaises(AccessError):
            order.line_ids[0].write({"order_discount_amount": 0.0})
        with self.assertRaises(AccessError):
            order.write({"amount_order_discount": 0.0})
        order.button_confirm()
        for vals in ({"discount_percent": 10.0}, {"discount_amount": 1.0}, {"total_rounding": "ten"}):
            with self.assertRaises(UserError):
                order.write(vals)
        self.assertEqual(order.amount_total, 464.0)

    def test_a_discount_beyond_the_total_is_refused(self):
        order = self.discounted_order(amount=500.0)
        self.assertEqual(order.amount_total, 0.0)
        with self.assertRaises(UserError):
            order.button_confirm()
        order.write({"discount_amount": 0.0, "discount_percent": 120.0})
        with self.assertRaises(UserError):
            order.button_confirm()
        self.assertEqual(order.state, "quotation")


class TestOrderDiscountInvoices(OrderDiscountCase):

    def test_invoice_taxes_journal_items_and_margin_are_exact(self):
        order = self.discounted_order(percent=5.0, rounding="yuan")
        order.button_confirm()
        self.deliver(order)
        invoice = self.env["account.invoice"].browse(order.action_create_invoice()["res_id"])
        self.assertEqual(self.amounts(invoice.invoice_line_ids, "quantity", "price_unit", "jxc_order_discount",
                                      "price_subtotal"),
                         [(7, 39.0, 13.98, 259.02), (3, 12.99, 2.0, 36.97), (10, 12.99, 6.18, 114.63)])
        self.assertEqual((invoice.amount_untaxed, invoice.amount_tax, invoice.amount_total), (410.62, 53.38, 464.0))
        self.assertEqual([(round(t.base, 2), t.amount) for t in invoice.tax_line_ids], [(410.62, 53.38)])
        invoice.action_invoice_open()
        lines = {}
        for line in invoice.move_id.line_ids:
            key = (line.account_id.code, line.product_id.name or "")
            lines[key] = round(lines.get(key, 0.0) + line.debit - line.credit, 2)
        self.assertEqual(lines, {("1122", ""): 464.0, ("2221", ""): -53.38, ("5001", "Test Shirt"): -259.02,
                                 ("5001", "Test Jeans"): -36.97, ("5001", "Test Cap"): -114.63})
        # margins: the net revenue (the share taken off) minus the delivered cost (5.00, 4.00, 3.00)
        margins = [round(m, 2) for m in order.line_ids.sudo(self.manager).mapped("margin")]
        self.assertEqual(margins, [224.02, 24.97, 84.63])
        self.assertEqual(round(order.sudo(self.manager).margin, 2), 333.62)

    def test_partial_invoices_carry_the_whole_share_between_them(self):
        order = self.discounted_order(percent=5.0, rounding="yuan")
        order.button_confirm()
        delivery = self.env["jxc.stock.picking"].browse(order.action_deliver()["res_id"])
        delivery.line_ids.filtered(lambda l: l.product_id == self.jeans).unlink()
        delivery.line_ids.filtered(lambda l: l.product_id == self.shirt).quantity = 4
        delivery.sudo(self.keeper).button_done()
        first = self.env["account.invoice"].browse(order.action_create_invoice()["res_id"])
        # 13.98 x 4 / 7 = 7.99 on the shirts: 156.00 - 7.99
        self.assertEqual(self.amounts(first.invoice_line_ids, "quantity", "jxc_order_discount", "price_subtotal"),
                         [(4, 7.99, 148.01), (10, 6.18, 114.63)])
        first.action_invoice_open()
        self.deliver(order)
        second = self.env["account.invoice"].browse(order.action_create_invoice()["res_id"])
        # the invoice that completes the shirts takes what is left of their share: 13.98 - 7.99
        self.assertEqual(self.amounts(second.invoice_line_ids, "quantity", "jxc_order_discount", "price_subtotal"),
                         [(3, 5.99, 111.01), (3, 2.0, 36.97)])
        second.action_invoice_open()
        self.assertEqual(round(first.amount_untaxed + second.amount_untaxed, 2), order.amount_untaxed)
        self.assertEqual(round(first.amount_total + second.amount_total, 2), 464.0)

    def test_credit_note_for_returned_goods_takes_back_their_share(self):
        order = self.discounted_order(percent=5.0, rounding="yuan")
        order.button_confirm()
        delivery = self.deliver(order)
        invoice = self.env["account.invoice"].browse(order.action_create_invoice()["res_id"])
        invoice.action_invoice_open()
        ret = self.env["jxc.stock.picking"].browse(delivery.action_create_return()["res_id"])
        ret.line_ids.filtered(lambda l: l.product_id != self.cap).unlink()
        ret.line_ids.quantity = 3
        ret.button_done()
        refund = self.env["account.invoice"].browse(order.action_create_refund()["res_id"])
        # 3 of 10 caps: 6.18 x 3 / 10 = 1.85 of their share; 12.99 less 7% x 3 = 36.24 - 1.85
        self.assertEqual(self.amounts(refund.invoice_line_ids, "quantity", "jxc_order_discount", "price_subtotal"),
                         [(3, 1.85, 34.39)])
        self.assertEqual((refund.amount_untaxed, refund.amount_tax), (34.39, 4.47))
