import re

from lxml import etree

from .common import StockCase


class TestWording(StockCase):
    """What the buttons, states and new documents say, and that the demo reads in Chinese."""

    def buttons(self, model, method, lang="en_US"):
        """{states attribute: label} of the form's buttons calling ``method``."""
        arch = self.env[model].with_context(lang=lang).fields_view_get(view_type="form")["arch"]
        return {button.get("states"): button.get("string")
                for button in etree.fromstring(arch).iter("button") if button.get("name") == method}

    def state_label(self, model, state, lang="en_US"):
        return dict(self.env[model].with_context(lang=lang).fields_get(["state"])["state"]["selection"])[state]

    def test_stock_document_validate_and_reverse(self):
        self.assertEqual(self.buttons("jxc.stock.picking", "button_done"), {"draft": "Validate"})
        self.assertEqual(self.state_label("jxc.stock.picking", "done"), "Validated")
        self.assertEqual(self.buttons("jxc.stock.picking", "button_cancel"),
                         {"draft": "Cancel", "done": "Reverse (Unvalidate)"})
        zh = self.buttons("jxc.stock.picking", "button_cancel", lang="zh_CN")
        self.assertNotEqual(zh["draft"], zh["done"], "反审核 of a validated document is not 取消 of a draft")

    def test_states_are_named_after_the_button_that_reaches_them(self):
        self.assertEqual(self.buttons("jxc.stock.count", "button_done"), {"counting": "Validate"})
        self.assertEqual(self.state_label("jxc.stock.count", "done"), "Validated")
        for model in ("jxc.purchase.order", "jxc.sale.order"):
            self.assertEqual(self.buttons(model, "button_done"), {"confirmed": "Lock"}, model)
            self.assertEqual(self.state_label(model, "done"), "Locked", model)
        # A request is done once purchase orders cover it, no button leads there.
        self.assertEqual(self.state_label("jxc.purchase.request", "done"), "Ordered")
        for lang in ("en_US", "zh_CN"):
            labels = [self.state_label(model, "done", lang) for model in ("jxc.purchase.order", "jxc.stock.picking")]
            self.assertNotEqual(labels[0], labels[1], "a locked order is not a validated stock document")

    def test_new_documents_are_titled_new_then_numbered(self):
        documents = {
            "jxc.sale.order": ({"partner_id": self.customer.id, "warehouse_id": self.wh_a.id}, "XS"),
            "jxc.purchase.order": ({"partner_id": self.supplier.id, "warehouse_id": self.wh_a.id}, "CG"),
            "jxc.purchase.request": ({}, "SQ"),
            "jxc.stock.picking": ({"picking_type": "receipt", "warehouse_id": self.wh_a.id}, "RK"),
            "jxc.stock.count": ({"warehouse_id": self.wh_a.id}, "PD"),
        }
        for model, (vals, prefix) in documents.items():
            for lang in ("en_US", "zh_CN"):
                # As the web client does: the form shows the defaults, saving sends them back.
                Model = self.env[model].with_context(lang=lang)
                defaults = Model.default_get(list(Model._fields))
                self.assertNotEqual(defaults["name"], "/", model)
                if lang == "en_US":
                    self.assertEqual(defaults["name"], "New", model)
                record = Model.create(dict(defaults, **vals))
                self.assertRegex(record.name, r"^%s\d{8}-\d{4}$" % prefix, (model, lang))

    def test_demo_reads_in_chinese(self):
        self.assertEqual(self.env.ref("base.user_root").name, "管理员")
        self.assertEqual(self.env.ref("product.product_category_all").complete_name, "全部")
        self.assertEqual(self.env.ref("jxc_addon.product_category_tops_demo").complete_name, "全部 / 服装 / 上装")
        groups = self.env["res.groups"].with_context(lang="zh_CN").search(
            [("category_id", "=", self.env.ref("jxc_addon.module_category_jxc").id)])
        self.assertEqual(len(groups), 6)
        for group in groups:
            self.assertFalse(re.search("[A-Za-z]", group.full_name), group.full_name)
