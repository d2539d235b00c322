"""PDF reports with a wkhtmltopdf built on unpatched Qt, such as Debian's package.

Such a binary ignores --header-html and --footer-html, so the external layout's header (logo,
company name and address) and footer (phone, email, website) never reach the PDF; and it refuses
more than one input page, so printing several records at once gives an empty file. With it, each
document carries its own header and footer in its body, all documents go to wkhtmltopdf as one
page (a page break between them), and the top margin reserved for the separate header is given
back. Page numbers need the patched build and are left out.
"""
import functools
import logging
import subprocess

import lxml.html

from odoo import api, models
from odoo.addons.base.ir.ir_actions_report import _get_wkhtmltopdf_bin

_logger = logging.getLogger(__name__)

# The parts render_qweb_pdf splits a report into, and the page number fields of a footer.
_PART_XPATH = "//div[contains(concat(' ', normalize-space(@class), ' '), ' %s ')]"
_FIELD_XPATH = ".//*[contains(concat(' ', normalize-space(@class), ' '), ' %s ')]"


@functools.lru_cache(maxsize=1)
def wkhtmltopdf_is_patched():
    """Whether the installed wkhtmltopdf is built on patched Qt (headers, several pages)."""
    try:
        out = subprocess.check_output([_get_wkhtmltopdf_bin(), "--version"], stderr=subprocess.STDOUT)
    except (IOError, OSError, subprocess.CalledProcessError):
        return True  # no usable binary: Odoo itself tells the user
    if b"patched qt" in out:
        return True
    _logger.info("wkhtmltopdf is built without patched Qt: report headers and footers are printed "
                 "inside each document, all documents in one page")
    return False


def _drop_page_numbers(footer):
    """Remove the blocks holding the page number fields, which only the patched build fills."""
    for field in footer.xpath(_FIELD_XPATH % "page") + footer.xpath(_FIELD_XPATH % "topage"):
        block = field
        while block.getparent() is not None and block.getparent() is not footer \
                and block.tag not in ("div", "ul", "p"):
            block = block.getparent()
        if block is not footer and block.getparent() is not None:
            block.drop_tree()


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    @api.multi
    def _prepare_html(self, html):
        result = super()._prepare_html(html)
        if not result or wkhtmltopdf_is_patched():
            return result
        bodies, res_ids, header, footer, paperformat_args = result
        root = lxml.html.fromstring(html)
        articles = root.xpath(_PART_XPATH % "article")
        if not articles:
            return result
        # Each document of an external or internal layout has its header (and footer) beside its body.
        headers = root.xpath(_PART_XPATH % "header")
        footers = root.xpath(_PART_XPATH % "footer")
        with_headers = len(headers) == len(articles)
        with_footers = len(footers) == len(articles)
        documents = []
        for index, article in enumerate(articles):
            parts = [lxml.html.tostring(headers[index])] if with_headers else []
            parts.append(lxml.html.tostring(article))
            if with_footers:
                _drop_page_numbers(footers[index])
                parts.append(b'<div style="margin-top: 8mm;">%s</div>' % lxml.html.tostring(footers[index]))
            document = b"".join(parts)
            if index:
                document = b'<div style="page-break-before: always;">%s</div>' % document
            documents.append(document)
        layout = self.env["ir.ui.view"].browse(self.env["ir.ui.view"].get_view_id("web.minimal_layout"))
        config = self.env["ir.config_parameter"].sudo()
        base_url = config.get_param("report.url") or config.get_param("web.base.url")
        body = layout.render(dict(subst=False, body=b"".join(documents), base_url=base_url))
        paperformat = self.paperformat_id or self.env.user.company_id.paperformat_id
        if with_headers and paperformat:
            # The top margin held the header, and the header spacing below it: keep what was above.
            top = float(paperformat_args.get("data-report-margin-top") or paperformat.margin_top)
            spacing = float(paperformat_args.get("data-report-header-spacing") or paperformat.header_spacing)
            paperformat_args = dict(paperformat_args, **{"data-report-margin-top": max(top - spacing, 10)})
        return [body], res_ids, None, None, paperformat_args
