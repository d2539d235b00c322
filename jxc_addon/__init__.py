from odoo import api, SUPERUSER_ID

from . import models
from . import report
from . import wizards


def post_init_hook(cr, registry):
    """Configure the companies whose Chinese chart was loaded before this module."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["res.company"].search([])._jxc_apply_chart_defaults()
