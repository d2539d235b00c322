# Copyright 2026 jxc_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "进销存 JXC",
    "summary": "Purchase, sales and stock (进销存) on Odoo's partners and accounting",
    "version": "11.0.1.0.0",
    "category": "Warehouse",
    "website": "https://github.com/jxc-addon/jxc_addon",
    "author": "jxc_addon authors",
    "license": "LGPL-3",
    "application": True,
    "installable": True,
    "depends": [
        "base",
        "mail",
        "product",
        "account",
        "decimal_precision",
        "barcodes",
    ],
    "data": [
        "security/jxc_security.xml",
        "security/ir.model.access.csv",
        "data/jxc_stock_data.xml",
        "views/jxc_menus.xml",
        "views/jxc_warehouse_views.xml",
        "views/product_template_views.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
    ],
    "demo": [
        "demo/jxc_demo.xml",
    ],
    "post_init_hook": "post_init_hook",
}
