"""The printed quotation / sales order: a real PDF from wkhtmltopdf, read back with poppler."""
import re
import subprocess
import tempfile
from unittest.mock import patch

from odoo.tools import config

from .test_sale import SaleCase


def poppler(pdf, *command):
    """Output of a poppler command (pdfinfo, pdftotext...) on PDF bytes, named "PDF" in the command."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        return subprocess.check_output([handle.name if arg == "PDF" else arg for arg in command]).decode("utf-8")


def pdf_text(pdf):
    """The text of the PDF laid out as printed, exactly as a user copying it gets it (the no-break
    space of amounts read as a space)."""
    return poppler(pdf, "pdftotext", "-layout", "-enc", "UTF-8", "PDF", "-").replace("\xa0", " ")


class TestSaleOrderReport(SaleCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Product = cls.env["product.product"]
        cls.silk = Product.create({"name": "真丝衬衫", "type": "consu"})
        cls.denim = Product.create({"name": "牛仔裤", "type": "consu"})
        cls.vat13 = cls.env["account.tax"].create({
            "name": "销项税13%", "amount": 13.0, "amount_type": "percent", "type_tax_use": "sale"})
        cls.report = cls.env.ref("jxc_addon.jxc_sale_order_report")
        # As l10n_us leaves it: the company's own paper is US Letter.
        cls.company.paperformat_id = cls.env.ref("base.paperformat_us")
        # No server in tests: wkhtmltopdf finds nothing at the report URL (the stylesheets are
        # missing), the document must still be complete and its Chinese printed.
        cls.env["ir.config_parameter"].set_param("report.url", "http://127.0.0.1:9")

    def quotation(self):
        order = self.env["jxc.sale.order"].create({
            "partner_id": self.customer.id, "warehouse_id": self.wh_a.id,
            "note": "请于下单后三日内付款",
            "line_ids": [
                (0, 0, {"product_id": self.silk.id, "uom_id": self.unit.id, "product_qty": 12,
                        "price_unit": 39.0, "tax_ids": [(6, 0, self.vat13.ids)]}),
                (0, 0, {"product_id": self.denim.id, "uom_id": self.unit.id, "product_qty": 5,
                        "price_unit": 120.0, "discount": 10.0, "tax_ids": [(6, 0, self.vat13.ids)]}),
            ]})
        self.assertEqual((order.amount_untaxed, order.amount_tax, order.amount_total), (1008.0, 131.04, 1139.04))
        return order

    def print_pdf(self, orders):
        """What Print gives: render_qweb_pdf falls back to HTML in test mode unless a report
        directory is set, so set one and let it run wkhtmltopdf as it does for a user."""
        with tempfile.TemporaryDirectory() as directory, \
                patch.dict(config.options, {"test_report_directory": directory}):
            pdf, report_format = self.report.render_qweb_pdf(orders.ids)
        self.assertEqual(report_format, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        return pdf

    def test_quotation_pdf(self):
        order = self.quotation()
        pdf = self.print_pdf(order)
        text = pdf_text(pdf)
        self.assertIn("报价单", text)  # the customer reads Chinese
        self.assertIn(order.name, text)
        self.assertIn("北京华联服饰商贸有限公司", text)  # the customer
        # company header (name, logo) and footer (phone)
        self.assertIn("广州锦绣服装批发有限公司", text)
        self.assertIn("+86 20 8333 6688", text)
        self.assertIn("[TA] Test WH A", text)  # ship from
        self.assertIn("请于下单后三日内付款", text)  # notes
        # quantity, unit price, discount and amount each in their own column, amounts in yuan
        self.assertRegex(text, r"真丝衬衫\s+12\.000\s+\S+\s+39\.00\s+0\.00\s+¥ 468\.00")
        self.assertRegex(text, r"牛仔裤\s+5\.000\s+\S+\s+120\.00\s+10\.00\s+¥ 540\.00")
        self.assertRegex(text, re.compile(r"不含税金额\s+¥ 1,008\.00\s.*?税\s+¥ 131\.04\s.*?合计\s+¥ 1,139\.04", re.S))
        self.assertRegex(poppler(pdf, "pdfimages", "-list", "PDF"), re.compile(r"^\s*1\s+\d+\s+image\s+480\s+128\s", re.M),
                         "the company's logo in the header")
        # A4 although the company prints on US Letter
        self.assertRegex(poppler(pdf, "pdfinfo", "PDF"), r"Page size:\s+595(\.\d+)? x 84[12](\.\d+)? pts \(A4\)")
        self.assertIn("WenQuanYiZenHei", poppler(pdf, "pdffonts", "PDF"))

    def test_order_discount_and_rounding_printed(self):
        """整单折扣 and 抹零 are printed above the totals; the lines' amounts are already net."""
        order = self.quotation()
        order.total_rounding = "yuan"
        self.assertEqual((order.amount_before_discount, order.amount_order_discount, order.amount_total),
                         (1139.04, 0.04, 1139.0))
        text = pdf_text(self.print_pdf(order))
        self.assertRegex(text, re.compile(r"折前合计\s+¥ 1,139\.04\s.*?整单折扣/抹零\s+-¥ 0\.04\s.*?合计\s+¥ 1,139\.00",
                                          re.S))

    def test_order_and_quotation_printed_together(self):
        self.picking("receipt", [(self.silk, 20, 20.0), (self.denim, 10, 60.0)])
        order = self.quotation()
        order.button_confirm()
        quotation = self.quotation()
        text = pdf_text(self.print_pdf(order | quotation))
        pages = text.split("\f")
        self.assertEqual(len([page for page in pages if page.strip()]), 2)
        self.assertIn("销售订单", pages[0])
        self.assertIn(order.name, pages[0])
        self.assertIn("报价单", pages[1])
        self.assertIn(quotation.name, pages[1])
        for page in pages[:2]:
            self.assertIn("广州锦绣服装批发有限公司", page)  # each document has the company header

    def test_total_in_capitals_and_customer_language(self):
        order = self.quotation()
        html = self.report.render_qweb_html(order.ids)[0].decode()
        self.assertIn("壹仟壹佰叁拾玖元零肆分", html)
        self.env.ref("base.lang_en").active = True
        self.customer.lang = "en_US"
        html = self.report.render_qweb_html(order.ids)[0].decode()
        self.assertIn("Quotation", html)
        self.assertNotIn("报价单", html)

    def test_report_styles_compile(self):
        """Odoo's report bundle links website.snippets.less, from a module the installed Odoo does not
        ship: the bundle failed and every report was printed unstyled, with an alert."""
        html = self.report.render_qweb_html(self.quotation().ids)[0].decode()
        self.assertNotIn("website.snippets.less", html)
        self.assertRegex(html, r'<link[^>]+href="/web/content/[^"]+/web\.report_assets_common\.0\.css"')
