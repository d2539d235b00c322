import re

from lxml import etree

from odoo.tests.common import SavepointCase

COLORS = {"planned": "success", "today": "warning", "overdue": "danger"}


class TestWarningBoard(SavepointCase):
    """The warnings kanban: a column per kind with its count, and each card with its figures."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Warning = cls.env["jxc.reorder.warning"].sudo(cls.env.ref("jxc_addon.res_users_purchaser_demo"))

    def test_cards_show_the_figures_of_their_kind(self):
        arch = etree.XML(self.Warning.fields_view_get(view_type="kanban")["arch"])
        card = arch.xpath("//t[@t-name='kanban-box']")[0]
        for node in card.iter():
            # In JavaScript QWeb, "x in [...]" tests array positions: no card would ever match.
            if isinstance(node.tag, str) and node.get("t-if"):
                self.assertFalse(re.search(r"\bin\s*[\[(]", node.get("t-if")), node.get("t-if"))
        figures = {kind: set(card.xpath(".//*[@t-if=\"record.kind.raw_value == '%s'\"]//field/@name" % kind))
                   for kind in ("reorder", "slow", "overstock", "overdue")}
        self.assertEqual(figures["reorder"], {"projected_qty", "min_qty", "suggested_qty"})
        self.assertEqual(figures["overstock"], {"projected_qty", "max_qty"})
        self.assertEqual(figures["slow"], {"projected_qty", "value"})
        self.assertEqual(figures["overdue"], {"amount_overdue", "days_overdue"})

    def test_salesman_card_has_no_value(self):
        salesman = self.env.ref("jxc_addon.res_users_salesman_demo")
        view = self.env["jxc.reorder.warning"].sudo(salesman).fields_view_get(view_type="kanban")
        self.assertNotIn("value", view["fields"], "salesmen never see stock values")
        self.assertNotIn('name="value"', view["arch"])

    def test_columns_count_their_warnings(self):
        arch = etree.XML(self.Warning.fields_view_get(view_type="kanban")["arch"])
        self.assertEqual(arch.get("default_group_by"), "kind")
        bar = arch.find("progressbar")
        self.assertIsNotNone(bar, "the progress bar gives each column its count")
        self.assertEqual(bar.get("field"), "activity_state")
        # The web client names a selection column by its label: the counts must use the same key.
        counts = self.Warning.with_context(lang="en_US").read_progress_bar(
            [("state", "=", "open")], "kind", {"field": "activity_state", "colors": COLORS})
        overstock = self.Warning.search_count([("state", "=", "open"), ("kind", "=", "overstock")])
        self.assertTrue(overstock, "the demo has caps above their maximum")
        self.assertIn("Overstock", counts)
        self.assertIn("Below Safety Stock", counts)
        self.assertEqual(counts["Below Safety Stock"]["planned"] + counts["Below Safety Stock"]["today"]
                         + counts["Below Safety Stock"]["overdue"],
                         self.Warning.search_count([("state", "=", "open"), ("kind", "=", "reorder"),
                                                    ("activity_ids", "!=", False)]))
