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
