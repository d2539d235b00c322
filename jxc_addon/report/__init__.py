from . import jxc_sale_order_report
