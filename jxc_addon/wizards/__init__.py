from . import jxc_stock_opening_wizard
