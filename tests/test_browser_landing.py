"""Where each demo role lands in the real web client: after login and when it clicks the 进销存 top menu.

Headless Chromium (see browser.py); the web client writes the model it shows into the URL.
"""
import re

import pytest

from browser import Browser

M = "jxc_addon."


@pytest.fixture(scope="module")
def browser(odoo_server, odoo_env):
    session = Browser.for_tests(odoo_server, odoo_env, "landing")
    yield session
    session.quit()


def shown_model(browser):
    browser.wait(lambda: re.search(r"[#&]model=([\w.]+)", browser.driver.current_url), "a model in the URL")
    return re.search(r"[#&]model=([\w.]+)", browser.driver.current_url).group(1)


@pytest.mark.parametrize("login, model", [
    ("salesman", "jxc.dashboard"),
    ("purchaser", "jxc.purchase.order"),
    ("keeper", "jxc.stock.picking"),
    ("accountant", "jxc.sale.order"),
    ("manager", "jxc.dashboard"),
])
def test_role_lands_on_its_work_not_in_discuss(browser, login, model):
    browser.login(login)
    browser.find(".o_view_manager_content, .o_content")
    browser.idle()
    assert shown_model(browser) == model, "after login"
    browser.check_page("landing-" + login)
    # Elsewhere (Discuss), then the 进销存 top menu: the same work again.
    browser.menu("mail.mail_channel_menu_root_chat")
    assert "model=" + model not in browser.driver.current_url
    browser.menu(M + "jxc_menu_root")
    assert shown_model(browser) == model, "from the top menu"
    browser.check_page("landing-menu-" + login)
