from psycopg2 import IntegrityError

from odoo.exceptions import ValidationError
from odoo.tools import mute_logger

from .common import StockCase


class TestReorderRule(StockCase):

    def test_minimum_suggested_from_sales(self):
        self.company.jxc_demand_days = 30
        self.picking("receipt", [(self.shirt, 200, 5.0)])
        self.picking("delivery", [(self.shirt, 60)])
        self.picking("delivery", [(self.shirt, 30)])
        rule = self.env["jxc.reorder.rule"].create({
            "product_id": self.shirt.id, "warehouse_id": self.wh_a.id, "lead_days": 7, "safety_days": 3})
        rule.action_suggest_minimum()
        self.assertEqual((rule.min_qty, rule.max_qty), (30.0, 30.0), "90 sold in 30 days: 3 a day × 10 days")

    def test_bad_rules_refused(self):
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self.env["jxc.reorder.rule"].create({"product_id": self.shirt.id, "warehouse_id": self.wh_a.id,
                                                 "min_qty": 10, "max_qty": 5})
        self.env["jxc.reorder.rule"].create({"product_id": self.shirt.id, "warehouse_id": self.wh_a.id})
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            with self.env.cr.savepoint():
                self.env["jxc.reorder.rule"].create({"product_id": self.shirt.id, "warehouse_id": self.wh_a.id})


class TestReorderScan(StockCase):

    def open_warnings(self, rule):
        return self.env["jxc.reorder.warning"].search([("rule_id", "=", rule.id), ("state", "=", "open")])

    def test_one_warning_updated_then_closed(self):
        self.picking("receipt", [(self.shirt, 4, 5.0)])
        rule = self.env["jxc.reorder.rule"].create({
            "product_id": self.shirt.id, "warehouse_id": self.wh_a.id, "min_qty": 10, "max_qty": 50, "multiple": 12})
        rule.action_reorder_scan()
        warning = self.open_warnings(rule)
        self.assertEqual((len(warning), warning.projected_qty, warning.suggested_qty), (1, 4, 48))
        self.picking("delivery", [(self.shirt, 2)])
        rule.action_reorder_scan()
        self.assertEqual(self.open_warnings(rule), warning, "updated, not duplicated")
        self.assertEqual((warning.projected_qty, warning.suggested_qty), (2, 48))
        order = self.env["jxc.purchase.order"].create({
            "partner_id": self.supplier.id, "warehouse_id": self.wh_a.id,
            "line_ids": [(0, 0, {"product_id": self.shirt.id, "uom_id": self.shirt.uom_id.id,
                                 "product_qty": 20, "price_unit": 5.0})]})
        order.button_confirm()
        rule.action_reorder_scan()
        self.assertFalse(self.open_warnings(rule), "an open order covers the gap")
        self.assertEqual(warning.state, "closed")

    def test_no_warning_when_an_approved_request_covers_it(self):
        rule = self.env["jxc.reorder.rule"].create({
            "product_id": self.jeans.id, "warehouse_id": self.wh_a.id, "min_qty": 5, "max_qty": 10})
        request = self.env["jxc.purchase.request"].create({"line_ids": [(0, 0, {
            "product_id": self.jeans.id, "uom_id": self.jeans.uom_id.id, "product_qty": 8, "price_estimated": 1.0})]})
        request.button_to_approve()
        request.button_approved()
        rule.action_reorder_scan()
        self.assertFalse(self.open_warnings(rule))

    def test_one_scan_at_a_time(self):
        rule = self.env["jxc.reorder.rule"].create({
            "product_id": self.jeans.id, "warehouse_id": self.wh_a.id, "min_qty": 5, "max_qty": 10})
        with self.registry.cursor() as other:
            other.execute("SELECT pg_try_advisory_xact_lock(7303001)")
            self.assertTrue(other.fetchone()[0])
            self.assertFalse(rule.action_reorder_scan(), "a second scan steps aside")
            self.assertFalse(self.open_warnings(rule))
            other.rollback()
        self.assertTrue(rule.action_reorder_scan())
        self.assertEqual(len(self.open_warnings(rule)), 1)

    def test_replenish_creates_requests_per_supplier(self):
        self.env["product.supplierinfo"].create({"name": self.supplier.id, "product_tmpl_id": self.shirt.product_tmpl_id.id,
                                                 "min_qty": 30, "price": 5.0})
        shirt_rule = self.env["jxc.reorder.rule"].create({
            "product_id": self.shirt.id, "warehouse_id": self.wh_a.id, "min_qty": 10, "max_qty": 20, "multiple": 12,
            "supplier_id": self.supplier.id})
        other = self.env.ref("jxc_addon.res_partner_supplier_denim_demo")
        jeans_rule = self.env["jxc.reorder.rule"].create({
            "product_id": self.jeans.id, "warehouse_id": self.wh_a.id, "min_qty": 5, "max_qty": 9, "supplier_id": other.id})
        (shirt_rule | jeans_rule).action_reorder_scan()
        warnings = self.env["jxc.reorder.warning"].search([("rule_id", "in", (shirt_rule | jeans_rule).ids)])
        action = warnings.action_replenish()
        requests = self.env["jxc.purchase.request"].search(action["domain"])
        self.assertEqual(len(requests), 2, "one request per supplier")
        lines = requests.mapped("line_ids")
        qty = {l.product_id: l.product_qty for l in lines}
        self.assertEqual(qty[self.shirt], 36, "20 needed, supplier minimum 30, rounded to boxes of 12")
        self.assertEqual(qty[self.jeans], 9)
        (shirt_rule | jeans_rule).action_reorder_scan()
        self.assertFalse(self.env["jxc.reorder.warning"].search(
            [("rule_id", "in", (shirt_rule | jeans_rule).ids), ("state", "=", "open")]), "the requests cover the gap")


class TestSlowMoving(StockCase):

    def slow(self, product):
        return self.env["jxc.reorder.warning"].search(
            [("kind", "=", "slow"), ("state", "=", "open"), ("product_id", "=", product.id)])

    def test_stock_without_outs_is_flagged_then_cleared(self):
        self.company.jxc_slow_days = 90
        self.picking("receipt", [(self.shirt, 10, 5.0), (self.jeans, 5, 8.0)], date="2026-01-05")
        self.picking("delivery", [(self.jeans, 1)])
        self.env["jxc.reorder.warning"].action_slow_moving_scan()
        warning = self.slow(self.shirt)
        self.assertEqual((len(warning), warning.projected_qty, warning.value), (1, 10, 50.0))
        self.assertFalse(self.slow(self.jeans), "the jeans sold recently")
        self.env["jxc.reorder.warning"].action_slow_moving_scan()
        self.assertEqual(self.slow(self.shirt), warning, "updated, not duplicated")
        self.picking("delivery", [(self.shirt, 1)])
        self.env["jxc.reorder.warning"].action_slow_moving_scan()
        self.assertFalse(self.slow(self.shirt))
        self.assertEqual(warning.state, "closed")


class TestOverstock(StockCase):

    def test_above_maximum_is_flagged_then_cleared(self):
        self.picking("receipt", [(self.shirt, 60, 5.0)])
        rule = self.env["jxc.reorder.rule"].create({
            "product_id": self.shirt.id, "warehouse_id": self.wh_a.id, "min_qty": 10, "max_qty": 50})
        rule.action_reorder_scan()
        over = self.env["jxc.reorder.warning"].search([("rule_id", "=", rule.id), ("kind", "=", "overstock")])
        self.assertEqual((len(over), over.state, over.projected_qty), (1, "open", 60))
        self.picking("delivery", [(self.shirt, 20)])
        rule.action_reorder_scan()
        self.assertEqual(over.state, "closed")
