from . import test_config
from . import test_master_data
from . import test_security
