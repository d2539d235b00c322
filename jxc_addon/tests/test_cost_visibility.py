"""Costs, stock values and supplier prices stay hidden from salesmen however they are asked for:
read, read_group (grouped, aggregated, sorted), search (filtered, sorted), export and field lists;
purchasers, accountants, keepers and managers still see them."""
from odoo.exceptions import AccessError

from .common import StockCase


class TestCostVisibility(StockCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = cls.make_user("t_cost_salesman", "group_jxc_salesman")
        cls.viewer = cls.make_user("t_cost_viewer", "group_jxc_user")
        cls.purchaser = cls.make_user("t_cost_purchaser", "group_jxc_purchaser")
        cls.accountant = cls.make_user("t_cost_accountant", "group_jxc_accountant")
        cls.keeper = cls.make_user("t_cost_keeper", "group_jxc_keeper")
        cls.manager = cls.make_user("t_cost_manager", "group_jxc_manager")
        cls.blind = (cls.salesman, cls.viewer)
        cls.seeing = (cls.purchaser, cls.accountant, cls.keeper, cls.manager)
        cls.shirt.standard_price = 6.25
        cls.seller = cls.env["product.supplierinfo"].create({
            "name": cls.supplier.id, "product_tmpl_id": cls.shirt.product_tmpl_id.id, "price": 5.8, "min_qty": 1})

    def assertRefusedEverywhere(self, user, records, fname, group_by="product_id"):
        """read, read_group on the field / by the field / sorted by it, search on it / sorted by it
        and export of it: each refused with an AccessError."""
        model = records.env[records._name].sudo(user)
        domain = [("id", "in", records.ids)]
        attempts = {
            "read": lambda: records.sudo(user).read([fname]),
            "read_group aggregate": lambda: model.read_group(domain, [fname, group_by], [group_by]),
            "read_group by": lambda: model.read_group(domain, [fname], [fname]),
            "read_group order": lambda: model.read_group(domain, [group_by], [group_by], orderby=fname),
            "search": lambda: model.search([(fname, "!=", 0)]),
            "search_count": lambda: model.search_count([(fname, ">", 0)]),
            "search order": lambda: model.search(domain, order="%s desc" % fname),
            "export": lambda: records.sudo(user).export_data(["id", fname]),
        }
        for name, attempt in attempts.items():
            with self.subTest(user=user.login, model=records._name, field=fname, how=name):
                with self.assertRaises(AccessError):
                    attempt()
        self.assertNotIn(fname, model.fields_get())

    def test_stock_values_and_costs(self):
        receipt = self.picking("receipt", [(self.shirt, 10, 6.0)])
        delivery = self.picking("delivery", [(self.shirt, 4)])
        count = self.env["jxc.stock.count"].create({"warehouse_id": self.wh_a.id})
        count.button_start()
        count.line_ids.counted_qty = 5
        count.button_done()
        quant = self.quant(self.shirt)
        ledger = self.env["jxc.stock.ledger"].search([("picking_id", "in", (receipt | delivery).ids)])
        hidden = [
            (quant, "value"), (quant, "unit_cost"),
            (ledger, "value"), (ledger, "unit_cost"), (ledger, "balance_value"),
            (receipt.line_ids | delivery.line_ids, "value"), (receipt.line_ids, "unit_cost"),
            (delivery.line_ids, "posted_unit_cost"),
            (count.line_ids, "unit_cost"), (count.line_ids, "difference_value"),
        ]
        for user in self.blind:
            for records, fname in hidden:
                self.assertRefusedEverywhere(user, records, fname)
            with self.assertRaises(AccessError):
                (receipt | delivery).sudo(user).read(["amount_total"])
            with self.assertRaises(AccessError):
                self.env["jxc.stock.picking"].sudo(user).read_group(
                    [("id", "in", (receipt | delivery).ids)], ["amount_total"], ["picking_type"])
            with self.assertRaises(AccessError):
                count.sudo(user).read(["total_difference_value"])
            # a path through a visible field to a hidden one is refused too
            with self.assertRaises(AccessError):
                self.env["jxc.stock.picking.line"].sudo(user).search([("picking_id.amount_total", ">", 0)])
            with self.assertRaises(AccessError):
                delivery.line_ids.sudo(user).export_data(["picking_id/amount_total"])
            # what they may see still works; no field list means the visible fields only
            groups = self.env["jxc.stock.quant"].sudo(user).read_group(
                [("id", "=", quant.id)], [], ["warehouse_id"])
            self.assertEqual(groups[0]["quantity"], 5.0)
            self.assertNotIn("value", groups[0])
            self.assertEqual(quant.sudo(user).read(["quantity"])[0]["quantity"], 5.0)
            self.assertEqual(delivery.line_ids.sudo(user).export_data(["quantity"], raw_data=True)["datas"], [[4.0]])
        # quant 10 @ 6.00, 4 out, stocktaking finds 5 where 6 were: 5 x 6.00 = 30.00
        for user in self.seeing:
            groups = self.env["jxc.stock.quant"].sudo(user).read_group(
                [("id", "=", quant.id)], ["value", "warehouse_id"], ["warehouse_id"])
            self.assertEqual(groups[0]["value"], 30.0)
            rows = self.env["jxc.stock.ledger"].sudo(user).read_group(
                [("id", "in", ledger.ids)], ["value", "picking_id"], ["picking_id"], orderby="value")
            self.assertEqual([(r["picking_id"][0], r["value"]) for r in rows], [(delivery.id, -24.0), (receipt.id, 60.0)])
            self.assertEqual(self.env["jxc.stock.ledger"].sudo(user).search(
                [("id", "in", ledger.ids), ("value", "<", 0)]), ledger.filtered(lambda r: r.value < 0).sudo(user))
            self.assertEqual(delivery.line_ids.sudo(user).export_data(
                ["posted_unit_cost", "value"], raw_data=True)["datas"], [[6.0, 24.0]])
            self.assertEqual(count.line_ids.sudo(user).read(["difference_value"])[0]["difference_value"], -6.0)

    def test_product_cost(self):
        template = self.shirt.product_tmpl_id
        for user in self.blind:
            for records in (self.shirt, template):
                with self.assertRaises(AccessError):
                    records.sudo(user).read(["standard_price"])
                with self.assertRaises(AccessError):
                    records.sudo(user).search([("standard_price", ">", 6)])
                with self.assertRaises(AccessError):
                    records.sudo(user).search([], order="standard_price")
                # a computed field was exported without any check
                with self.assertRaises(AccessError):
                    records.sudo(user).export_data(["name", "standard_price"])
                with self.assertRaises(AccessError):
                    records.sudo(user).read_group([("id", "=", records.id)], ["standard_price"], ["categ_id"])
                self.assertNotIn("standard_price", records.sudo(user).fields_get())
            with self.assertRaises(AccessError):
                self.env["jxc.stock.quant"].sudo(user).search([("product_id.standard_price", ">", 6)])
            with self.assertRaises(AccessError):
                self.env["jxc.stock.quant"].sudo(user).export_data(["product_id/standard_price"])
            form = self.env["product.template"].sudo(user).fields_view_get(view_type="form")["arch"]
            self.assertNotIn('name="standard_price"', form)
            self.assertEqual(self.shirt.sudo(user).read(["list_price"])[0]["list_price"], self.shirt.list_price)
        for user in self.seeing:
            self.assertEqual(self.shirt.sudo(user).read(["standard_price"])[0]["standard_price"], 6.25)
            self.assertEqual(template.sudo(user).export_data(["standard_price"], raw_data=True)["datas"], [[6.25]])
            self.assertEqual(self.env["product.product"].sudo(user).search(
                [("id", "=", self.shirt.id), ("standard_price", "=", 6.25)]), self.shirt.sudo(user))
            self.assertIn('name="standard_price"',
                          self.env["product.template"].sudo(user).fields_view_get(view_type="form")["arch"])

    def test_supplier_prices_and_cost_history(self):
        history = self.env["product.price.history"].search([("product_id", "=", self.shirt.id)])
        self.assertTrue(history)
        for user in self.blind:
            self.assertFalse(self.env["product.supplierinfo"].sudo(user).search([("id", "=", self.seller.id)]))
            with self.assertRaises(AccessError):
                self.seller.sudo(user).read(["price"])
            self.assertFalse(self.shirt.product_tmpl_id.sudo(user).seller_ids)
            with self.assertRaises(AccessError):
                self.env["product.supplierinfo"].sudo(user).search([("price", "<", 6)])
            with self.assertRaises(AccessError):
                self.env["product.supplierinfo"].sudo(user).read_group([], ["price", "name"], ["name"])
            with self.assertRaises(AccessError):
                self.shirt.product_tmpl_id.sudo(user).export_data(["seller_ids/price"])
            self.assertFalse(self.env["product.supplierinfo"].sudo(user).read_group([], ["name"], ["name"]))
            self.assertFalse(self.env["product.price.history"].sudo(user).search([("id", "in", history.ids)]))
            with self.assertRaises(AccessError):
                history.sudo(user).read(["cost"])
        for user in self.seeing:
            self.assertEqual(self.seller.sudo(user).read(["price"])[0]["price"], 5.8)
            self.assertEqual(self.shirt.product_tmpl_id.sudo(user).seller_ids, self.seller.sudo(user))
            self.assertEqual(self.env["product.supplierinfo"].sudo(user).search(
                [("id", "=", self.seller.id), ("price", "<", 6)]), self.seller.sudo(user))
            self.assertIn(6.25, [row["cost"] for row in history.sudo(user).read(["cost"])])

    def test_salesman_requests_at_the_supplier_price_he_cannot_see(self):
        request = self.env["jxc.purchase.request"].sudo(self.salesman).create({
            "line_ids": [(0, 0, {"product_id": self.shirt.id, "uom_id": self.unit.id, "product_qty": 4,
                                 "supplier_id": self.supplier.id})]})
        self.assertAlmostEqual(request.sudo().amount_estimated, 23.2)
        with self.assertRaises(AccessError):
            request.sudo(self.salesman).read(["amount_estimated"])
        for fname in ("price_estimated", "amount_estimated"):
            self.assertRefusedEverywhere(self.salesman, request.line_ids, fname)
        line = self.env["jxc.purchase.request.line"].sudo(self.salesman).new(
            {"product_id": self.shirt.id, "product_qty": 2})
        line._onchange_product_id()
        self.assertEqual(line.supplier_id, self.supplier)

    def test_vendor_bills_and_integrity_issues(self):
        bill = self.env["account.invoice"].create({
            "partner_id": self.supplier.id, "type": "in_invoice",
            "invoice_line_ids": [(0, 0, {"name": "shirts", "account_id": self.account["grni"].id,
                                         "quantity": 10, "price_unit": 5.8, "product_id": self.shirt.id})]})
        invoice = self.env["account.invoice"].create({
            "partner_id": self.customer.id, "type": "out_invoice",
            "invoice_line_ids": [(0, 0, {"name": "shirts", "account_id": self.account["5601"].id,
                                         "quantity": 1, "price_unit": 12.0})]})
        # an integrity issue as the check writes it (only the system makes them)
        self.env.cr.execute("""
            INSERT INTO jxc_stock_check (name, date, company_id, state, issue_count)
                 VALUES ('t', now() at time zone 'UTC', %s, 'problem', 1) RETURNING id
        """, (self.company.id,))
        check = self.env["jxc.stock.check"].browse(self.env.cr.fetchone()[0])
        self.env.cr.execute("""
            INSERT INTO jxc_stock_check_line (check_id, kind, expected, found) VALUES (%s, 'quant_value', 60, 59)
        """, (check.id,))
        lines = (bill | invoice).mapped("invoice_line_ids")
        for user in self.blind:
            InvoiceLine = self.env["account.invoice.line"].sudo(user)
            self.assertEqual(InvoiceLine.search([("id", "in", lines.ids)]), invoice.invoice_line_ids.sudo(user))
            with self.assertRaises(AccessError):
                bill.invoice_line_ids.sudo(user).read(["price_unit"])
            with self.assertRaises(AccessError):
                bill.sudo(user).read(["amount_untaxed"])
            self.assertFalse(check.sudo(user).line_ids)
            with self.assertRaises(AccessError):
                check.line_ids.sudo(user).read(["found"])
        for user in self.seeing:
            self.assertEqual(self.env["account.invoice.line"].sudo(user).search([("id", "in", lines.ids)]),
                             lines.sudo(user))
            self.assertEqual(check.sudo(user).line_ids.read(["found"])[0]["found"], 59.0)
