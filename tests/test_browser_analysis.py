"""The dashboard and the analyses in the real web client (headless Chromium, see browser.py): the
manager's and the salesman's landing dashboard, each figure opening its list."""
import re

import pytest

from browser import Browser

M = "jxc_addon."
CUSTOMER = "北京华联服饰商贸有限公司"
TSHIRT = "TX-001-WL"


@pytest.fixture(scope="module")
def browser(odoo_server, odoo_env):
    session = Browser.for_tests(odoo_server, odoo_env, "analysis")
    yield session
    session.quit()


@pytest.fixture(scope="module")
def sale_today(rpc):
    """A confirmed order of today by the demo salesman: 3 T-shirts at 100.00."""
    product = rpc("product.product", "search_read", [("default_code", "=", TSHIRT)], ["uom_id", "name"])[0]
    customer = rpc("res.partner", "search", [("name", "=", CUSTOMER)])[0]
    salesman = rpc("res.users", "search", [("login", "=", "salesman")])[0]
    warehouse = rpc("jxc.warehouse", "search", [("company_id", "=", 1)], limit=1)[0]
    order = rpc("jxc.sale.order", "create", {
        "partner_id": customer, "user_id": salesman, "warehouse_id": warehouse,
        "line_ids": [(0, 0, {"product_id": product["id"], "uom_id": product["uom_id"][0], "product_qty": 3,
                             "price_unit": 100.0})]})
    rpc("jxc.sale.order", "button_confirm_backorder", [order])
    yield product
    rpc("jxc.sale.order", "button_cancel", [order])


def shown_model(browser):
    browser.wait(lambda: re.search(r"[#&]model=([\w.]+)", browser.driver.current_url), "a model in the URL")
    return re.search(r"[#&]model=([\w.]+)", browser.driver.current_url).group(1)


def shown_view(browser):
    browser.wait(lambda: re.search(r"[#&]view_type=(\w+)", browser.driver.current_url), "a view type in the URL")
    return re.search(r"[#&]view_type=(\w+)", browser.driver.current_url).group(1)


def back_to_dashboard(browser):
    browser.click(".breadcrumb li:first-child a")
    browser.find(".o_jxc_dashboard .o_jxc_dashboard_card")
    browser.idle()
    assert shown_model(browser) == "jxc.dashboard"


def open_figure(browser, css, model, view):
    browser.click(css)
    browser.wait(lambda: "model=" + model in browser.driver.current_url, "the list of %s" % model)
    browser.find(".o_view_manager_content, .o_content")
    browser.idle()
    assert shown_view(browser) == view


def test_manager_dashboard(browser, sale_today):
    browser.login("manager")
    browser.find(".o_jxc_dashboard .o_jxc_dashboard_card")
    browser.idle()
    assert shown_model(browser) == "jxc.dashboard", "the manager lands on the dashboard"
    # sales today and this month, margin, stock value, overdue receivables; the trend as a bar chart
    assert len(browser.find_all(".o_jxc_kpi")) == 5
    browser.find(".o_jxc_trend .o_dashboard_graph svg .nv-bar")
    assert sale_today["name"] in browser.text(".o_jxc_top_products")
    browser.check_page("dashboard-manager")

    open_figure(browser, ".o_jxc_kpi:first-child a", "jxc.sale.report", "list")
    assert sale_today["name"] in browser.text(".o_list_view")
    browser.check_page("dashboard-sales-today")
    back_to_dashboard(browser)

    link = [a for a in browser.find_all(".o_jxc_top_products a") if sale_today["name"] in a.text][0]
    browser.click(link)
    browser.wait(lambda: "model=jxc.sale.report" in browser.driver.current_url, "the top product's sales")
    browser.find(".o_list_view")
    browser.idle()
    rows = browser.find_all(".o_list_view tbody tr.o_data_row")
    assert rows and all(sale_today["name"] in row.text for row in rows)
    browser.check_page("dashboard-top-product")
    back_to_dashboard(browser)

    open_figure(browser, ".o_jxc_warnings tr:first-child td:first-child a", "jxc.reorder.warning", "list")
    browser.check_page("dashboard-warnings")
    back_to_dashboard(browser)

    open_figure(browser, ".o_jxc_trend h4 a", "jxc.sale.report", "graph")
    browser.find(".o_graph svg, .o_graph canvas")
    browser.check_page("dashboard-trend")


def test_salesman_dashboard_has_no_margin(browser, sale_today):
    browser.login("salesman")
    browser.find(".o_jxc_dashboard .o_jxc_dashboard_card")
    browser.idle()
    assert shown_model(browser) == "jxc.dashboard", "the salesman lands on his dashboard"
    # sales today and this month, overdue receivables: no margin, no stock value
    assert len(browser.find_all(".o_jxc_kpi")) == 3
    assert sale_today["name"] in browser.text(".o_jxc_top_products")
    browser.check_page("dashboard-salesman")
    open_figure(browser, ".o_jxc_kpi:nth-child(2) a", "jxc.sale.report", "list")
    assert "Margin" not in browser.text(".o_list_view thead") and "毛利" not in browser.text(".o_list_view thead")
    browser.check_page("dashboard-salesman-month")
