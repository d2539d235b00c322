"""Printed documents as the people who print them get them: real PDFs from wkhtmltopdf read back with
poppler, each holding its number, its lines and its total; and the emails that carry them."""
import base64
import re
import tempfile
from unittest.mock import patch

from odoo.tools import config

from . import test_report
from .test_analysis_aging import AgingCase
from .test_sale import SaleCase

# Labels printed in English until the lead merges their translations, in Chinese after.
RECEIVER_SIGNATURE = r"(Receiver's signature:|收货人签字)"


class PrintCase(SaleCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.purchaser = cls.make_user("t_print_purchaser", "group_jxc_purchaser")
        cls.accountant = cls.make_user("t_print_accountant", "group_jxc_accountant")
        cls.supplier.email = "textile@example.com"
        # No server in tests: wkhtmltopdf finds nothing at the report URL.
        cls.env["ir.config_parameter"].set_param("report.url", "http://127.0.0.1:9")

    def print_pdf(self, xmlid, records, user):
        """The PDF `user` gets from Print (render_qweb_pdf gives HTML in tests unless a report
        directory is set), and its text as laid out."""
        report = self.env.ref(xmlid).sudo(user)
        with tempfile.TemporaryDirectory() as directory, \
                patch.dict(config.options, {"test_report_directory": directory}):
            pdf, report_format = report.render_qweb_pdf(records.ids)
        self.assertEqual(report_format, "pdf")
        self.assertRegex(test_report.poppler(pdf, "pdfinfo", "PDF"),
                         r"Page size:\s+595(\.\d+)? x 84[12](\.\d+)? pts \(A4\)")
        self.assertIn("WenQuanYiZenHei", test_report.poppler(pdf, "pdffonts", "PDF"))
        text = test_report.pdf_text(pdf)
        self.assertIn("广州锦绣服装批发有限公司", text, "the company header")
        return text

    def send_by_email(self, action, user):
        """Send the email the action's composer prepares from its template; the mail stays queued
        (no outgoing server in tests). Returns the queued mail.mail."""
        composer = self.env["mail.compose.message"].sudo(user).with_context(action["context"]).create({})
        with tempfile.TemporaryDirectory() as directory, \
                patch.dict(config.options, {"test_report_directory": directory}):
            composer.onchange_template_id_wrapper()
        composer.with_context(mail_notify_force_send=False).send_mail()
        return self.env["mail.mail"].search([("model", "=", action["context"]["default_model"]),
                                             ("res_id", "=", action["context"]["default_res_id"])])


class TestStockAndPurchasePrints(PrintCase):

    def purchase_order(self):
        order = self.env["jxc.purchase.order"].sudo(self.purchaser).create({
            "partner_id": self.supplier.id, "warehouse_id": self.wh_a.id, "date_expected": "2026-12-20",
            "note": "请按约定日期送货",
            "line_ids": [(0, 0, {"product_id": self.shirt.id, "uom_id": self.unit.id, "product_qty": 120,
                                 "price_unit": 18.5}),
                         (0, 0, {"product_id": self.jeans.id, "uom_id": self.box.id, "product_qty": 2,
                                 "price_unit": 960.0})]})
        order.button_confirm()
        return order

    def test_purchase_order_pdf(self):
        order = self.purchase_order()
        self.assertEqual(order.sudo().amount_total, 4140.0)
        text = self.print_pdf("jxc_addon.jxc_purchase_order_report", order, self.purchaser)
        self.assertIn(order.name, text)
        self.assertIn("佛山南海纺织服装厂", text)  # the supplier
        self.assertIn("[TA] Test WH A", text)    # where to deliver
        self.assertIn("请按约定日期送货", text)
        self.assertRegex(text, r"Test Shirt\s+120\.000\s+\S+\s+18\.50\s+¥ 2,220\.00")
        self.assertRegex(text, r"Test Jeans\s+2\.000\s+\S+\s+960\.00\s+¥ 1,920\.00")
        self.assertRegex(text, r"¥ 4,140\.00")
        self.assertIn("肆仟壹佰肆拾元整", text)  # the total in capitals

    def test_purchase_order_sent_to_the_supplier_with_its_pdf(self):
        order = self.purchase_order()
        action = order.sudo(self.purchaser).action_send_email()
        self.assertEqual(action["context"]["default_template_id"],
                         self.env.ref("jxc_addon.mail_template_jxc_purchase_order").id)
        mail = self.send_by_email(action, self.purchaser)
        self.assertEqual(len(mail), 1)
        self.assertEqual((mail.state, mail.recipient_ids), ("outgoing", self.supplier))
        self.assertIn(order.name, mail.subject)
        self.assertEqual(mail.attachment_ids.mapped("name"), ["%s.pdf" % order.name])
        pdf = base64.b64decode(mail.attachment_ids.datas)
        self.assertTrue(pdf.startswith(b"%PDF"))
        self.assertIn(order.name, test_report.pdf_text(pdf))
        self.assertIn(mail.mail_message_id, order.message_ids, "logged in the order's chatter")

    def test_goods_receipt_note(self):
        order = self.purchase_order()
        receipt = self.env["jxc.stock.picking"].browse(order.action_receive()["res_id"])
        receipt.line_ids.filtered(lambda l: l.product_id == self.shirt).write({"quantity": 115, "rejected_qty": 5})
        receipt.sudo(self.keeper).button_done()
        text = self.print_pdf("jxc_addon.jxc_stock_picking_report", receipt, self.keeper)
        self.assertIn(receipt.name, text)
        self.assertIn(order.name, text)  # source document
        self.assertIn("佛山南海纺织服装厂", text)
        # quantity, unit, rejected, unit cost and value (the keeper sees costs); total 117, 5 rejected, 4,047.50
        self.assertRegex(text, r"Test Shirt\s+115\.000\s+\S+\s+5\.000\s+18\.50\s+¥ 2,127\.50")
        self.assertRegex(text, r"Test Jeans\s+2\.000\s+\S+\s+0\.000\s+960\.00\s+¥ 1,920\.00")
        self.assertRegex(text, r"117\.000\s+5\.000\s+¥ 4,047\.50")

    def test_delivery_note_with_the_receivers_signature(self):
        self.picking("receipt", [(self.shirt, 30, 5.0), (self.jeans, 10, 20.0)])
        order = self.order([(self.shirt, 12, 39.0, 0.0), (self.jeans, 5, 120.0, 0.0)])
        delivery = self.deliver(order)
        delivery.write({"carrier": "顺丰速运", "tracking_ref": "SF1234567890"})
        text = self.print_pdf("jxc_addon.jxc_stock_picking_report", delivery, self.keeper)
        self.assertIn(delivery.name, text)
        self.assertIn(order.name, text)
        self.assertIn("北京华联服饰商贸有限公司", text)
        self.assertIn("朝阳区建国路88号", text)  # where the goods go
        self.assertIn("SF1234567890", text)
        self.assertRegex(text, r"Test Shirt\s+12\.000\s+\S+\s*\n")
        self.assertRegex(text, r"Test Jeans\s+5\.000\s+\S+\s*\n")
        self.assertRegex(text, r"\s17\.000\s")  # total quantity
        self.assertNotIn("¥", text, "no cost on a delivery note")
        self.assertRegex(text, RECEIVER_SIGNATURE)

    def test_transfer_note(self):
        self.picking("receipt", [(self.shirt, 30, 5.0)])
        transfer = self.picking("transfer", [(self.shirt, 8), (self.shirt, 4, 0.0, self.box)],
                                dest_warehouse_id=self.wh_b.id, validate=False)
        text = self.print_pdf("jxc_addon.jxc_stock_picking_report", transfer, self.keeper)
        self.assertIn(transfer.name, text)
        self.assertIn("[TA] Test WH A", text)
        self.assertIn("[TB] Test WH B", text)
        self.assertRegex(text, r"Test Shirt\s+8\.000\s")
        self.assertRegex(text, r"Test Shirt\s+4\.000\s")
        self.assertRegex(text, r"\s12\.000\s")  # total

    def test_stocktaking_sheet_has_an_empty_counted_column(self):
        self.picking("receipt", [(self.shirt, 12, 5.0), (self.jeans, 3.5, 20.0)])
        count = self.env["jxc.stock.count"].create({"warehouse_id": self.wh_a.id})
        for state in ("draft", "counting"):
            if state == "counting":
                count.button_start()
            text = self.print_pdf("jxc_addon.jxc_stock_count_report", count, self.keeper)
            self.assertIn(count.name, text, state)
            # system quantity, then nothing: the counters write the counted quantity by hand
            self.assertRegex(text, re.compile(r"Test Shirt\s+6999000000011\s+\S+\s+12\.000[ \t]*$", re.M), state)
            self.assertRegex(text, re.compile(r"Test Jeans\s+6999000000028\s+\S+\s+3\.500[ \t]*$", re.M), state)
            self.assertRegex(text, r"2\D+15\.500", state)  # 2 products, 15.5 in all
        self.assertEqual({line.product_id: line.counted_qty for line in count.line_ids},
                         {self.shirt: 12.0, self.jeans: 3.5}, "the paper changes nothing")


class TestStatementPrint(AgingCase):

    def setUp(self):
        super().setUp()
        self.make_books()
        self.env["ir.config_parameter"].set_param("report.url", "http://127.0.0.1:9")
        self.statement = self.env["jxc.partner.statement"].sudo(self.accountant).create({
            "partner_id": self.debtor.id, "date_from": self.day(-90), "date_to": self.day(0)})

    def test_statement_pdf(self):
        text = PrintCase.print_pdf(self, "jxc_addon.jxc_partner_statement_report", self.statement, self.accountant)
        self.assertIn(self.statement.name, text)
        self.assertIn("账龄客户", text)
        for invoice in (self.inv1, self.inv2, self.inv3, self.refund):
            self.assertIn(invoice.number, text)
        # charged and balance of each line; dates as the customer's language writes them
        self.assertRegex(text, r"%s\s+\S+\s+¥ 500\.00\s+¥ 1,100\.00" % re.escape(self.inv2.number))
        self.assertRegex(text, r"%s\s+¥ 80\.00\s+¥ 1,970\.00" % re.escape(self.refund.number))
        self.assertRegex(text, r"¥ 300\.00")          # opening balance
        self.assertRegex(text, r"¥ 1,800\.00")        # invoiced in the period
        self.assertRegex(text, r"¥ 1,940\.00")        # closing balance

    def test_statement_sent_by_email_with_its_pdf(self):
        action = self.statement.sudo(self.accountant).action_send_email()
        mail = PrintCase.send_by_email(self, action, self.accountant)
        self.assertEqual(len(mail), 1)
        self.assertEqual((mail.state, mail.recipient_ids), ("outgoing", self.debtor))
        self.assertIn(self.statement.name, mail.subject)
        self.assertIn("1,940.00", mail.body_html)
        self.assertEqual(mail.attachment_ids.mapped("name"), ["%s.pdf" % self.statement.name])
        pdf = base64.b64decode(mail.attachment_ids.datas)
        self.assertTrue(pdf.startswith(b"%PDF"))
        self.assertIn(self.statement.name, test_report.pdf_text(pdf))
        self.assertTrue(self.statement.sent)
