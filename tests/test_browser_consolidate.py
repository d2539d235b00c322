"""月结 in a real browser (issue 15), as the accountant does it: the month's bill of a supplier from
进销存 › 采购 › Consolidated Bills, the month's invoice of a customer from 销售 › Consolidated Invoices;
each made from the dialog, opened from the list it lands on and validated. The goods were received
(delivered) 40 days ago: always before the end of last month, the dialog's default end date."""
import datetime
import time

import pytest
from selenium.webdriver.common.keys import Keys

from browser import Browser

M = "jxc_addon."
TSHIRT = "TX-001-WL"


@pytest.fixture(scope="module")
def browser(odoo_server, odoo_env):
    session = Browser.for_tests(odoo_server, odoo_env, "consolidate")
    session.login("accountant")
    yield session
    session.quit()


def done_order(rpc, kind, partner_name):
    """An order of a new partner, 10 T-shirts at 30.00 (above the minimum sale price) with the product's
    taxes, received (delivered) 40 days ago; (partner id, order name, stock document id)."""
    day = str(datetime.date.today() - datetime.timedelta(days=40))
    customer = kind == "customer"
    partner = rpc("res.partner", "create", {"name": partner_name, "is_company": True,
                                            "customer": customer, "supplier": not customer})
    product = rpc("product.product", "search_read", [("default_code", "=", TSHIRT)],
                  fields=["uom_id", "taxes_id", "supplier_taxes_id"])[0]
    warehouse = rpc("jxc.warehouse", "search", [("code", "=", "GZ")])[0]
    model = "jxc.sale.order" if customer else "jxc.purchase.order"
    order = rpc(model, "create", {
        "partner_id": partner, "warehouse_id": warehouse, "date_order": day,
        "line_ids": [(0, 0, {"product_id": product["id"], "uom_id": product["uom_id"][0], "product_qty": 10,
                             "price_unit": 30.0,
                             "tax_ids": [(6, 0, product["taxes_id" if customer else "supplier_taxes_id"])]})]})
    rpc(model, "button_confirm", [order])
    picking = rpc(model, "action_deliver" if customer else "action_receive", [order])["res_id"]
    rpc("jxc.stock.picking", "write", [picking], {"date": day})
    rpc("jxc.stock.picking", "button_done", [picking])
    name = rpc(model, "read", [order], ["name"])[0]["name"]
    return partner, name, picking


@pytest.mark.parametrize("kind, menu", [
    ("supplier", "jxc_invoice_consolidate_menu_supplier"),
    ("customer", "jxc_invoice_consolidate_menu_customer"),
])
def test_accountant_invoices_the_month_and_validates(browser, rpc, kind, menu):
    partner_name = "浏览器月结%s %d" % ("供应商" if kind == "supplier" else "客户", time.time())
    partner, order_name, picking = done_order(rpc, kind, partner_name)

    browser.menu(M + "jxc_menu_root", M + menu)
    browser.find(".modal .o_form_view")
    # an empty start date: everything received (delivered) up to the end date and not invoiced yet
    start = browser.find(".modal .o_field_widget[name='date_from'] input, .modal input[name='date_from']")
    start.click()
    start.send_keys(Keys.CONTROL, "a")
    start.send_keys(Keys.BACK_SPACE)
    start.send_keys(Keys.TAB)
    browser.set_many2one("partner_ids", partner_name, scope=browser.find(".modal"))
    browser.check_page(menu + "-dialog")
    browser.click(".modal-footer button[name='action_create_invoices']")

    browser.find(".o_list_view tbody tr.o_data_row")
    browser.idle()
    browser.check_page(menu + "-invoices")
    rows = browser.find_all(".o_list_view tbody tr.o_data_row")
    assert len(rows) == 1 and partner_name in rows[0].text, [row.text for row in rows]
    browser.open_row(partner_name)
    browser.check_page(menu + "-draft")
    invoice = rpc("account.invoice", "search_read", [("partner_id", "=", partner)],
                  fields=["type", "state", "amount_untaxed", "origin", "invoice_line_ids"])
    assert len(invoice) == 1, invoice
    invoice = invoice[0]
    assert (invoice["type"], invoice["state"], invoice["amount_untaxed"]) == (
        "in_invoice" if kind == "supplier" else "out_invoice", "draft", 300.0), invoice
    assert order_name in invoice["origin"] and len(invoice["invoice_line_ids"]) == 1, invoice

    browser.button("审核")  # Validate
    browser.wait(lambda: rpc("account.invoice", "read", [invoice["id"]], ["state"])[0]["state"] == "open",
                 "the invoice to be validated")
    browser.idle()
    browser.check_page(menu + "-open")
    if kind == "supplier":
        # the bill's GRNI line is matched with the receipt's
        company = rpc("res.users", "read", [rpc("res.users", "search", [("login", "=", "accountant")])[0]],
                      ["company_id"])[0]["company_id"][0]
        grni = rpc("res.company", "read", [company], ["jxc_grni_account_id"])[0]["jxc_grni_account_id"][0]
        moves = [rpc("jxc.stock.picking", "read", [picking], ["move_id"])[0]["move_id"][0],
                 rpc("account.invoice", "read", [invoice["id"]], ["move_id"])[0]["move_id"][0]]
        lines = rpc("account.move.line", "search_read", [("move_id", "in", moves), ("account_id", "=", grni)],
                    fields=["balance", "reconciled"])
        assert sorted(line["balance"] for line in lines) == [-300.0, 300.0], lines
        assert all(line["reconciled"] for line in lines), lines
