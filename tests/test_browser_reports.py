"""The stock reports (issue 13) in a real browser, as the accountant opens them from 进销存 › Reports:
each opens without an error dialog or console error, in its list, pivot and graph views."""

import pytest

from browser import Browser

M = "jxc_addon."


@pytest.fixture(scope="module")
def browser(odoo_server, odoo_env):
    session = Browser.for_tests(odoo_server, odoo_env, "reports")
    session.login("accountant")  # costs, the books and every report of the Reports menu
    yield session
    session.quit()


def open_report(browser, menu, first_view):
    """The report's menu opens its dialog (period, warehouses, categories); Show opens the rows."""
    browser.menu(M + "jxc_menu_root", M + menu)
    browser.find(".modal .o_form_view")
    browser.check_page(menu + "-dialog")
    browser.click(".modal-footer button[name='action_open']")
    browser.find(first_view)
    browser.idle()
    browser.check_page(menu)


@pytest.mark.parametrize("menu, first_view", [
    ("jxc_stock_report_wizard_menu_summary", ".o_list_view"),
    ("jxc_stock_report_wizard_menu_valuation", ".o_pivot table"),
    ("jxc_stock_report_wizard_menu_turnover", ".o_list_view"),
])
def test_report_opens_in_list_pivot_and_graph(browser, menu, first_view):
    open_report(browser, menu, first_view)
    assert browser.find_all(".o_list_view tbody tr.o_data_row, .o_pivot table td"), "the report shows rows"
    for switch, view in (("pivot", ".o_pivot table"), ("graph", ".o_graph svg, .o_graph canvas"),
                         ("list", ".o_list_view")):
        browser.click(".o_cp_switch_buttons .o_cp_switch_" + switch)
        browser.find(view)
        browser.idle()
        browser.check_page("%s-%s" % (menu, switch))


def test_reconciliation_with_the_books(browser):
    browser.menu(M + "jxc_menu_root", M + "jxc_stock_reconciliation_menu")
    browser.find(".o_form_view")
    browser.click(".o_form_view .o_jxc_reconcile")
    browser.find(".o_form_view .o_field_widget[name='stock_ledger_value']")
    browser.idle()
    browser.check_page("reconciliation")
    assert "0.00" in browser.text(".o_form_view .o_field_widget[name='stock_difference']")


@pytest.mark.parametrize("menu", ["jxc_reorder_warning_menu_slow", "product_product_menu_jxc_abc"])
def test_slow_movers_and_abc_lists(browser, menu):
    browser.menu(M + "jxc_menu_root", M + menu)
    browser.find(".o_list_view, .oe_view_nocontent")  # the demo has no slow-moving stock yet
    browser.idle()
    browser.check_page(menu)
