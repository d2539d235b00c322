"""Issue 11, every rule enforced on the server: states, approvals, credit terms and what a document
was confirmed with change only through their buttons or by the roles entitled to them, whatever a
user sends over RPC; buttons that act with more rights than the caller's check him first, and what
they make on his behalf stays his. Each refused step leaves the record as it was."""
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError

from .test_sale import SaleCase


class GuardCase(SaleCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.jxc_stock_docs_at_confirm = False
        cls.company.jxc_request_approval_amount = 1000.0
        cls.purchaser = cls.make_user("t_guard_buyer", "group_jxc_purchaser")
        cls.accountant = cls.make_user("t_guard_accountant", "group_jxc_accountant")
        cls.viewer = cls.make_user("t_guard_viewer", "group_jxc_user")

    def reread(self, record, fnames):
        """The values stored in the database, not those of the cache."""
        record.invalidate_cache()
        return [record.sudo()[fname] for fname in fnames]

    def request(self, user, qty=10, price=None):
        self.shirt.standard_price = 5.0
        line = {"product_id": self.shirt.id, "uom_id": self.unit.id, "product_qty": qty, "reason": "补货"}
        if price is not None:
            line["price_estimated"] = price
        return self.env["jxc.purchase.request"].sudo(user).create({"line_ids": [(0, 0, line)]})

    def purchase(self, qty=2, price=10.0):
        order = self.env["jxc.purchase.order"].sudo(self.purchaser).create({
            "partner_id": self.supplier.id, "warehouse_id": self.wh_a.id,
            "line_ids": [(0, 0, {"product_id": self.shirt.id, "uom_id": self.unit.id, "product_qty": qty,
                                 "price_unit": price})]})
        order.button_confirm()
        return order


class TestCreditControl(GuardCase):

    def test_salesman_cannot_write_the_override_reason(self):
        order = self.order([(self.shirt, 1, 10.0, 0.0)], user=self.salesman_a, confirm=False)
        with self.assertRaises(AccessError):
            order.sudo(self.salesman_a).write({"credit_override_reason": "my own decision"})
        self.assertEqual(self.reread(order, ["credit_override_reason"]), [False])
        order.sudo(self.manager).action_credit_override("老客户")
        self.assertEqual(self.reread(order, ["credit_override_reason"]), ["老客户"])

    def test_writing_the_state_skips_neither_reservation_nor_credit_check(self):
        self.picking("receipt", [(self.shirt, 10, 5.0)])
        self.customer.jxc_on_hold = True
        order = self.order([(self.shirt, 4, 10.0, 0.0)], user=self.salesman_a, confirm=False)
        with self.assertRaises(AccessError) as caught:
            order.sudo(self.salesman_a).write({"state": "confirmed"})
        self.assertIn("buttons", caught.exception.name)
        self.assertEqual(self.reread(order, ["state"]), ["quotation"])
        self.assertEqual(self.quant(self.shirt).reserved_quantity, 0)
        with self.assertRaises(UserError):
            order.sudo(self.salesman_a).button_confirm()
        self.customer.jxc_on_hold = False
        order.sudo(self.salesman_a).button_confirm()
        self.assertEqual((order.state, order.line_ids.qty_reserved, self.quant(self.shirt).reserved_quantity),
                         ("confirmed", 4, 4))

    def test_salesman_cannot_change_credit_terms_or_holds(self):
        self.customer.write({"credit_limit": 5000.0, "jxc_credit_days": 15, "jxc_on_hold": True})
        customer = self.customer.sudo(self.salesman_a)
        for vals in ({"credit_limit": 99999.0}, {"jxc_on_hold": False}, {"jxc_credit_days": 365}):
            with self.assertRaises(AccessError):
                customer.write(vals)
        self.assertEqual(self.reread(self.customer, ["credit_limit", "jxc_credit_days", "jxc_on_hold"]),
                         [5000.0, 15, True])
        with self.assertRaises(AccessError):
            self.env["res.partner"].sudo(self.salesman_a).create({"name": "新客户", "customer": True,
                                                                   "credit_limit": 99999.0})
        # The rest of the customer is still his to keep up to date, contacts included (they take the
        # company's credit terms).
        customer.write({"phone": "020-12345678"})
        contact = self.env["res.partner"].sudo(self.salesman_a).create({"name": "王经理", "parent_id": self.customer.id})
        self.assertEqual((contact.jxc_credit_days, contact.jxc_on_hold), (15, True))
        # 进销存 Managers and accountants set credit terms; a hold lifted by hand is theirs.
        self.customer.sudo(self.accountant).write({"credit_limit": 8000.0, "jxc_on_hold": False})
        self.customer.sudo(self.manager).write({"jxc_credit_days": 30})
        self.assertEqual(self.reread(self.customer, ["credit_limit", "jxc_credit_days", "jxc_on_hold"]),
                         [8000.0, 30, False])

    def test_the_automatic_hold_is_the_scan_s(self):
        with self.assertRaises(AccessError):
            self.customer.sudo(self.manager).write({"jxc_hold_overdue": True})
        self.assertEqual(self.reread(self.customer, ["jxc_hold_overdue"]), [False])


class TestApprovals(GuardCase):

    def test_requester_cannot_approve_by_writing_the_state(self):
        request = self.request(self.salesman_a)
        request.sudo(self.salesman_a).button_to_approve()
        for user in (self.salesman_a, self.keeper):
            with self.assertRaises(AccessError):
                request.sudo(user).write({"state": "approved", "approved_by": user.id})
        self.assertEqual(self.reread(request, ["state", "approved_by"]), ["to_approve", self.env["res.users"]])
        with self.assertRaises(UserError):
            request.sudo(self.salesman_a).button_approved()
        request.sudo(self.purchaser).button_approved()
        self.assertEqual(self.reread(request, ["state", "approved_by"]), ["approved", self.purchaser])

    def test_requesters_change_their_own_requests_only(self):
        theirs = self.request(self.salesman_b)
        line = theirs.line_ids
        with self.assertRaises(AccessError):
            theirs.sudo(self.salesman_a).write({"note": "改一下"})
        with self.assertRaises(AccessError):
            line.sudo(self.salesman_a).write({"product_qty": 500})
        with self.assertRaises(AccessError):
            theirs.sudo(self.salesman_a).button_to_approve()
        with self.assertRaises(AccessError):
            theirs.sudo(self.salesman_a).unlink()
        self.assertEqual(self.reread(theirs, ["state", "note"]), ["draft", False])
        self.assertEqual(self.reread(line, ["product_qty"]), [10])
        # His own draft is his; once submitted, it is what the approver approves.
        mine = self.request(self.salesman_a)
        mine.line_ids.sudo(self.salesman_a).write({"product_qty": 12})
        mine.sudo(self.salesman_a).button_to_approve()
        with self.assertRaises(UserError):
            mine.line_ids.sudo(self.salesman_a).write({"product_qty": 500})
        self.assertEqual(self.reread(mine.line_ids, ["product_qty"]), [12])
        # Purchasers work on everybody's requests.
        theirs.sudo(self.purchaser).write({"note": "合并采购"})
        self.assertEqual(self.reread(theirs, ["note"]), ["合并采购"])

    def test_lowering_the_estimate_does_not_lower_the_approver(self):
        request = self.request(self.purchaser, qty=300, price=5.0)  # 1,500.00: a Manager's approval
        request.sudo(self.purchaser).button_to_approve()
        with self.assertRaises(UserError):
            request.line_ids.sudo(self.purchaser).write({"price_estimated": 1.0})
        self.assertEqual(self.reread(request.line_ids, ["price_estimated"]), [5.0])
        # Withdrawn and lowered in draft, the estimate below the product cost is not what counts.
        request.sudo(self.purchaser).button_draft()
        request.line_ids.sudo(self.purchaser).write({"price_estimated": 1.0})
        request.sudo(self.purchaser).button_to_approve()
        with self.assertRaises(UserError) as caught:
            request.sudo(self.purchaser).button_approved()
        self.assertIn("1,500.00", caught.exception.name)
        self.assertEqual(self.reread(request, ["state"]), ["to_approve"])
        request.sudo(self.manager).button_approved()
        self.assertEqual(self.reread(request, ["state"]), ["approved"])

    def test_only_approvers_mark_requests_ordered(self):
        request = self.request(self.salesman_a)
        request.sudo(self.salesman_a).button_to_approve()
        request.sudo(self.purchaser).button_approved()
        with self.assertRaises(AccessError):
            request.sudo(self.salesman_a).button_done()
        self.assertEqual(self.reread(request, ["state"]), ["approved"])


class TestConfirmedDocuments(GuardCase):

    def test_received_and_locked_purchase_line_is_frozen(self):
        order = self.purchase(qty=2, price=10.0)
        receipt = self.env["jxc.stock.picking"].browse(order.action_receive()["res_id"])
        receipt.sudo(self.keeper).button_done()
        order.sudo(self.purchaser).button_done()
        line = order.line_ids
        for vals in ({"product_qty": 200}, {"price_unit": 1.0}, {"product_id": self.jeans.id}):
            with self.assertRaises(UserError) as caught:
                line.sudo(self.purchaser).write(vals)
            self.assertIn(order.name, caught.exception.name)
        with self.assertRaises(UserError):
            line.sudo(self.purchaser).unlink()
        with self.assertRaises(UserError):
            order.sudo(self.purchaser).write({"line_ids": [(0, 0, {
                "product_id": self.jeans.id, "uom_id": self.unit.id, "product_qty": 1, "price_unit": 1.0})]})
        with self.assertRaises(UserError):
            order.sudo(self.purchaser).write({"partner_id": self.customer.id})
        self.assertEqual(self.reread(line, ["product_qty", "price_unit", "product_id", "qty_received"]),
                         [2, 10.0, self.shirt, 2])
        self.assertEqual(self.reread(order, ["partner_id", "state", "amount_untaxed"]), [self.supplier, "done", 20.0])
        self.assertEqual(len(order.line_ids), 1)
        # Notes and payment terms are not what was confirmed.
        order.sudo(self.purchaser).write({"note": "已对账"})

    def test_confirmed_sales_line_quantity_and_price_are_frozen(self):
        self.picking("receipt", [(self.shirt, 10, 5.0)])
        order = self.order([(self.shirt, 4, 10.0, 0.0)], user=self.salesman_a, confirm=False)
        order.sudo(self.salesman_a).button_confirm()
        line = order.line_ids.sudo(self.salesman_a)
        for vals in ({"product_qty": 40}, {"price_unit": 0.01}, {"discount": 90}):
            with self.assertRaises(UserError):
                line.write(vals)
        with self.assertRaises(UserError):
            order.sudo(self.salesman_a).write({"warehouse_id": self.wh_b.id})
        self.assertEqual(self.reread(line, ["product_qty", "price_unit", "discount", "qty_reserved"]),
                         [4, 10.0, 0.0, 4])
        self.assertEqual(self.reread(order, ["warehouse_id", "amount_untaxed"]), [self.wh_a, 40.0])

    def test_confirmed_sales_line_cannot_be_deleted_with_its_reservation(self):
        self.picking("receipt", [(self.shirt, 10, 5.0)])
        order = self.order([(self.shirt, 4, 10.0, 0.0)], user=self.salesman_a, confirm=False)
        order.sudo(self.salesman_a).button_confirm()
        with self.assertRaises(UserError):
            order.line_ids.sudo(self.salesman_a).unlink()
        with self.assertRaises(UserError):
            order.sudo(self.salesman_a).write({"line_ids": [(5,)]})
        self.assertEqual(len(order.line_ids), 1)
        self.assertEqual(self.quant(self.shirt).reserved_quantity, 4)
        # Cancelling releases it; back to quotation, the line is his to change again.
        order.sudo(self.salesman_a).button_cancel()
        self.assertEqual(self.quant(self.shirt).reserved_quantity, 0)
        order.sudo(self.salesman_a).button_draft()
        order.line_ids.sudo(self.salesman_a).write({"product_qty": 3})
        self.assertEqual(self.reread(order.line_ids, ["product_qty"]), [3])

    def test_documents_are_not_created_past_draft(self):
        with self.assertRaises(AccessError):
            self.env["jxc.sale.order"].sudo(self.salesman_a).create({
                "partner_id": self.customer.id, "warehouse_id": self.wh_a.id, "state": "confirmed"})
        with self.assertRaises(AccessError):
            self.env["jxc.stock.picking"].sudo(self.keeper).create({
                "picking_type": "receipt", "warehouse_id": self.wh_a.id, "state": "done"})
        with self.assertRaises(AccessError):
            self.env["jxc.purchase.request"].sudo(self.salesman_a).create({"state": "approved"})
        with self.assertRaises(AccessError):
            self.env["jxc.purchase.order"].sudo(self.purchaser).create({
                "partner_id": self.supplier.id, "warehouse_id": self.wh_a.id, "state": "done"})

    def test_validated_stock_document_keeps_its_lines_and_posting(self):
        receipt = self.picking("receipt", [(self.shirt, 10, 5.0)])
        line = receipt.line_ids
        for vals in ({"quantity": 100}, {"unit_cost": 0.5}):
            with self.assertRaises(UserError):
                line.sudo(self.keeper).write(vals)
        with self.assertRaises(UserError):
            receipt.sudo(self.keeper).write({"warehouse_id": self.wh_b.id})
        with self.assertRaises(AccessError):
            receipt.sudo(self.keeper).write({"state": "draft"})
        self.assertEqual(self.reread(line, ["quantity", "unit_cost", "value"]), [10, 5.0, 50.0])
        self.assertEqual(self.reread(receipt, ["state", "warehouse_id"]), ["done", self.wh_a])
        # Logistics are filled in after validation.
        receipt.sudo(self.keeper).write({"carrier": "顺丰速运", "tracking_ref": "SF0001"})
        self.assertEqual(self.reread(receipt, ["carrier"]), ["顺丰速运"])

    def test_stocktaking_snapshot_is_the_system_s(self):
        self.picking("receipt", [(self.shirt, 10, 5.0)])
        count = self.env["jxc.stock.count"].sudo(self.keeper).create({
            "warehouse_id": self.wh_a.id, "product_ids": [(6, 0, self.shirt.ids)]})
        count.button_start()
        line = count.line_ids.sudo(self.keeper)
        with self.assertRaises(AccessError):
            line.write({"system_qty": 12})
        with self.assertRaises(UserError):
            count.sudo(self.keeper).write({"warehouse_id": self.wh_b.id})
        self.assertEqual(self.reread(line, ["system_qty"]), [10])
        line.write({"counted_qty": 9})
        count.sudo(self.keeper).button_done()
        self.assertEqual((count.state, count.picking_id.ledger_ids.quantity), ("done", -1))
        with self.assertRaises(UserError):
            line.write({"counted_qty": 10})


class TestButtonsUnderSudo(GuardCase):

    def test_viewer_cannot_deliver(self):
        self.picking("receipt", [(self.shirt, 10, 5.0)])
        order = self.order([(self.shirt, 2, 10.0, 0.0)], user=self.salesman_a)
        with self.assertRaises(AccessError):
            order.sudo(self.viewer).action_deliver()
        self.assertFalse(order.picking_ids)
        with self.assertRaises(AccessError):
            order.sudo(self.viewer).button_done()
        self.assertEqual(self.reread(order, ["state"]), ["confirmed"])
        self.assertEqual(self.quant(self.shirt).reserved_quantity, 2)

    def test_what_is_made_for_a_user_is_his(self):
        self.picking("receipt", [(self.shirt, 10, 5.0)])
        order = self.order([(self.shirt, 2, 10.0, 0.0)], user=self.salesman_a)
        action = order.sudo(self.salesman_a).with_context(tracking_disable=False).action_deliver()
        delivery = self.env["jxc.stock.picking"].browse(action["res_id"])
        self.assertEqual((delivery.create_uid, delivery.user_id), (self.salesman_a, self.salesman_a))
        self.assertEqual(delivery.line_ids.mapped("create_uid"), self.salesman_a)
        self.assertTrue(delivery.message_ids)
        self.assertEqual(delivery.message_ids.mapped("author_id"), self.salesman_a.partner_id)
        delivery.sudo(self.keeper).button_done()
        move = delivery.sudo().move_id
        self.assertEqual((move.create_uid, delivery.done_uid), (self.keeper, self.keeper))
        self.assertEqual(move.line_ids.mapped("create_uid"), self.keeper)
        # The receipt a purchaser prepares is his too.
        purchase = self.purchase()
        receipt = self.env["jxc.stock.picking"].browse(purchase.sudo(self.purchaser).action_receive()["res_id"])
        self.assertEqual(receipt.create_uid, self.purchaser)

    def test_viewer_runs_no_scan_nor_check(self):
        rule = self.env["jxc.reorder.rule"].create({"product_id": self.shirt.id, "warehouse_id": self.wh_a.id,
                                                    "min_qty": 5, "max_qty": 20})
        check = self.env["jxc.stock.check"].create({"company_id": self.company.id})
        Warning = self.env["jxc.reorder.warning"].sudo(self.viewer)
        for action in (Warning.action_run_scans, Warning.action_slow_moving_scan, Warning.action_overdue_scan,
                       rule.sudo(self.viewer).action_reorder_scan, rule.sudo(self.viewer).action_suggest_minimum,
                       check.sudo(self.viewer).button_run,
                       self.env["res.partner"].sudo(self.viewer).action_classify_partners):
            with self.assertRaises(AccessError):
                action()
        self.assertFalse(self.env["jxc.reorder.warning"].search([("rule_id", "=", rule.id)]))
        self.assertEqual(self.reread(check, ["state"]), [False])
        # The purchaser runs the reorder scan and replenishes; the warning is the scan's to close.
        rule.sudo(self.purchaser).action_reorder_scan()
        warning = self.env["jxc.reorder.warning"].search([("rule_id", "=", rule.id)])
        self.assertEqual((warning.state, warning.projected_qty), ("open", 0))
        with self.assertRaises(AccessError):
            warning.sudo(self.viewer).action_replenish()
        with self.assertRaises(AccessError):
            warning.sudo(self.salesman_a).action_replenish()
        with self.assertRaises(AccessError):
            warning.sudo(self.purchaser).write({"state": "closed"})
        warning.sudo(self.purchaser).write({"user_id": self.purchaser.id})
        self.assertEqual(self.reread(warning, ["state", "user_id"]), ["open", self.purchaser])
        check.sudo(self.accountant).button_run()
        self.assertEqual(self.reread(check, ["state"]), ["ok"])

    def test_integrity_issues_are_not_forged(self):
        check = self.env["jxc.stock.check"].sudo(self.accountant).create({"company_id": self.company.id})
        check.button_run()
        with self.assertRaises(AccessError):
            self.env["jxc.stock.check.line"].sudo(self.accountant).create({
                "check_id": check.id, "kind": "quant_qty", "expected": 1, "found": 2})
        with self.assertRaises(AccessError):
            check.write({"state": "problem"})
        self.assertEqual(self.reread(check, ["state", "issue_count"]), ["ok", 0])

    def test_keeper_validates_today_not_a_forged_date(self):
        """A draft's date is the keeper's to set; once validated, it is what was posted."""
        receipt = self.picking("receipt", [(self.shirt, 1, 5.0)], validate=False)
        yesterday = fields.Date.to_string(fields.Date.from_string(fields.Date.context_today(receipt))
                                          - timedelta(days=1))
        receipt.sudo(self.keeper).write({"date": yesterday})
        receipt.sudo(self.keeper).button_done()
        with self.assertRaises(UserError):
            receipt.sudo(self.keeper).write({"date": fields.Date.context_today(receipt)})
        self.assertEqual(self.reread(receipt, ["date"]), [yesterday])
