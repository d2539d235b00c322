from odoo.exceptions import AccessError, UserError, ValidationError

from .common import StockCase


class TestStockPicking(StockCase):

    def test_receipt_ledger_and_entry(self):
        receipt = self.picking("receipt", [(self.shirt, 10, 5.0), (self.jeans, 4, 12.5)])
        self.assertEqual(receipt.state, "done")
        self.assertTrue(receipt.name.startswith("RK"), receipt.name)
        self.assertQuant(self.shirt, 10, 50.0)
        self.assertQuant(self.jeans, 4, 50.0)
        rows = receipt.ledger_ids.sorted("id")
        self.assertEqual([(r.product_id, r.quantity, r.unit_cost, r.value, r.balance_qty, r.balance_value)
                          for r in rows],
                         [(self.shirt, 10, 5.0, 50.0, 10, 50.0), (self.jeans, 4, 12.5, 50.0, 4, 50.0)])
        self.assertTrue(all(r.reference == receipt.name and r.move_id == receipt.move_id for r in rows))
        move = receipt.move_id
        self.assertEqual(move.state, "posted")
        self.assertEqual(move.ref, receipt.name)
        self.assertEqual(move.journal_id, self.company.jxc_stock_journal_id)
        partner = self.supplier
        self.assertEqual(self.move_lines(move), {
            ("1405", self.shirt, partner): 50.0, ("220201", self.shirt, partner): -50.0,
            ("1405", self.jeans, partner): 50.0, ("220201", self.jeans, partner): -50.0,
        })
        self.assertEqual(receipt.amount_total, 100.0)

    def test_entry_lines_store_what_odoo_would(self):
        """Entry lines are written in one statement: compare them with lines the ORM creates."""
        receipt = self.picking("receipt", [(self.shirt, 3, 5.0), (self.jeans, 1, 2.5)])
        fast = receipt.move_id.line_ids.sorted(lambda l: (l.account_id.id, l.product_id.id))
        orm = self.env["account.move"].create({
            "journal_id": receipt.move_id.journal_id.id, "date": receipt.move_id.date, "ref": receipt.name,
            "line_ids": [(0, 0, {"name": l.name, "account_id": l.account_id.id, "product_id": l.product_id.id,
                                 "partner_id": l.partner_id.id, "debit": l.debit, "credit": l.credit})
                         for l in fast]})
        orm.post()
        orm_lines = orm.line_ids.sorted(lambda l: (l.account_id.id, l.product_id.id))
        stored = [name for name, field in self.env["account.move.line"]._fields.items()
                  if field.store and field.type not in ("one2many", "many2many")
                  and name not in ("id", "move_id", "create_date", "write_date", "create_uid", "write_uid",
                                   "__last_update")]
        for fast_line, orm_line in zip(fast, orm_lines):
            for name in stored:
                self.assertEqual(fast_line[name], orm_line[name], name)
        for name in ("amount", "partner_id", "matched_percentage", "currency_id", "company_id", "state"):
            self.assertEqual(receipt.move_id[name], orm[name], name)
        self.assertTrue(receipt.move_id.name.startswith("STJ/"), receipt.move_id.name)
        # Take the comparison entry back out of the books: it would double the stock account.
        orm.journal_id.update_posted = True
        orm.button_cancel()

    def test_delivery_at_moving_average(self):
        self.picking("receipt", [(self.shirt, 10, 5.0)])
        self.picking("receipt", [(self.shirt, 30, 7.0)])
        delivery = self.picking("delivery", [(self.shirt, 4)])
        self.assertTrue(delivery.name.startswith("CK"))
        row = delivery.ledger_ids
        self.assertEqual((row.quantity, row.value, row.unit_cost, row.balance_qty, row.balance_value),
                         (-4, -26.0, 6.5, 36, 234.0))
        self.assertEqual(delivery.line_ids.posted_unit_cost, 6.5)
        self.assertEqual(self.move_lines(delivery.move_id), {
            ("5401", self.shirt, self.customer): 26.0, ("1405", self.shirt, self.customer): -26.0})

    def test_last_out_takes_the_residual(self):
        self.picking("receipt", [(self.shirt, 2, 1.00)])
        self.picking("receipt", [(self.shirt, 1, 1.01)])
        delivery = self.picking("delivery", [(self.shirt, 3)])
        self.assertEqual(delivery.ledger_ids.value, -3.01)
        self.assertQuant(self.shirt, 0, 0.0)

    def test_seventy_small_outs_leave_nothing(self):
        self.picking("receipt", [(self.shirt, 2, 4.63)])
        self.picking("receipt", [(self.shirt, 5, 3.04)])
        delivery = self.picking("delivery", [(self.shirt, 0.1)] * 70)
        self.assertQuant(self.shirt, 0, 0.0)
        self.assertAlmostEqual(sum(delivery.ledger_ids.mapped("value")), -24.46, places=2)
        self.assertEqual(len(delivery.ledger_ids), 70)

    def test_negative_stock_then_receipt_costs_incoming_price(self):
        self.wh_a.allow_negative = True
        self.picking("delivery", [(self.shirt, 2)])
        self.assertQuant(self.shirt, -2, 0.0)
        receipt = self.picking("receipt", [(self.shirt, 20, 3.3)])
        quant = self.quant(self.shirt)
        self.assertAlmostEqual(quant.unit_cost, 3.30, places=4)
        self.assertQuant(self.shirt, 18, 59.4)
        reval = receipt.ledger_ids.filtered(lambda r: r.kind == "revaluation")
        self.assertEqual((reval.quantity, reval.value), (0, -6.6))
        self.assertEqual(self.move_lines(receipt.move_id), {
            ("1405", self.shirt, self.supplier): 59.4,
            ("220201", self.shirt, self.supplier): -66.0,
            ("5401", self.shirt, self.supplier): 6.6,
        })

    def test_negative_stock_refused_and_nothing_written(self):
        self.picking("receipt", [(self.shirt, 3, 5.0)])
        delivery = self.picking("delivery", [(self.jeans, 0.0001 + 1 - 1), (self.shirt, 5)], validate=False)
        delivery.line_ids[0].quantity = 1  # jeans: none in stock either, but shirt line decides the message
        delivery.line_ids[0].product_id = self.shirt
        delivery.line_ids[0].quantity = 1
        with self.assertRaises(UserError) as caught:
            delivery.button_done()
        message = caught.exception.name
        self.assertIn("Test Shirt", message)
        self.assertIn("Test WH A", message)
        self.assertIn("2 Unit(s) available, 5 Unit(s) needed", message, "available after the first line: 3 - 1")
        self.assertEqual(delivery.state, "draft")
        self.assertFalse(delivery.ledger_ids)
        self.assertQuant(self.shirt, 3, 15.0)

    def test_units_are_converted_to_the_product_unit(self):
        receipt = self.picking("receipt", [(self.shirt, 2, 120.0, self.box)])
        self.assertEqual(receipt.line_ids.product_qty, 24)
        self.assertQuant(self.shirt, 24, 240.0)
        self.assertEqual(receipt.ledger_ids.unit_cost, 10.0)

    def test_transfer_company_scope_moves_value_without_entry(self):
        self.picking("receipt", [(self.shirt, 10, 5.0)])
        self.picking("receipt", [(self.shirt, 10, 7.0)], warehouse=self.wh_b)
        transfer = self.picking("transfer", [(self.shirt, 4)], dest_warehouse_id=self.wh_b.id)
        self.assertTrue(transfer.name.startswith("DB"))
        self.assertFalse(transfer.move_id, "no entry: the value stays on 1405")
        self.assertQuant(self.shirt, 6, 26.0)
        self.assertQuant(self.shirt, 14, 94.0, self.wh_b)
        self.assertEqual(sorted(transfer.ledger_ids.mapped("value")), [-24.0, 24.0])

    def test_transfer_warehouse_scope_averages_per_warehouse(self):
        self.company.jxc_cost_scope = "warehouse"
        self.picking("receipt", [(self.shirt, 10, 5.0)])
        self.picking("receipt", [(self.shirt, 10, 7.0)], warehouse=self.wh_b)
        self.picking("transfer", [(self.shirt, 10)], dest_warehouse_id=self.wh_b.id)
        self.assertQuant(self.shirt, 0, 0.0)
        self.assertQuant(self.shirt, 20, 120.0, self.wh_b)
        delivery = self.picking("delivery", [(self.shirt, 1)], warehouse=self.wh_b)
        self.assertEqual(delivery.ledger_ids.value, -6.0)

    def test_transfer_needs_another_warehouse(self):
        with self.assertRaises(ValidationError):
            self.picking("transfer", [(self.shirt, 1)], validate=False, dest_warehouse_id=self.wh_a.id)

    def test_other_out_and_in_post_to_the_reason_account(self):
        scrap = self.env["jxc.stock.reason"].search([("name", "=", "报损"), ("company_id", "=", self.company.id)])
        gift_in = self.env["jxc.stock.reason"].search([("name", "=", "其他入库"), ("company_id", "=", self.company.id)])
        self.assertEqual(scrap.account_id.code, "1901")
        other_in = self.picking("other_in", [(self.shirt, 5, 4.0)], reason_id=gift_in.id)
        self.assertTrue(other_in.name.startswith("QR"))
        other_out = self.picking("other_out", [(self.shirt, 2)], reason_id=scrap.id)
        self.assertTrue(other_out.name.startswith("QC"))
        self.assertEqual(self.move_lines(other_out.move_id), {
            ("1901", self.shirt, self.env["res.partner"]): 8.0,
            ("1405", self.shirt, self.env["res.partner"]): -8.0})

    def test_other_out_needs_a_reason_of_its_direction(self):
        self.picking("receipt", [(self.shirt, 5, 4.0)])
        other_out = self.picking("other_out", [(self.shirt, 1)], validate=False)
        with self.assertRaises(UserError):
            other_out.button_done()
        gift_in = self.env["jxc.stock.reason"].search([("name", "=", "其他入库"), ("company_id", "=", self.company.id)])
        other_out.reason_id = gift_in
        with self.assertRaises(UserError):
            other_out.button_done()
        self.assertFalse(other_out.ledger_ids)

    def test_bad_quantities_are_refused(self):
        for qty in (0, -3):
            receipt = self.picking("receipt", [(self.shirt, qty, 5.0)], validate=False)
            with self.assertRaises(UserError):
                receipt.button_done()
            self.assertEqual(receipt.state, "draft")
        receipt = self.picking("receipt", [(self.shirt, 1, -5.0)], validate=False)
        with self.assertRaises(UserError):
            receipt.button_done()
        service = self.env["product.product"].create({"name": "Alteration", "type": "service"})
        receipt = self.picking("receipt", [(service, 1, 5.0)], validate=False)
        with self.assertRaises(UserError):
            receipt.button_done()
        self.assertFalse(self.env["jxc.stock.ledger"].search([("warehouse_id", "=", self.wh_a.id)]))

    def test_cancel_posts_reversal_rows_and_entry(self):
        receipt = self.picking("receipt", [(self.shirt, 10, 5.0)])
        original_rows = receipt.ledger_ids
        receipt.button_cancel()
        self.assertEqual(receipt.state, "cancel")
        self.assertQuant(self.shirt, 0, 0.0)
        reversal = receipt.ledger_ids - original_rows
        self.assertEqual((reversal.kind, reversal.quantity, reversal.value, reversal.reversed_id),
                         ("reversal", -10, -50.0, original_rows))
        self.assertEqual((original_rows.quantity, original_rows.value), (10, 50.0), "originals untouched")
        self.assertEqual(receipt.move_id.state, "posted")
        self.assertEqual(self.move_lines(receipt.reversal_move_id), {
            ("1405", self.shirt, self.supplier): -50.0, ("220201", self.shirt, self.supplier): 50.0})
        with self.assertRaises(UserError):
            receipt.button_done()
        with self.assertRaises(UserError):
            receipt.button_cancel()
        with self.assertRaises(UserError):
            receipt.unlink()
        with self.assertRaises(UserError):
            receipt.line_ids.write({"quantity": 1})
        with self.assertRaises(UserError):
            receipt.line_ids.unlink()

    def test_cancel_refused_when_goods_are_gone(self):
        receipt = self.picking("receipt", [(self.shirt, 10, 5.0)])
        self.picking("delivery", [(self.shirt, 8)])
        with self.assertRaises(UserError):
            receipt.button_cancel()
        self.assertEqual(receipt.state, "done")
        self.assertQuant(self.shirt, 2, 10.0)

    def test_ledger_rows_are_immutable(self):
        receipt = self.picking("receipt", [(self.shirt, 1, 5.0)])
        row = receipt.ledger_ids
        with self.assertRaises(UserError):
            row.write({"quantity": 2})
        with self.assertRaises(UserError):
            row.unlink()
        with self.assertRaises(UserError):
            self.env["jxc.stock.ledger"].create({"product_id": self.shirt.id})

    def test_supplier_return_leaves_at_receipt_cost(self):
        first = self.picking("receipt", [(self.shirt, 10, 5.0)])
        self.picking("receipt", [(self.shirt, 10, 7.0)])
        ret = self.picking("supplier_return", [(self.shirt, 2, 0.0, None, first.line_ids)])
        self.assertTrue(ret.name.startswith("CT"))
        self.assertEqual(ret.ledger_ids.value, -10.0)
        self.assertQuant(self.shirt, 18, 110.0)
        self.assertEqual(self.move_lines(ret.move_id), {
            ("220201", self.shirt, self.supplier): 10.0, ("1405", self.shirt, self.supplier): -10.0})

    def test_customer_return_comes_back_at_delivered_cost(self):
        self.picking("receipt", [(self.shirt, 10, 6.0)])
        delivery = self.picking("delivery", [(self.shirt, 3)])
        self.picking("receipt", [(self.shirt, 10, 9.0)])
        ret = self.picking("customer_return", [(self.shirt, 1, 0.0, None, delivery.line_ids)])
        self.assertTrue(ret.name.startswith("XT"))
        self.assertEqual(ret.ledger_ids.value, 6.0)
        self.assertEqual(self.move_lines(ret.move_id), {
            ("1405", self.shirt, self.customer): 6.0, ("5401", self.shirt, self.customer): -6.0})

    def test_missing_account_setting_blocks_posting(self):
        stock_account = self.company.jxc_stock_valuation_account_id
        self.company.jxc_stock_valuation_account_id = False
        receipt = self.picking("receipt", [(self.shirt, 1, 5.0)], validate=False)
        with self.assertRaises(UserError) as caught:
            receipt.button_done()
        self.assertIn("Stock Valuation Account", caught.exception.name)
        self.assertFalse(receipt.ledger_ids)
        self.assertFalse(self.quant(self.shirt))
        self.company.jxc_stock_valuation_account_id = stock_account

    def test_barcode_scanning_adds_and_increments_lines(self):
        picking = self.env["jxc.stock.picking"].new({"picking_type": "receipt", "warehouse_id": self.wh_a.id,
                                                     "state": "draft"})
        picking.on_barcode_scanned("6999000000011")
        picking.on_barcode_scanned("6999000000011")
        picking.on_barcode_scanned("6999000000028")
        self.assertEqual([(l.product_id, l.quantity) for l in picking.line_ids], [(self.shirt, 2), (self.jeans, 1)])
        warning = picking.on_barcode_scanned("0000")
        self.assertIn("0000", warning["warning"]["message"])

    def test_keeper_validates_viewer_cannot(self):
        users = self.env["res.users"].with_context(no_reset_password=True)
        keeper = users.create({"name": "K", "login": "t_keeper_stock", "email": "k@example.com",
                               "groups_id": [(6, 0, [self.env.ref("jxc_addon.group_jxc_keeper").id])]})
        viewer = users.create({"name": "V", "login": "t_viewer_stock", "email": "v@example.com",
                               "groups_id": [(6, 0, [self.env.ref("jxc_addon.group_jxc_user").id])]})
        receipt = self.picking("receipt", [(self.shirt, 3, 5.0)], validate=False)
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            receipt.sudo(viewer).button_done()
        self.assertFalse(receipt.ledger_ids)
        with self.assertRaises(AccessError):
            self.env["jxc.stock.picking"].sudo(viewer).create({"picking_type": "receipt", "warehouse_id": self.wh_a.id})
        receipt.sudo(keeper).button_done()
        self.assertEqual(receipt.state, "done")
        self.assertEqual(receipt.move_id.state, "posted")
        self.assertEqual(receipt.ledger_ids.user_id, keeper)


class TestIntegrityChecker(StockCase):

    def tearDown(self):
        # These scenarios corrupt data on purpose: skip the final check of the base class.
        super(StockCase, self).tearDown()

    def test_checker_finds_a_corrupted_quant_and_ledger_row(self):
        receipt = self.picking("receipt", [(self.shirt, 10, 5.0), (self.jeans, 2, 3.0)])
        check = self.env["jxc.stock.check"].create({"company_id": self.company.id})
        check.button_run()
        self.assertEqual(check.state, "ok")
        self.env.cr.execute("UPDATE jxc_stock_quant SET quantity = quantity + 1 WHERE id = %s",
                            (self.quant(self.shirt).id,))
        row = receipt.ledger_ids.filtered(lambda r: r.product_id == self.jeans)
        self.env.cr.execute("UPDATE jxc_stock_ledger SET value = value + 0.5 WHERE id = %s", (row.id,))
        check.button_run()
        self.assertEqual(check.state, "problem")
        found = {(l.kind, l.product_id) for l in check.line_ids}
        self.assertIn(("quant_qty", self.shirt), found)
        self.assertIn(("quant_value", self.jeans), found)
        self.assertIn(("balance", self.jeans), found)
        self.assertIn(("account", self.env["product.product"]), found)

    def test_checker_finds_a_document_without_entry(self):
        receipt = self.picking("receipt", [(self.shirt, 1, 5.0)])
        self.env.cr.execute("UPDATE jxc_stock_picking SET move_id = NULL WHERE id = %s", (receipt.id,))
        issues = self.env["jxc.stock.check"].new({"company_id": self.company.id})._find_issues()
        self.assertIn({"kind": "move", "picking_id": receipt.id}, issues)

    def test_cron_checks_every_company(self):
        before = self.env["jxc.stock.check"].search_count([])
        self.env["jxc.stock.check"]._cron_check()
        self.assertEqual(self.env["jxc.stock.check"].search_count([]) - before,
                         self.env["res.company"].search_count([]))
