"""A user's XML-RPC session on the test server, as an integration logs in, and the faults Odoo 11
sends back (odoo/service/wsgi_server.py): UserError 2, AccessError 4."""
import xmlrpc.client

import pytest

FAULT_USER_ERROR = 2
FAULT_ACCESS_ERROR = 4


class Client:
    def __init__(self, server, login, password=None, check=True):
        """check: the login must succeed (uid is False when it fails)."""
        self.login = login
        self.db = server["db"]
        self.password = password or login
        self.uid = xmlrpc.client.ServerProxy(server["url"] + "/xmlrpc/2/common").authenticate(
            self.db, login, self.password, {})
        assert self.uid or not check, "%s cannot log in" % login
        self.models = xmlrpc.client.ServerProxy(server["url"] + "/xmlrpc/2/object", allow_none=True)

    def call(self, model, method, *args, **kwargs):
        return self.models.execute_kw(self.db, self.uid, self.password, model, method, list(args), kwargs)

    def can(self, model, operation):
        return self.call(model, "check_access_rights", operation, raise_exception=False)


def refused(code, action):
    """`action()` must fail with the fault `code`; its message."""
    with pytest.raises(xmlrpc.client.Fault) as caught:
        action()
    assert caught.value.faultCode == code, caught.value.faultString
    return caught.value.faultString
