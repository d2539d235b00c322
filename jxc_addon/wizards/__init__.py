from . import jxc_stock_opening_wizard
from . import jxc_purchase_request_make_order
from . import jxc_credit_override_wizard
from . import jxc_stock_report_wizard
from . import jxc_stock_reconciliation
from . import jxc_invoice_consolidate
