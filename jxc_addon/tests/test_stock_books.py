"""Stock entries in the books: lock dates with the posting user's rights, account.move.post() and
the account rules for stock entries, and the integrity check of reservations and document states."""
from datetime import timedelta
from unittest import mock

from odoo import fields
from odoo.exceptions import UserError
from odoo.tools.misc import format_date

from .common import StockCase
from .test_sale import SaleCase


def days_ago(days):
    return fields.Date.to_string(fields.Date.from_string(fields.Date.today()) - timedelta(days=days))


class TestLockDates(StockCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.keeper = cls.make_user("t_books_keeper", "group_jxc_keeper")
        cls.adviser = cls.make_user("t_books_adviser", "group_jxc_keeper")
        cls.adviser.groups_id |= cls.env.ref("account.group_account_manager")
        cls.company.write({"period_lock_date": False})

    def assertNothingPosted(self, picking, state="draft"):
        self.assertEqual(picking.state, state)
        self.assertFalse(self.env["jxc.stock.ledger"].search([("picking_id", "=", picking.id)]))
        self.assertFalse(self.env["account.move"].search([("ref", "like", picking.name)]))

    def test_keeper_refused_in_a_period_locked_for_non_advisers(self):
        self.company.period_lock_date = days_ago(10)
        receipt = self.picking("receipt", [(self.shirt, 3, 5.0)], validate=False, date=days_ago(20))
        with self.assertRaises(UserError) as caught:
            receipt.sudo(self.keeper).button_done()
        message = caught.exception.name
        self.assertIn("Validating %s on %s is refused" % (receipt.name, format_date(self.env, days_ago(20))), message)
        self.assertIn("locked up to %s included, except for accounting advisers" % format_date(
            self.env, days_ago(10)), message)
        self.assertNothingPosted(receipt)
        self.assertFalse(self.quant(self.shirt), "not even an empty quant is made")
        # On the lock date itself too; the day after is open.
        receipt.date = days_ago(10)
        with self.assertRaises(UserError):
            receipt.sudo(self.keeper).button_done()
        receipt.date = days_ago(9)
        receipt.sudo(self.keeper).button_done()
        self.assertEqual(receipt.move_id.date, days_ago(9))

    def test_adviser_posts_in_a_period_locked_for_non_advisers(self):
        self.company.period_lock_date = days_ago(10)
        receipt = self.picking("receipt", [(self.shirt, 3, 5.0)], validate=False, date=days_ago(20))
        receipt.sudo(self.adviser).button_done()
        self.assertEqual(receipt.state, "done")
        self.assertEqual((receipt.move_id.state, receipt.move_id.date), ("posted", days_ago(20)))
        self.assertEqual(receipt.ledger_ids.date, days_ago(20))
        self.assertQuant(self.shirt, 3, 15.0)

    def test_fiscal_year_lock_refuses_everyone(self):
        first_of_month = fields.Date.from_string(fields.Date.today()).replace(day=1)
        lock = fields.Date.to_string(first_of_month - timedelta(days=1))  # the last closed month
        # Odoo refuses the lock while draft entries (the demo's) lie before it: set it directly.
        self.env.cr.execute("UPDATE res_company SET fiscalyear_lock_date = %s WHERE id = %s", (lock, self.company.id))
        self.company.invalidate_cache(["fiscalyear_lock_date"])
        receipt = self.picking("receipt", [(self.shirt, 3, 5.0)], validate=False,
                               date=fields.Date.to_string(first_of_month - timedelta(days=5)))
        for user in (self.keeper, self.adviser, self.env.user):
            with self.assertRaises(UserError) as caught:
                receipt.sudo(user).button_done()
            self.assertIn("locked up to %s included, for everyone" % format_date(self.env, lock),
                          caught.exception.name)
            self.assertNothingPosted(receipt)
        self.assertFalse(self.quant(self.shirt))

    def test_reversal_is_dated_today_and_refused_when_today_is_locked(self):
        old = self.picking("receipt", [(self.shirt, 3, 5.0)], date=days_ago(20))
        recent = self.picking("receipt", [(self.shirt, 2, 6.0)], date=days_ago(2))
        # The original's date is locked, today is not: the reversal goes through, dated today.
        self.company.period_lock_date = days_ago(10)
        old.sudo(self.keeper).button_cancel()
        self.assertEqual(old.state, "cancel")
        self.assertEqual(old.reversal_move_id.date, fields.Date.today())
        self.assertEqual(old.reversal_move_id.state, "posted")
        self.assertQuant(self.shirt, 2, 12.0)
        # Today locked for non-advisers: the keeper's reversal is refused, nothing is written.
        self.company.period_lock_date = fields.Date.today()
        with self.assertRaises(UserError) as caught:
            recent.sudo(self.keeper).button_cancel()
        self.assertIn("Reversing %s on %s is refused" % (recent.name, format_date(self.env, fields.Date.today())),
                      caught.exception.name)
        self.assertEqual(recent.state, "done")
        self.assertFalse(recent.reversal_move_id)
        self.assertFalse(recent.ledger_ids.filtered(lambda r: r.kind == "reversal"))
        self.assertQuant(self.shirt, 2, 12.0)
        recent.sudo(self.adviser).button_cancel()
        self.assertEqual(recent.state, "cancel")
        self.assertQuant(self.shirt, 0, 0.0)


class TestStockEntries(StockCase):

    def test_entry_is_posted_by_account_move_post(self):
        Move = type(self.env["account.move"])
        original = Move.post
        seen = []

        def spy(moves):
            seen.append([(m.id, m.state, m.name, sorted((l.account_id.code, l.debit, l.credit) for l in m.line_ids))
                         for m in moves])
            return original(moves)
        with mock.patch.object(Move, "post", side_effect=spy, autospec=True) as post:
            receipt = self.picking("receipt", [(self.shirt, 3, 5.0), (self.jeans, 1, 2.5)])
        post.assert_called_once()
        self.assertEqual(post.call_args[0][0], receipt.move_id)
        # post() sees the entry complete, in draft, before it is numbered.
        self.assertEqual(seen, [[(receipt.move_id.id, "draft", "/", [
            ("1405", 2.5, 0.0), ("1405", 15.0, 0.0), ("220201", 0.0, 2.5), ("220201", 0.0, 15.0)])]])
        self.assertEqual(receipt.move_id.state, "posted")
        self.assertTrue(receipt.move_id.name.startswith("STJ/"), receipt.move_id.name)
        # Reversals go through it as well.
        with mock.patch.object(Move, "post", side_effect=original, autospec=True) as post:
            receipt.button_cancel()
        post.assert_called_once_with(receipt.reversal_move_id)

    def test_keys_added_to_the_prepared_lines_reach_the_entry(self):
        """A module adding an analytic account and tags to the stock entry lines: they are stored,
        and posting creates the analytic lines (account.move.post() ran on the complete entry)."""
        analytic = self.env["account.analytic.account"].create({"name": "Test Store 1"})
        tag = self.env["account.analytic.tag"].create({"name": "Test Tag"})
        Picking = type(self.env["jxc.stock.picking"])
        original = Picking._prepare_account_move_line_vals

        def prepare(picking, account_id, product_id, partner_id, amount):
            vals = original(picking, account_id, product_id, partner_id, amount)
            if account_id == self.account["1405"].id:
                vals.update(analytic_account_id=analytic.id, analytic_tag_ids=[(6, 0, tag.ids)],
                            quantity=3.0, date_maturity=days_ago(1))
            return vals
        with mock.patch.object(Picking, "_prepare_account_move_line_vals", side_effect=prepare, autospec=True):
            receipt = self.picking("receipt", [(self.shirt, 3, 5.0)])
        stock_line = receipt.move_id.line_ids.filtered(lambda l: l.account_id == self.account["1405"])
        grni_line = receipt.move_id.line_ids - stock_line
        self.assertEqual((stock_line.analytic_account_id, stock_line.analytic_tag_ids, stock_line.quantity,
                          stock_line.date_maturity), (analytic, tag, 3.0, days_ago(1)))
        self.assertEqual((grni_line.analytic_account_id, grni_line.analytic_tag_ids, grni_line.quantity,
                          grni_line.date_maturity), (self.env["account.analytic.account"],
                                                     self.env["account.analytic.tag"], 0.0, fields.Date.today()))
        analytic_line = self.env["account.analytic.line"].search([("account_id", "=", analytic.id)])
        self.assertEqual((analytic_line.move_id, analytic_line.amount, analytic_line.tag_ids),
                         (stock_line, -15.0, tag))

    def test_entry_belongs_to_the_user_who_validated(self):
        keeper = self.make_user("t_books_entry_keeper", "group_jxc_keeper")
        receipt = self.picking("receipt", [(self.shirt, 3, 5.0)], validate=False)
        receipt.sudo(keeper).button_done()
        self.assertEqual(receipt.move_id.create_uid, keeper)
        self.assertEqual(receipt.move_id.line_ids.mapped("create_uid"), keeper)
        receipt.sudo(keeper).button_cancel()
        self.assertEqual(receipt.reversal_move_id.create_uid, keeper)
        self.assertEqual(receipt.reversal_move_id.line_ids.mapped("create_uid"), keeper)

    def test_deprecated_valuation_account_is_refused(self):
        self.account["1405"].deprecated = True
        receipt = self.picking("receipt", [(self.shirt, 3, 5.0)], validate=False)
        with self.assertRaises(UserError) as caught:
            receipt.button_done()
        self.assertIn("The account %s is deprecated: %s cannot post to it" % (
            self.account["1405"].display_name, receipt.name), caught.exception.name)
        self.assertEqual(receipt.state, "draft")
        self.assertFalse(receipt.ledger_ids)
        self.assertFalse(self.quant(self.shirt))

    def test_deprecated_account_refuses_the_reversal(self):
        receipt = self.picking("receipt", [(self.shirt, 3, 5.0)])
        self.account["grni"].deprecated = True
        with self.assertRaises(UserError) as caught:
            receipt.button_cancel()
        self.assertIn("The account %s is deprecated" % self.account["grni"].display_name, caught.exception.name)
        self.assertEqual(receipt.state, "done")
        self.assertEqual(len(receipt.ledger_ids), 1)
        self.assertQuant(self.shirt, 3, 15.0)

    def test_journal_entry_controls_are_enforced(self):
        journal = self.company.jxc_stock_journal_id
        journal.type_control_ids = self.account["1405"].user_type_id
        receipt = self.picking("receipt", [(self.shirt, 3, 5.0)], validate=False)
        with self.assertRaises(UserError) as caught:
            receipt.button_done()
        self.assertIn("The journal %s does not accept the account %s" % (
            journal.display_name, self.account["grni"].display_name), caught.exception.name)
        self.assertFalse(receipt.ledger_ids)
        # An account allowed by name passes, as in Odoo's own check.
        journal.account_control_ids = self.account["grni"]
        receipt.button_done()
        self.assertEqual(receipt.move_id.state, "posted")

    def test_revaluation_account_is_checked_with_the_entry(self):
        """Stock that was negative comes back with a revaluation against cost of goods sold: a
        deprecated one refuses the receipt."""
        self.wh_a.allow_negative = True
        self.picking("delivery", [(self.shirt, 2)])
        self.account["5401"].deprecated = True
        receipt = self.picking("receipt", [(self.shirt, 20, 3.3)], validate=False)
        with self.assertRaises(UserError) as caught, self.env.cr.savepoint():
            receipt.button_done()
        self.assertIn("The account %s is deprecated" % self.account["5401"].display_name, caught.exception.name)
        self.assertEqual(receipt.state, "draft")


class TestIntegrityOfReservationsAndStates(SaleCase):

    def tearDown(self):
        # These scenarios corrupt data on purpose: skip the final check of the base class.
        super(StockCase, self).tearDown()

    def issues(self, kind):
        issues = self.env["jxc.stock.check"].new({"company_id": self.company.id})._find_issues()
        return [issue for issue in issues if issue["kind"] == kind]

    def test_reserved_quantity_must_match_the_open_orders(self):
        self.picking("receipt", [(self.shirt, 30, 5.0), (self.jeans, 10, 2.0)])
        order = self.env["jxc.sale.order"].create({
            "partner_id": self.customer.id, "warehouse_id": self.wh_a.id,
            "line_ids": [(0, 0, {"product_id": self.shirt.id, "uom_id": self.box.id, "product_qty": 2,
                                 "price_unit": 120.0}),
                         (0, 0, {"product_id": self.jeans.id, "uom_id": self.unit.id, "product_qty": 4,
                                 "price_unit": 9.0})]})
        order.button_confirm()
        self.assertEqual(self.quant(self.shirt).reserved_quantity, 24)
        self.assertEqual(self.issues("reserved"), [])
        check = self.env["jxc.stock.check"].create({"company_id": self.company.id})
        check.button_run()
        self.assertEqual(check.state, "ok")
        # A quant whose reservation drifted, and an order line holding more than the quant says.
        self.env.cr.execute("UPDATE jxc_stock_quant SET reserved_quantity = 25 WHERE id = %s",
                            (self.quant(self.shirt).id,))
        jeans_line = order.line_ids.filtered(lambda l: l.product_id == self.jeans)
        self.env.cr.execute("UPDATE jxc_sale_order_line SET qty_reserved = 3 WHERE id = %s", (jeans_line.id,))
        self.assertEqual(sorted((i["product_id"], i["warehouse_id"], i["expected"], i["found"])
                                for i in self.issues("reserved")),
                         sorted([(self.shirt.id, self.wh_a.id, 24, 25), (self.jeans.id, self.wh_a.id, 3, 4)]))
        check.button_run()
        self.assertEqual(check.state, "problem")
        self.assertEqual({(l.kind, l.product_id) for l in check.line_ids},
                         {("reserved", self.shirt), ("reserved", self.jeans)})

    def test_released_order_leaves_nothing_reserved(self):
        self.picking("receipt", [(self.shirt, 30, 5.0)])
        order = self.order([(self.shirt, 5, 10.0, 0.0)])
        order.button_cancel()
        self.assertEqual(self.issues("reserved"), [])
        # A cancelled order is not open: a reservation left on the quant for it is flagged.
        self.env.cr.execute("UPDATE jxc_stock_quant SET reserved_quantity = 5 WHERE id = %s",
                            (self.quant(self.shirt).id,))
        self.assertEqual([(i["product_id"], i["expected"], i["found"]) for i in self.issues("reserved")],
                         [(self.shirt.id, 0, 5)])

    def test_done_state_must_match_the_validation(self):
        done = self.picking("receipt", [(self.shirt, 3, 5.0)])
        reversed_ = self.picking("receipt", [(self.jeans, 2, 4.0)])
        reversed_.button_cancel()
        draft = self.picking("receipt", [(self.shirt, 1, 5.0)], validate=False)
        cancelled = self.picking("receipt", [(self.shirt, 1, 5.0)], validate=False)
        cancelled.button_cancel()
        self.assertEqual(self.issues("state"), [])
        self.env.cr.execute("UPDATE jxc_stock_picking SET done_date = NULL WHERE id = %s", (done.id,))
        self.env.cr.execute("UPDATE jxc_stock_picking SET done_date = now() WHERE id = %s", (draft.id,))
        # Written 'done' directly, never posted: no validation date, no ledger rows.
        self.env.cr.execute("UPDATE jxc_stock_picking SET state = 'done' WHERE id = %s", (cancelled.id,))
        self.assertEqual(sorted((i["picking_id"], i["message"]) for i in self.issues("state")), sorted([
            (done.id, "Validated without a validation date."),
            (draft.id, "A draft with a validation date."),
            (cancelled.id, "Validated without a validation date."),
        ]))
        # A reversed document whose reversal rows are gone; a done one whose rows were reversed.
        self.env.cr.execute("UPDATE jxc_stock_picking SET done_date = now() WHERE id = %s", (done.id,))
        self.env.cr.execute("UPDATE jxc_stock_picking SET state = 'cancel', done_date = NULL WHERE id = %s",
                            (cancelled.id,))
        self.env.cr.execute("UPDATE jxc_stock_picking SET state = 'done' WHERE id = %s", (reversed_.id,))
        self.env.cr.execute("UPDATE jxc_stock_picking SET state = 'draft', done_date = NULL WHERE id = %s",
                            (draft.id,))
        self.assertEqual([(i["picking_id"], i["message"]) for i in self.issues("state")],
                         [(reversed_.id, "Validated, yet ledger rows of it were reversed.")])
        self.env.cr.execute("UPDATE jxc_stock_picking SET state = 'cancel' WHERE id = %s", (reversed_.id,))
        self.env.cr.execute("UPDATE jxc_stock_ledger SET picking_id = NULL WHERE picking_id = %s AND kind = 'reversal'",
                            (reversed_.id,))
        self.assertEqual([(i["picking_id"], i["message"]) for i in self.issues("state")],
                         [(reversed_.id, "Reversed, yet 0 of its 1 ledger rows were reversed.")])
