"""A real browser on the Odoo web client: Debian's chromium, driven by selenium.

Every page a test visits is checked the way a person would notice trouble: the page is styled
(the navbar has its dark background, which only the compiled LESS gives it), no error dialog is
open, and the browser console holds no SEVERE message. Screenshots go to .local/screenshots.
"""
import os
import re
import shutil
import time

from selenium import webdriver
from selenium.common.exceptions import (
    ElementClickInterceptedException, NoSuchElementException, StaleElementReferenceException,
    WebDriverException)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

CHROMIUM = os.environ.get("JXC_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("JXC_CHROMEDRIVER", "/usr/bin/chromedriver")
TIMEOUT = 60
# Odoo 11's navbar (.navbar-inverse) is #222 once its LESS is compiled; unstyled it is transparent.
STYLED_NAVBAR = "rgb(34, 34, 34)"
# Chromium's own complaints that are no defect of the page.
IGNORED_CONSOLE = (
    "favicon.ico",
)


# Counts the requests in flight, but for the bus's long-polling, which never ends: the web client
# is idle when the count is back at 0.
PENDING_REQUESTS = """
window.__jxcPending = 0;
(function () {
    var open = XMLHttpRequest.prototype.open, send = XMLHttpRequest.prototype.send;
    XMLHttpRequest.prototype.open = function (method, url) {
        this.__jxcCounted = String(url).indexOf('longpolling') < 0;
        return open.apply(this, arguments);
    };
    XMLHttpRequest.prototype.send = function () {
        if (this.__jxcCounted) {
            window.__jxcPending++;
            this.addEventListener('loadend', function () { window.__jxcPending--; });
        }
        return send.apply(this, arguments);
    };
})();
"""


class BrowserError(AssertionError):
    pass


def chromium_options(download_dir):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1440,900", "--lang=zh-CN"):
        options.add_argument(arg)
    options.add_experimental_option("prefs", {
        "download.default_directory": download_dir,
        "download.prompt_for_download": False,
        "plugins.always_open_pdf_externally": True,
    })
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return options


class Browser:
    def __init__(self, url, screenshot_dir, download_dir):
        for path in (CHROMIUM, CHROMEDRIVER):
            if not os.access(path, os.X_OK):
                raise RuntimeError("%s not found: the browser tests need Debian's chromium and "
                                   "chromium-driver (tools/dev.sh installs them)" % path)
        self.url = url.rstrip("/")
        self.screenshot_dir = screenshot_dir
        self.download_dir = download_dir
        os.makedirs(screenshot_dir, exist_ok=True)
        os.makedirs(download_dir, exist_ok=True)
        self.driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=chromium_options(download_dir))
        self.driver.set_window_size(1440, 900)
        self.driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": download_dir})
        self.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": PENDING_REQUESTS})
        self.console = []
        self.shots = 0

    @classmethod
    def for_tests(cls, odoo_server, odoo_env, name=""):
        """A browser on the test server whose screenshots and downloads (.local/screenshots/<name>,
        .local/downloads/<name>) start empty."""
        folders = [os.path.join(odoo_env["state"], kind, name) for kind in ("screenshots", "downloads")]
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)
        return cls(odoo_server["url"], *folders)

    def quit(self):
        self.driver.quit()

    # ------------------------------------------------------------------ waiting
    def wait(self, predicate, what, timeout=TIMEOUT):
        deadline = time.time() + timeout
        last_exc = None
        while time.time() < deadline:
            try:
                result = predicate()
                if result:
                    return result
            except (NoSuchElementException, StaleElementReferenceException, WebDriverException) as exc:
                last_exc = exc
            time.sleep(0.2)
        self.screenshot("timeout")
        raise BrowserError("timed out waiting for %s (%s)" % (what, last_exc or "no match"))

    def idle(self):
        """No RPC running and no blocking overlay: the web client has finished what it was asked."""
        def settled():
            return self.driver.execute_script(
                "return document.readyState === 'complete' && window.__jxcPending === 0"
                " && !document.querySelector('.o_blockUI, .blockUI');")
        self.wait(settled, "the web client to settle")
        time.sleep(0.3)
        self.wait(settled, "the web client to settle")

    # ------------------------------------------------------------------ finding
    def find(self, css, timeout=TIMEOUT, visible=True):
        def found():
            for element in self.driver.find_elements(By.CSS_SELECTOR, css):
                if not visible or element.is_displayed():
                    return element
            return None
        return self.wait(found, css, timeout)

    def find_all(self, css):
        return [e for e in self.driver.find_elements(By.CSS_SELECTOR, css) if e.is_displayed()]

    def click(self, css_or_element, timeout=TIMEOUT):
        element = self.find(css_or_element, timeout) if isinstance(css_or_element, str) else css_or_element

        def clicked():
            try:
                self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
                element.click()
                return True
            except ElementClickInterceptedException:
                return False
        self.wait(clicked, "a click on %s" % css_or_element, timeout)
        self.idle()

    def click_text(self, css, text, timeout=TIMEOUT):
        """Click the visible element matching css whose text contains text."""
        def found():
            for element in self.find_all(css):
                if text in element.text:
                    return element
            return None
        element = self.wait(found, "%s with text %r" % (css, text), timeout)
        self.click(element)

    def text(self, css):
        return self.find(css).text

    # ------------------------------------------------------------------ session
    def login(self, login, password=None):
        self.driver.delete_all_cookies()
        self.driver.get(self.url + "/web/login")
        self.find("input[name=login]").send_keys(login)
        self.find("input[name=password]").send_keys(password or login)
        self.click("form.oe_login_form button[type=submit]")
        self.find(".o_web_client, .o_main_navbar, #oe_main_menu_navbar")
        self.idle()
        self.check_page("login-" + login)

    def menu(self, *xmlids):
        """Open menus by XML id as a user clicks them: top menu, then its entries."""
        for xmlid in xmlids:
            css = "a[data-menu-xmlid='%s']" % xmlid
            element = self.find(css, visible=False)
            if not element.is_displayed():
                # An entry inside a collapsed section: open the section first.
                section = element.find_element(By.XPATH, "./ancestor::li[contains(@class,'dropdown')]/a")
                self.click(section)
            self.click(css)
        self.wait(lambda: self.find_all(".o_view_manager_content, .o_content"), "the view")
        self.idle()

    def breadcrumb(self):
        return self.text(".breadcrumb li.active")

    # ------------------------------------------------------------------ forms
    def field(self, name):
        return self.find(".o_form_view .o_field_widget[name='%s'], .o_form_view [name='%s'].o_field_widget"
                         % (name, name))

    def set_many2one(self, name, text, scope=None, choose=None):
        """Type into a many2one's autocomplete and pick the suggestion holding `choose` (default: text)."""
        root = scope or self.driver
        box = self.wait(lambda: [e for e in root.find_elements(
            By.CSS_SELECTOR, ".o_field_widget[name='%s'] input, [name='%s'] .o_input_dropdown input" % (name, name))
            if e.is_displayed()], "the %s input" % name)[0]
        box.click()
        box.send_keys(Keys.CONTROL, "a")
        box.send_keys(text)
        wanted = choose or text

        def suggestion():
            for item in self.find_all("ul.ui-autocomplete li.ui-menu-item a, ul.ui-autocomplete li.ui-menu-item"):
                if wanted in item.text:
                    return item
            return None
        item = self.wait(suggestion, "the suggestion %r for %s" % (wanted, name))
        item.click()
        self.idle()

    def set_input(self, name, value, scope=None):
        root = scope or self.driver
        box = self.wait(lambda: [e for e in root.find_elements(
            By.CSS_SELECTOR, "input[name='%s'], .o_field_widget[name='%s'] input, textarea[name='%s']"
            % (name, name, name)) if e.is_displayed()], "the %s input" % name)[0]
        box.click()
        box.send_keys(Keys.CONTROL, "a")
        box.send_keys(str(value))
        box.send_keys(Keys.TAB)
        self.idle()

    def add_line(self, x2many):
        self.click(".o_field_widget[name='%s'] .o_field_x2many_list_row_add a" % x2many)
        return self.find(".o_field_widget[name='%s'] tr.o_selected_row" % x2many)

    def button(self, label):
        """Press a form header button (or a dialog's) by its label, as a user does."""
        def found():
            for element in self.find_all(".o_form_view .o_statusbar_buttons button, .modal-footer button"):
                if element.text.strip() == label:
                    return element
            return None
        self.click(self.wait(found, "the button %r" % label))

    def save(self):
        self.click(".o_form_buttons_edit .o_form_button_save")
        self.find(".o_form_view.o_form_readonly")

    def create(self):
        self.click(".o_list_button_add, .o_form_button_create, .o-kanban-button-new")
        self.find(".o_form_view.o_form_editable")

    def statusbar(self):
        return self.text(".o_statusbar_status .btn-primary, .o_statusbar_status .o_arrow_button.btn-primary")

    def search(self, text):
        box = self.find(".o_searchview_input")
        box.send_keys(text)
        box.send_keys(Keys.ENTER)
        self.idle()

    def open_row(self, text):
        self.click_text(".o_list_view tbody tr.o_data_row", text)
        self.find(".o_form_view")

    def wait_text(self, css, pattern, timeout=TIMEOUT):
        regex = re.compile(pattern)
        return self.wait(lambda: any(regex.search(e.text) for e in self.find_all(css)),
                         "%s to show %r" % (css, pattern), timeout)

    # ------------------------------------------------------------------ checks
    def error_dialogs(self):
        texts = []
        for modal in self.find_all(".modal"):
            classes = modal.get_attribute("class") + " " + modal.get_attribute("innerHTML")[:2000]
            if "o_dialog_warning" in classes or "o_error_detail" in classes or "o_dialog_error" in classes:
                texts.append(modal.text)
        return texts

    def severe_console(self):
        entries = self.driver.get_log("browser")
        self.console.extend(entries)
        return [e["message"] for e in entries
                if e["level"] == "SEVERE" and not any(i in e["message"] for i in IGNORED_CONSOLE)]

    def check_page(self, name):
        """The page is styled, shows no error dialog and the console holds no SEVERE message."""
        self.screenshot(name)
        background = self.driver.execute_script(
            "var n = document.querySelector('#oe_main_menu_navbar, nav.navbar');"
            "return n ? getComputedStyle(n).backgroundColor : null;")
        if background != STYLED_NAVBAR:
            raise BrowserError("%s: the page is not styled (navbar background %s)" % (name, background))
        errors = self.error_dialogs()
        if errors:
            raise BrowserError("%s: error dialog: %s" % (name, errors[0][:1500]))
        severe = self.severe_console()
        if severe:
            raise BrowserError("%s: browser console: %s" % (name, "\n".join(severe)[:1500]))

    def screenshot(self, name):
        self.shots += 1
        path = os.path.join(self.screenshot_dir, "%02d-%s.png" % (self.shots, re.sub(r"[^\w.-]+", "_", name)))
        try:
            self.driver.save_screenshot(path)
        except WebDriverException:
            pass
        return path

    def downloaded(self, suffix, timeout=TIMEOUT, before=()):
        def done():
            names = [n for n in os.listdir(self.download_dir)
                     if n.endswith(suffix) and n not in before]
            return names and os.path.join(self.download_dir, sorted(names)[-1])
        return self.wait(done, "a %s download" % suffix, timeout)
