"""Holes found in issue 11: each test first reproduced the crash or the accepted bad input."""
from odoo.exceptions import UserError

from .common import StockCase


class TestAllRejectedReceipt(StockCase):
    """A receipt whose every line is rejected at inspection validates: the inspection is recorded
    on the order (rejected quantities, receipt status, supplier quality), nothing enters stock,
    no ledger row, no entry. (It used to raise AttributeError: the posting returned no entry.)"""

    def test_all_rejected_receipt_validates_without_stock_or_entry(self):
        order = self.env["jxc.purchase.order"].create({
            "partner_id": self.supplier.id, "warehouse_id": self.wh_a.id,
            "line_ids": [(0, 0, {"product_id": self.shirt.id, "uom_id": self.unit.id,
                                 "product_qty": 5, "price_unit": 8.0})]})
        order.button_confirm()
        receipt = self.env["jxc.stock.picking"].browse(order.action_receive()["res_id"])
        receipt.line_ids.write({"quantity": 0, "rejected_qty": 5})
        receipt.button_done()
        self.assertEqual(receipt.state, "done")
        self.assertFalse(receipt.ledger_ids)
        self.assertFalse(receipt.move_id)
        self.assertFalse(self.quant(self.shirt).quantity)
        line = order.line_ids
        self.assertEqual((line.qty_received, line.qty_rejected), (0, 5))
        self.assertEqual(order.receipt_status, "full", "rejected goods are not expected again")
        with self.assertRaises(UserError):
            order.action_receive()
        # Reversing it takes the inspection back: the goods are expected again.
        receipt.button_cancel()
        self.assertEqual(receipt.state, "cancel")
        self.assertFalse(receipt.ledger_ids)
        self.assertFalse(receipt.reversal_move_id)
        self.assertEqual((line.qty_received, line.qty_rejected), (0, 0))
        self.assertEqual(order.receipt_status, "none")

    def test_rejected_quantities_only_on_receipts(self):
        self.picking("receipt", [(self.shirt, 5, 4.0)])
        delivery = self.picking("delivery", [(self.shirt, 0)], validate=False)
        delivery.line_ids.rejected_qty = 1
        with self.assertRaises(UserError) as caught:
            delivery.button_done()
        self.assertIn("receipts only", caught.exception.name)
        self.assertEqual(delivery.state, "draft")
        self.assertFalse(delivery.ledger_ids)


class TestCancelDocumentsWithoutPartner(StockCase):
    """反审核 of documents without partner used to fail with "column partner_id is of type integer
    but expression is of type boolean": each gets exact reversal rows and entry."""

    def reversal_rows(self, picking, originals):
        return [(r.kind, r.product_id, r.warehouse_id, r.quantity, r.value, r.reversed_id, r.partner_id)
                for r in (picking.ledger_ids - originals).sorted("id")]

    def test_cancel_transfer(self):
        self.picking("receipt", [(self.shirt, 10, 5.0)])
        transfer = self.picking("transfer", [(self.shirt, 4)], dest_warehouse_id=self.wh_b.id)
        out_row, in_row = originals = transfer.ledger_ids.sorted("id")
        transfer.button_cancel()
        self.assertEqual(transfer.state, "cancel")
        nobody = self.env["res.partner"]
        self.assertEqual(self.reversal_rows(transfer, originals), [
            ("reversal", self.shirt, self.wh_b, -4, -20.0, in_row, nobody),
            ("reversal", self.shirt, self.wh_a, 4, 20.0, out_row, nobody)])
        self.assertFalse(transfer.move_id)
        self.assertFalse(transfer.reversal_move_id, "a transfer moves no value between accounts")
        self.assertQuant(self.shirt, 10, 50.0)
        self.assertQuant(self.shirt, 0, 0.0, self.wh_b)

    def test_cancel_other_in_and_other_out(self):
        Reason = self.env["jxc.stock.reason"]
        scrap = Reason.search([("name", "=", "报损"), ("company_id", "=", self.company.id)])
        found = Reason.search([("name", "=", "其他入库"), ("company_id", "=", self.company.id)])
        nobody = self.env["res.partner"]
        other_in = self.picking("other_in", [(self.shirt, 5, 4.0)], reason_id=found.id)
        other_out = self.picking("other_out", [(self.shirt, 2)], reason_id=scrap.id)
        out_originals = other_out.ledger_ids
        other_out.button_cancel()
        self.assertEqual(self.reversal_rows(other_out, out_originals), [
            ("reversal", self.shirt, self.wh_a, 2, 8.0, out_originals, nobody)])
        self.assertEqual(self.move_lines(other_out.reversal_move_id), {
            ("1405", self.shirt, nobody): 8.0, (scrap.account_id.code, self.shirt, nobody): -8.0})
        in_originals = other_in.ledger_ids
        other_in.button_cancel()
        self.assertEqual(self.reversal_rows(other_in, in_originals), [
            ("reversal", self.shirt, self.wh_a, -5, -20.0, in_originals, nobody)])
        self.assertEqual(self.move_lines(other_in.reversal_move_id), {
            ("1405", self.shirt, nobody): -20.0, (found.account_id.code, self.shirt, nobody): 20.0})
        self.assertEqual(self.move_lines(other_in.reversal_move_id),
                         {key: -amount for key, amount in self.move_lines(other_in.move_id).items()})
        self.assertQuant(self.shirt, 0, 0.0)

    def test_cancel_stocktaking(self):
        self.picking("receipt", [(self.shirt, 10, 5.0)])
        count = self.env["jxc.stock.count"].create({"warehouse_id": self.wh_a.id})
        count.button_start()
        count.line_ids.counted_qty = 7
        count.button_done()
        picking = count.picking_id
        originals = picking.ledger_ids
        picking.button_cancel()
        nobody = self.env["res.partner"]
        self.assertEqual(self.reversal_rows(picking, originals), [
            ("reversal", self.shirt, self.wh_a, 3, 15.0, originals, nobody)])
        self.assertEqual(self.move_lines(picking.reversal_move_id), {
            ("1405", self.shirt, nobody): 15.0, ("1901", self.shirt, nobody): -15.0})
        self.assertQuant(self.shirt, 10, 50.0)

    def test_cancel_opening_balance(self):
        capital = self.account["3001"]
        opening = self.picking("opening", [(self.shirt, 6, 2.5)], counterpart_account_id=capital.id)
        originals = opening.ledger_ids
        opening.button_cancel()
        nobody = self.env["res.partner"]
        self.assertEqual(self.reversal_rows(opening, originals), [
            ("reversal", self.shirt, self.wh_a, -6, -15.0, originals, nobody)])
        self.assertEqual(self.move_lines(opening.reversal_move_id), {
            ("1405", self.shirt, nobody): -15.0, (capital.code, self.shirt, nobody): 15.0})
        self.assertEqual(opening.reversal_move_id.state, "posted")
        self.assertQuant(self.shirt, 0, 0.0)


class TestReturnLimits(StockCase):
    """A return takes back at most what its original line moved, less what was already returned."""

    def test_supplier_return_above_the_receipt_line_is_refused(self):
        receipt = self.picking("receipt", [(self.shirt, 3, 5.0)])
        too_much = self.picking("supplier_return", [(self.shirt, 5, 0.0, None, receipt.line_ids)], validate=False)
        with self.assertRaises(UserError) as caught:
            too_much.button_done()
        message = caught.exception.name
        for part in (self.shirt.display_name, too_much.name, receipt.name, "5 ", "3 ", "received"):
            self.assertIn(part, message)
        self.assertEqual(too_much.state, "draft")
        self.assertFalse(too_much.ledger_ids)
        self.assertQuant(self.shirt, 3, 15.0)
        # Two returns of 2: the second would take back 4 of 3.
        self.picking("supplier_return", [(self.shirt, 2, 0.0, None, receipt.line_ids)])
        second = self.picking("supplier_return", [(self.shirt, 2, 0.0, None, receipt.line_ids)], validate=False)
        with self.assertRaises(UserError) as caught:
            second.button_done()
        self.assertIn("at most 1 ", caught.exception.name)
        # A box of 12 is 12 units: also too much, compared in the product unit.
        boxed = self.picking("supplier_return", [(self.shirt, 1, 0.0, self.box, receipt.line_ids)], validate=False)
        with self.assertRaises(UserError):
            boxed.button_done()
        second.line_ids.quantity = 1
        second.button_done()
        self.assertQuant(self.shirt, 0, 0.0)

    def test_cancelled_return_frees_its_quantity(self):
        receipt = self.picking("receipt", [(self.shirt, 3, 5.0)])
        first = self.picking("supplier_return", [(self.shirt, 3, 0.0, None, receipt.line_ids)])
        first.button_cancel()
        again = self.picking("supplier_return", [(self.shirt, 3, 0.0, None, receipt.line_ids)])
        self.assertEqual(again.state, "done")
        self.assertQuant(self.shirt, 0, 0.0)

    def test_customer_return_above_the_delivery_line_is_refused(self):
        self.picking("receipt", [(self.shirt, 10, 6.0)])
        delivery = self.picking("delivery", [(self.shirt, 3)])
        too_much = self.picking("customer_return", [(self.shirt, 4, 0.0, None, delivery.line_ids)],
                                validate=False)
        with self.assertRaises(UserError) as caught:
            too_much.button_done()
        message = caught.exception.name
        for part in (self.shirt.display_name, delivery.name, "4 ", "3 ", "delivered"):
            self.assertIn(part, message)
        self.assertFalse(too_much.ledger_ids)
        too_much.line_ids.quantity = 3
        too_much.button_done()
        self.assertQuant(self.shirt, 10, 60.0)

    def test_return_must_take_back_a_line_of_its_kind(self):
        receipt = self.picking("receipt", [(self.shirt, 3, 5.0)])
        wrong = self.picking("customer_return", [(self.shirt, 1, 0.0, None, receipt.line_ids)], validate=False)
        with self.assertRaises(UserError) as caught:
            wrong.button_done()
        self.assertIn("validated delivery", caught.exception.name)
        self.assertFalse(wrong.ledger_ids)


class TestArchivedProducts(StockCase):
    """Archived products are neither confirmed on orders nor posted on stock documents."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.old = cls.env["product.product"].create({"name": "Discontinued Scarf", "type": "consu"})

    def test_archived_product_refused_on_stock_documents(self):
        receipt = self.picking("receipt", [(self.old, 2, 5.0), (self.shirt, 1, 5.0)], validate=False)
        self.old.active = False
        with self.assertRaises(UserError) as caught:
            receipt.button_done()
        self.assertIn("Discontinued Scarf", caught.exception.name)
        self.assertIn(receipt.name, caught.exception.name)
        self.assertEqual(receipt.state, "draft")
        self.assertFalse(receipt.ledger_ids)
        # Archiving the template archives the product too.
        self.old.active = True
        self.old.product_tmpl_id.active = False
        with self.assertRaises(UserError):
            receipt.button_done()
        self.old.product_tmpl_id.active = True
        receipt.button_done()
        self.assertQuant(self.old, 2, 10.0)

    def test_archived_product_refused_at_order_confirmation(self):
        purchase = self.env["jxc.purchase.order"].create({
            "partner_id": self.supplier.id, "warehouse_id": self.wh_a.id,
            "line_ids": [(0, 0, {"product_id": self.old.id, "uom_id": self.unit.id,
                                 "product_qty": 1, "price_unit": 3.0})]})
        sale = self.env["jxc.sale.order"].create({
            "partner_id": self.customer.id, "warehouse_id": self.wh_a.id,
            "line_ids": [(0, 0, {"product_id": self.old.id, "uom_id": self.unit.id,
                                 "product_qty": 1, "price_unit": 9.0})]})
        self.old.active = False
        for order in (purchase, sale):
            with self.assertRaises(UserError) as caught:
                order.button_confirm()
            self.assertIn("Discontinued Scarf", caught.exception.name)
        self.assertEqual((purchase.state, sale.state), ("draft", "quotation"))
        self.assertFalse(purchase.picking_ids | sale.picking_ids)
        self.assertFalse(sale.line_ids.qty_reserved)

    def test_archived_products_are_not_offered_on_lines(self):
        self.old.active = False
        for model in ("jxc.purchase.order.line", "jxc.sale.order.line", "jxc.stock.picking.line",
                      "jxc.stock.count.line", "jxc.purchase.request.line"):
            domain = self.env[model]._fields["product_id"].domain
            self.assertIn(("active", "=", True), domain, model)
            found = self.env["product.product"].with_context(active_test=False).name_search(
                "Discontinued", args=domain)
            self.assertFalse(found, model)
