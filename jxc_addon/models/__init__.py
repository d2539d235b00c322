from . import jxc_warehouse
from . import product_template
from . import res_company
from . import res_config_settings
from . import res_partner
from . import wizard_multi_charts_accounts
