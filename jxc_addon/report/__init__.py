from . import jxc_sale_order_report
from . import jxc_stock_summary_report
from . import jxc_purchase_order_report
from . import jxc_stock_count_report
