from . import test_config
from . import test_costing
from . import test_master_data
from . import test_security
from . import test_stock_concurrency
from . import test_stock_count_opening
from . import test_stock_picking
from . import test_views
