"""Each demo role logs in over XML-RPC and meets the access rights an integration would."""
import pytest

from xmlrpc_client import FAULT_ACCESS_ERROR, Client, refused

ROLES = ["manager", "purchaser", "salesman", "keeper", "accountant", "viewer"]


def test_admin_logs_in_and_models_exist(odoo_server):
    admin = Client(odoo_server, "admin", "admin")
    assert admin.uid
    models = admin.call("ir.model", "search_read", [("model", "like", "jxc.")], fields=["model"])
    assert "jxc.warehouse" in {m["model"] for m in models}
    # (the superuser ignores record rules: count the demo company's own)
    assert admin.call("jxc.warehouse", "search_count", [("company_id", "=", 1)]) == 2
    company = admin.call("res.company", "search_read", [("id", "=", 1)],
                         fields=["jxc_stock_valuation_account_id", "jxc_grni_account_id"])[0]
    assert "1405" in company["jxc_stock_valuation_account_id"][1]
    assert "220201" in company["jxc_grni_account_id"][1]


def test_wrong_password_is_refused(odoo_server):
    assert Client(odoo_server, "purchaser", "wrong", check=False).uid is False


@pytest.mark.parametrize("login", ROLES)
def test_role_reads_master_data(odoo_server, login):
    client = Client(odoo_server, login)
    assert client.uid, "%s cannot log in" % login
    warehouses = client.call("jxc.warehouse", "search_read", [], fields=["code", "name"])
    assert sorted(w["code"] for w in warehouses) == ["GZ", "SH"]
    products = client.call("product.template", "search_count", [("jxc_track_stock", "=", True)])
    assert products >= 20
    assert client.call("res.partner", "search_count", [("supplier", "=", True), ("is_company", "=", True)]) >= 5


@pytest.mark.parametrize("login", ROLES)
def test_role_write_rights(odoo_server, login):
    client = Client(odoo_server, login)
    warehouse_id = client.call("jxc.warehouse", "search", [("code", "=", "SH")])[0]
    # Warehouses are configuration: the manager's.
    if login == "manager":
        assert client.can("jxc.warehouse", "write")
        client.call("jxc.warehouse", "write", [warehouse_id], {"note": "checked by manager"})
    else:
        assert not client.can("jxc.warehouse", "write")
        refused(FAULT_ACCESS_ERROR, lambda: client.call("jxc.warehouse", "write", [warehouse_id], {"note": "x"}))
        refused(FAULT_ACCESS_ERROR, lambda: client.call("jxc.warehouse", "create", {"name": "X", "code": "X" + login}))
    # Products: purchaser and manager.
    if login in ("manager", "purchaser"):
        product_id = client.call("product.product", "create", {"name": "XML-RPC 新品 " + login})
        assert client.call("product.product", "read", [product_id], ["jxc_track_stock"])[0]["jxc_track_stock"]
    else:
        refused(FAULT_ACCESS_ERROR, lambda: client.call("product.product", "create", {"name": "不允许 " + login}))
    # Partners: who buys and who sells.
    if login in ("manager", "purchaser", "salesman"):
        assert client.call("res.partner", "create", {"name": "XML-RPC 客户 " + login, "customer": True})
    elif login in ("viewer", "keeper"):
        refused(FAULT_ACCESS_ERROR, lambda: client.call("res.partner", "create", {"name": "不允许 " + login}))
    # The 进销存 settings are the administrator's and the 进销存 Manager's (Settings); the company itself
    # stays the administrator's.
    if login == "manager":
        scope = client.call("res.company", "read", [1], ["jxc_cost_scope"])[0]["jxc_cost_scope"]
        client.call("res.company", "write", [1], {"jxc_cost_scope": scope})
        refused(FAULT_ACCESS_ERROR, lambda: client.call("res.company", "write", [1], {"name": "改名"}))
    else:
        refused(FAULT_ACCESS_ERROR, lambda: client.call("res.company", "write", [1], {"jxc_cost_scope": "warehouse"}))


def test_salesman_reads_only_his_own_orders(odoo_server):
    admin = Client(odoo_server, "admin", "admin")
    group_id = admin.call("ir.model.data", "xmlid_to_res_id", "jxc_addon.group_jxc_salesman")
    values = {"name": "销售B", "login": "salesman_b_rpc", "password": "salesman_b_rpc", "email": "b@example.com",
              "groups_id": [(6, 0, [group_id])]}
    existing = admin.call("res.users", "search", [("login", "=", "salesman_b_rpc")])
    if existing:
        admin.call("res.users", "write", existing, values)
    else:
        admin.call("res.users", "create", values)
    salesman = Client(odoo_server, "salesman")
    other = Client(odoo_server, "salesman_b_rpc")
    customer_id = admin.call("res.partner", "search", [("customer", "=", True), ("is_company", "=", True)], limit=1)[0]
    product_id = admin.call("product.product", "search", [("default_code", "=", "TX-001-WL")])[0]

    def quotation(client):
        return client.call("jxc.sale.order", "create", {
            "partner_id": customer_id,
            "line_ids": [(0, 0, {"product_id": product_id, "uom_id": 1, "product_qty": 1, "price_unit": 39})]})
    mine = quotation(salesman)
    theirs = quotation(other)
    assert salesman.call("jxc.sale.order", "search", [("id", "in", [mine, theirs])]) == [mine]
    refused(FAULT_ACCESS_ERROR, lambda: salesman.call("jxc.sale.order", "read", [theirs], ["name"]))
    refused(FAULT_ACCESS_ERROR, lambda: salesman.call("jxc.sale.order", "write", [theirs], {"note": "x"}))
    assert sorted(admin.call("jxc.sale.order", "search", [("id", "in", [mine, theirs])])) == sorted([mine, theirs])
