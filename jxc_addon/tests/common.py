from odoo.tests.common import SavepointCase


def load_chart(env, company, template):
    """Load a chart of accounts on a company, as the accounting setup wizard does."""
    wizard = env["wizard.multi.charts.accounts"].create({
        "company_id": company.id,
        "chart_template_id": template.id,
        "code_digits": template.code_digits,
        "transfer_account_id": template.transfer_account_id.id,
        "currency_id": template.currency_id.id,
        "bank_account_code_prefix": template.bank_account_code_prefix,
        "cash_account_code_prefix": template.cash_account_code_prefix,
    })
    wizard.onchange_chart_template_id()
    wizard.execute()


class StockCase(SavepointCase):
    """Fixtures for stock tests: a fresh warehouse pair and products on the demo company's chart.

    Every test ends with the integrity checker: quants = ledger = books.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, lang="en_US", tracking_disable=True))
        cls.company = cls.env.ref("base.main_company")
        cls.company.jxc_cost_scope = "company"
        Warehouse = cls.env["jxc.warehouse"]
        cls.wh_a = Warehouse.create({"name": "Test WH A", "code": "TA"})
        cls.wh_b = Warehouse.create({"name": "Test WH B", "code": "TB"})
        cls.unit = cls.env.ref("product.product_uom_unit")
        cls.box = cls.env.ref("jxc_addon.product_uom_box12_demo")
        Product = cls.env["product.product"]
        cls.shirt = Product.create({"name": "Test Shirt", "type": "consu", "barcode": "6999000000011"})
        cls.jeans = Product.create({"name": "Test Jeans", "type": "consu", "barcode": "6999000000028"})
        cls.supplier = cls.env.ref("jxc_addon.res_partner_supplier_textile_demo")
        cls.customer = cls.env.ref("jxc_addon.res_partner_customer_beijing_demo")
        cls.account = {code: cls.company._jxc_find_account(code) for code in ("1405", "5401", "1901", "5601", "3001")}
        cls.account["grni"] = cls.company.jxc_grni_account_id

    @classmethod
    def make_user(cls, login, *groups):
        """An internal user in the given 进销存 groups (e.g. "group_jxc_salesman"); password = login."""
        return cls.env["res.users"].with_context(no_reset_password=True).create({
            "name": login, "login": login, "password": login, "email": login + "@example.com",
            "groups_id": [(6, 0, [cls.env.ref("base.group_user").id] + [cls.env.ref("jxc_addon." + g).id for g in groups])]})

    def pay(self, invoice, amount=None):
        """Pay an invoice or bill from the company's bank journal, as Register Payment does."""
        journal = self.env["account.journal"].search([("type", "=", "bank"), ("company_id", "=", invoice.company_id.id)],
                                                     limit=1)
        inbound = invoice.type in ("out_invoice", "in_refund")
        payment = self.env["account.payment"].create({
            "payment_type": "inbound" if inbound else "outbound",
            "partner_type": "customer" if invoice.type.startswith("out") else "supplier",
            "partner_id": invoice.commercial_partner_id.id, "amount": amount or invoice.residual,
            "journal_id": journal.id, "invoice_ids": [(6, 0, invoice.ids)],
            "payment_method_id": self.env.ref("account.account_payment_method_manual_in" if inbound
                                              else "account.account_payment_method_manual_out").id})
        payment.post()
        return payment

    def tearDown(self):
        issues = self.env["jxc.stock.check"].new({"company_id": self.company.id})._find_issues()
        self.assertEqual(issues, [], "integrity check after the scenario")
        super().tearDown()

    def picking(self, picking_type, lines, warehouse=None, validate=True, **vals):
        """lines: (product, qty[, unit_cost[, uom[, origin_line]]])"""
        line_vals = []
        for line in lines:
            product, qty = line[0], line[1]
            cost = line[2] if len(line) > 2 else 0.0
            uom = line[3] if len(line) > 3 and line[3] else product.uom_id
            origin = line[4] if len(line) > 4 else self.env["jxc.stock.picking.line"]
            line_vals.append((0, 0, {"product_id": product.id, "quantity": qty, "unit_cost": cost,
                                     "uom_id": uom.id, "origin_line_id": origin.id}))
        vals.setdefault("partner_id", self.supplier.id if picking_type in ("receipt", "supplier_return")
                        else self.customer.id if picking_type in ("delivery", "customer_return") else False)
        picking = self.env["jxc.stock.picking"].create(dict(
            vals, picking_type=picking_type, warehouse_id=(warehouse or self.wh_a).id, line_ids=line_vals))
        if validate:
            picking.button_done()
        return picking

    def quant(self, product, warehouse=None):
        return self.env["jxc.stock.quant"].search(
            [("product_id", "=", product.id), ("warehouse_id", "=", (warehouse or self.wh_a).id)])

    def assertQuant(self, product, qty, value, warehouse=None):
        quant = self.quant(product, warehouse)
        self.assertAlmostEqual(quant.quantity, qty, places=4)
        self.assertAlmostEqual(quant.value, value, places=2)
        self.assertAlmostEqual(quant.available_quantity, qty - quant.reserved_quantity, places=4)

    def move_lines(self, move):
        """{(account code, product, partner): balance} of an entry."""
        result = {}
        for line in move.line_ids:
            key = (line.account_id.code, line.product_id, line.partner_id)
            result[key] = round(result.get(key, 0.0) + line.debit - line.credit, 2)
        return result
