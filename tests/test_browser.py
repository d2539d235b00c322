"""The web client in a real browser (headless Chromium, 1440×900), each flow as the role whose job it is.

Every page visited is checked: styled (compiled LESS), no error dialog, no SEVERE console message.
The flows build on each other (quotation → delivery, purchase order → receipt), so they run in order.
Screenshots: .local/screenshots/.
"""
import os
import re
import subprocess

import pytest
from selenium.webdriver.common.by import By

from browser import Browser

M = "jxc_addon."
CUSTOMER = "北京华联服饰商贸有限公司"
SUPPLIER = "佛山南海纺织服装厂"
TSHIRT = "TX-001-WL"
SOCKS = "PS-301-B"

# What one flow leaves for the next (the order numbers).
FLOW = {}


@pytest.fixture(scope="module")
def browser(odoo_server, odoo_env, rpc):
    # wkhtmltopdf fetches the report's CSS from report.url: this test server's own address.
    rpc("ir.config_parameter", "set_param", "report.url", odoo_server["url"])
    session = Browser.for_tests(odoo_server, odoo_env)
    yield session
    session.quit()


@pytest.fixture(autouse=True)
def screenshot_on_failure(request, browser):
    yield
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        path = browser.screenshot("FAILED-" + request.node.name)
        dialogs = [m.text for m in browser.find_all(".modal")]
        print("screenshot: %s; open dialogs: %s" % (path, dialogs))


def _number(browser):
    return browser.field("name").text.strip()


# The lines table of the open form: its container's widths, and for each row the product cell as
# shown (an input while the row is edited): its text, and whether the product's code [TX-001-WL]
# sits on one line (read) or the whole name fits the input (edited).
LINES_LAYOUT = """
var field = document.querySelector(".o_form_view .o_field_widget[name='line_ids']");
var box = field.querySelector('.table-responsive') || field.querySelector('.o_list_view');
var headers = Array.prototype.map.call(field.querySelectorAll('thead th'), function (th) {
    return th.textContent.trim();
});
var column = headers.indexOf(arguments[0]);
var rows = column < 0 ? [] : Array.prototype.map.call(field.querySelectorAll('tbody tr.o_data_row'), function (row) {
    var cell = row.children[column];
    var input = cell.querySelector('input');
    if (input) {
        return {text: input.value, whole: input.scrollWidth <= input.clientWidth + 1};
    }
    var node = cell.firstChild;
    while (node && node.nodeType !== Node.TEXT_NODE) { node = node.nextSibling; }
    var text = node ? node.textContent : '', open = text.indexOf('['), close = text.indexOf(']');
    var whole = true;
    if (open >= 0 && close > open) {
        var range = document.createRange();
        range.setStart(node, open);
        range.setEnd(node, close + 1);
        whole = range.getClientRects().length === 1;
    }
    return {text: cell.textContent, whole: whole};
});
return {scrollWidth: box.scrollWidth, clientWidth: box.clientWidth, headers: headers, rows: rows};
"""


def _check_lines_fit(browser, code):
    """The lines table needs no horizontal scrollbar and shows the product readably: the line of
    `code` shows it whole (its code on one line; while edited, the whole name in the input)."""
    layout = browser.driver.execute_script(LINES_LAYOUT, "商品")
    assert "商品" in layout["headers"], layout["headers"]
    assert layout["scrollWidth"] <= layout["clientWidth"] + 1, (
        "the lines table overflows (%(scrollWidth)s > %(clientWidth)s px): %(headers)s" % layout)
    rows = [row for row in layout["rows"] if code in row["text"]]
    assert rows, "no line shows %s: %s" % (code, layout["rows"])
    assert all(row["whole"] for row in rows), "the product %s is cut or wrapped: %s" % (code, rows)
    return layout


def test_first_request_answers_200_with_styles(odoo_server):
    import urllib.request
    with urllib.request.urlopen(odoo_server["url"] + "/web/login") as response:
        assert response.status == 200
        html = response.read().decode()
    css = re.findall(r'href="(/web/content/[^"]+\.css)"', html)
    assert css, "the login page links no compiled stylesheet"
    styles = b""
    for href in css:
        with urllib.request.urlopen(odoo_server["url"] + href) as response:
            assert response.status == 200
            styles += response.read()
    # Without lessc, Odoo serves its error message in place of the compiled bundle.
    assert b"Could not execute command" not in styles and b"Error" not in styles[:2000]
    assert b".navbar-inverse" in styles and b".btn-primary" in styles


def test_salesman_creates_and_confirms_a_quotation(browser, rpc):
    browser.login("salesman")
    browser.menu(M + "jxc_menu_root", M + "jxc_sale_order_menu")
    browser.check_page("salesman-orders")
    browser.create()
    browser.set_many2one("partner_id", "北京华联", choose=CUSTOMER)
    for code, qty in ((TSHIRT, 5), (SOCKS, 3)):
        row = browser.add_line("line_ids")
        browser.set_many2one("product_id", code, scope=row)
        browser.set_input("product_qty", qty, scope=row)
    browser.check_page("salesman-quotation-edit")
    _check_lines_fit(browser, TSHIRT)
    browser.save()
    number = _number(browser)
    assert number.startswith("XS"), number
    browser.button("确认")
    browser.check_page("salesman-order-confirmed")
    _check_lines_fit(browser, TSHIRT)
    order = rpc("jxc.sale.order", "search_read", [("name", "=", number)],
                fields=["state", "amount_total", "user_id", "line_ids"])
    assert order and order[0]["state"] == "confirmed"
    assert order[0]["user_id"][1] and len(order[0]["line_ids"]) == 2
    assert order[0]["amount_total"] > 0
    FLOW["sale"] = number
    FLOW["sale_total"] = order[0]["amount_total"]


def test_keeper_finds_and_validates_the_delivery(browser, rpc):
    number = FLOW.get("sale")
    assert number, "the quotation flow did not run"
    browser.login("keeper")
    browser.menu(M + "jxc_menu_root", M + "jxc_stock_picking_menu_delivery")
    browser.search(number)
    browser.check_page("keeper-deliveries")
    browser.open_row(number)
    browser.button("审核")
    browser.check_page("keeper-delivery-done")
    _check_lines_fit(browser, TSHIRT)
    delivery = rpc("jxc.stock.picking", "search_read", [("origin", "=", number)], fields=["state", "user_id"])
    assert [d["state"] for d in delivery] == ["done"]
    assert delivery[0]["user_id"][1] != "Administrator"
    order = rpc("jxc.sale.order", "search_read", [("name", "=", number)], fields=["delivery_status"])
    assert order[0]["delivery_status"] == "full"


def test_purchaser_orders_at_the_supplier_price_and_receives(browser, rpc):
    browser.login("purchaser")
    browser.menu(M + "jxc_menu_root", M + "jxc_purchase_order_menu")
    browser.create()
    browser.set_many2one("partner_id", "佛山南海", choose=SUPPLIER)
    row = browser.add_line("line_ids")
    browser.set_many2one("product_id", TSHIRT, scope=row)
    browser.set_input("product_qty", 24, scope=row)
    price = row.find_element(By.CSS_SELECTOR, "[name='price_unit'] input, input[name='price_unit']")
    assert float(price.get_attribute("value").replace(",", "")) > 0, "the supplier price did not fill the line"
    browser.check_page("purchaser-order-edit")
    _check_lines_fit(browser, TSHIRT)
    browser.save()
    number = _number(browser)
    assert number.startswith("CG"), number
    browser.button("确认")
    browser.button("收货")
    browser.find(".o_form_view")
    browser.check_page("purchaser-receive")
    order = rpc("jxc.purchase.order", "search_read", [("name", "=", number)],
                fields=["state", "amount_untaxed"])
    assert order[0]["state"] == "confirmed" and order[0]["amount_untaxed"] > 0
    FLOW["purchase"] = number


def test_keeper_validates_the_receipt(browser, rpc):
    number = FLOW.get("purchase")
    assert number, "the purchase flow did not run"
    browser.login("keeper")
    browser.menu(M + "jxc_menu_root", M + "jxc_stock_picking_menu_receipt")
    browser.search(number)
    browser.open_row(number)
    browser.button("审核")
    browser.check_page("keeper-receipt-done")
    _check_lines_fit(browser, TSHIRT)
    lines = rpc("jxc.purchase.order.line", "search_read", [("order_id.name", "=", number)],
                fields=["qty_received"])
    assert lines and all(line["qty_received"] > 0 for line in lines)


@pytest.mark.parametrize("menu, view", [
    ("jxc_reorder_warning_menu", ".o_kanban_view"),
    ("jxc_stock_ledger_menu_report", ".o_list_view"),
    ("jxc_stock_quant_menu_valuation", ".o_pivot, .o_list_view"),
    ("jxc_purchase_order_line_menu_analysis", ".o_graph, .o_pivot, .o_list_view"),
    ("res_config_settings_menu_jxc", ".o_form_view, .o_setting_container, .settings"),
])
def test_manager_opens_the_boards_and_reports(browser, menu, view):
    if "manager" not in FLOW:
        browser.login("manager")
        FLOW["manager"] = True
    browser.menu(M + "jxc_menu_root", M + menu)
    browser.find(view)
    browser.check_page("manager-" + menu)


def test_manager_switches_purchase_prices_to_pivot_and_graph(browser):
    browser.login("manager")
    FLOW["manager"] = True
    browser.menu(M + "jxc_menu_root", M + "jxc_purchase_order_line_menu_analysis")
    browser.click(".o_cp_switch_buttons .o_cp_switch_pivot")
    browser.find(".o_pivot table")
    browser.check_page("manager-price-pivot")
    browser.click(".o_cp_switch_buttons .o_cp_switch_graph")
    browser.find(".o_graph svg, .o_graph canvas")
    browser.check_page("manager-price-graph")


def test_sales_order_prints_to_a_pdf(browser):
    number = FLOW.get("sale")
    assert number, "the quotation flow did not run"
    browser.login("salesman")
    browser.menu(M + "jxc_menu_root", M + "jxc_sale_order_menu")
    browser.search(number)
    browser.open_row(number)
    before = set(os.listdir(browser.download_dir))
    browser.click_text(".o_cp_sidebar .btn-group > .dropdown-toggle, .o_cp_sidebar button", "打印")
    browser.click(".o_cp_sidebar .dropdown-menu a[data-section='print'], .o_cp_sidebar .dropdown-menu li a")
    pdf = browser.downloaded(".pdf", before=before, timeout=120)
    browser.check_page("salesman-print")
    with open(pdf, "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    text = subprocess.run(["pdftotext", "-layout", pdf, "-"], stdout=subprocess.PIPE, check=True,
                          universal_newlines=True).stdout
    assert number in text
    # Chinese as printed (searchable, not look-alike radicals) and the company header.
    assert "销售订单" in text and "广州锦绣服装批发有限公司" in text, text[:2000]
    total = "{:,.2f}".format(FLOW["sale_total"])
    assert total in text, "total %s not in the PDF:\n%s" % (total, text[:2000])
    info = subprocess.run(["pdfinfo", pdf], stdout=subprocess.PIPE, check=True, universal_newlines=True).stdout
    assert "(A4)" in info, info


def test_limited_keeper_sees_only_his_warehouse_documents(browser, rpc):
    """The demo keeper works in 广州总仓 only: the other warehouse's documents are not in his lists."""
    stamp = "仓库权限 %s" % os.getpid()
    warehouses = {w["code"]: w["id"] for w in rpc("jxc.warehouse", "search_read", [("code", "in", ["GZ", "SH"])],
                                                  fields=["code"])}
    reason = rpc("jxc.stock.reason", "search", [("direction", "=", "in")], limit=1)[0]
    product = rpc("product.product", "search", [("default_code", "=", TSHIRT)])[0]
    unit = rpc("ir.model.data", "xmlid_to_res_id", "product.product_uom_unit")
    numbers = {}
    for code, warehouse in warehouses.items():
        picking = rpc("jxc.stock.picking", "create", {
            "picking_type": "other_in", "warehouse_id": warehouse, "reason_id": reason, "origin": stamp,
            "line_ids": [(0, 0, {"product_id": product, "uom_id": unit, "quantity": 1, "unit_cost": 18.5})]})
        numbers[code] = rpc("jxc.stock.picking", "read", [picking], ["name"])[0]["name"]
    browser.login("keeper")
    browser.menu(M + "jxc_menu_root", M + "jxc_stock_picking_menu_other_in")
    browser.search(stamp)
    browser.wait_text(".o_list_view tbody", re.escape(numbers["GZ"]))
    rows = [row.text for row in browser.find_all(".o_list_view tbody tr.o_data_row")]
    assert len(rows) == 1 and numbers["GZ"] in rows[0], rows
    assert not any(numbers["SH"] in row for row in rows), rows
    browser.check_page("keeper-own-warehouse")
    browser.open_row(numbers["GZ"])
    assert "广州总仓" in browser.field("warehouse_id").text
    browser.check_page("keeper-own-warehouse-document")
