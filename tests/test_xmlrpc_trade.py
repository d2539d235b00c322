"""Trading essentials over XML-RPC, as an integration meets them: warehouse access (the demo keeper works in
广州总仓 only), minimum sale prices and the Manager's approval, the order discount and 抹零, deposits."""
import datetime

import pytest

from xmlrpc_client import FAULT_ACCESS_ERROR, FAULT_USER_ERROR, Client, refused

STAMP = datetime.datetime.now().strftime("%m%d%H%M%S")


@pytest.fixture(scope="module")
def env(odoo_server):
    admin = Client(odoo_server, "admin", "admin")
    ref = lambda xmlid: admin.call("ir.model.data", "xmlid_to_res_id", xmlid)  # noqa: E731
    data = {
        "admin": admin, "server": odoo_server,
        "gz": admin.call("jxc.warehouse", "search", [("code", "=", "GZ"), ("company_id", "=", 1)])[0],
        "sh": admin.call("jxc.warehouse", "search", [("code", "=", "SH"), ("company_id", "=", 1)])[0],
        "unit": ref("product.product_uom_unit"),
        "reason_in": admin.call("jxc.stock.reason", "search", [("direction", "=", "in"), ("company_id", "=", 1)],
                                limit=1)[0],
        "vat": admin.call("account.tax", "search", [("type_tax_use", "=", "sale"), ("amount", "=", 13),
                                                    ("price_include", "=", False), ("company_id", "=", 1)],
                          limit=1)[0],
        "bank": admin.call("account.journal", "search", [("type", "=", "bank"), ("company_id", "=", 1)], limit=1)[0],
        "manual_in": ref("account.account_payment_method_manual_in"),
    }
    data["customer"] = admin.call("res.partner", "create", {"name": "接口客户 " + STAMP, "customer": True,
                                                           "is_company": True})
    data["product"] = admin.call("product.product", "create", {
        "name": "接口商品 " + STAMP, "type": "consu", "list_price": 60.0, "standard_price": 20.0,
        "jxc_min_sale_price": 50.0})
    # stock in both warehouses
    for warehouse in (data["gz"], data["sh"]):
        picking = admin.call("jxc.stock.picking", "create", {
            "picking_type": "other_in", "warehouse_id": warehouse, "reason_id": data["reason_in"],
            "line_ids": [(0, 0, {"product_id": data["product"], "uom_id": data["unit"], "quantity": 100,
                                 "unit_cost": 20.0})]})
        admin.call("jxc.stock.picking", "button_done", [picking])
    return data


def draft_in(env, warehouse):
    return env["admin"].call("jxc.stock.picking", "create", {
        "picking_type": "other_in", "warehouse_id": warehouse, "reason_id": env["reason_in"], "origin": "接口 " + STAMP,
        "line_ids": [(0, 0, {"product_id": env["product"], "uom_id": env["unit"], "quantity": 1, "unit_cost": 20.0})]})


def test_the_demo_keeper_works_in_his_warehouse_only(env):
    admin, keeper, manager = env["admin"], Client(env["server"], "keeper"), Client(env["server"], "manager")
    keeper_id = admin.call("res.users", "search", [("login", "=", "keeper")])[0]
    assert admin.call("res.users", "read", [keeper_id], ["jxc_warehouse_ids"])[0]["jxc_warehouse_ids"] == [env["gz"]]
    in_gz, in_sh = draft_in(env, env["gz"]), draft_in(env, env["sh"])
    assert keeper.call("jxc.stock.picking", "search", [("id", "in", [in_gz, in_sh])]) == [in_gz]
    assert sorted(manager.call("jxc.stock.picking", "search", [("id", "in", [in_gz, in_sh])])) == sorted([in_gz, in_sh])
    refused(FAULT_ACCESS_ERROR, lambda: keeper.call("jxc.stock.picking", "read", [in_sh], ["name"]))
    refused(FAULT_ACCESS_ERROR, lambda: keeper.call("jxc.stock.picking", "button_done", [in_sh]))
    assert admin.call("jxc.stock.picking", "read", [in_sh], ["state"])[0]["state"] == "draft"
    refused(FAULT_ACCESS_ERROR, lambda: keeper.call("jxc.stock.picking", "write", [in_gz], {"warehouse_id": env["sh"]}))
    keeper.call("jxc.stock.picking", "button_done", [in_gz])
    assert admin.call("jxc.stock.picking", "read", [in_gz], ["state"])[0]["state"] == "done"
    # stock on hand and ledger rows of his warehouse only
    quants = keeper.call("jxc.stock.quant", "search_read", [("product_id", "=", env["product"])], ["warehouse_id"])
    assert [q["warehouse_id"][0] for q in quants] == [env["gz"]]
    rows = keeper.call("jxc.stock.ledger", "search_read", [("product_id", "=", env["product"])], ["warehouse_id"])
    assert {r["warehouse_id"][0] for r in rows} == {env["gz"]} and len(rows) == 2
    # the warehouse choices offered to him, and the default
    fields = keeper.call("jxc.stock.picking", "fields_get", ["warehouse_id"], attributes=["domain"])
    assert fields["warehouse_id"]["domain"] == [["id", "in", [env["gz"]]]]
    assert keeper.call("jxc.stock.picking", "default_get", ["warehouse_id"])["warehouse_id"] == env["gz"]
    refused(FAULT_ACCESS_ERROR, lambda: keeper.call("jxc.stock.count", "create", {"warehouse_id": env["sh"]}))


def test_a_limited_salesman_sells_from_his_warehouse(env):
    admin = env["admin"]
    group = admin.call("ir.model.data", "xmlid_to_res_id", "jxc_addon.group_jxc_salesman")
    login = "salesman_gz_" + STAMP
    admin.call("res.users", "create", {"name": "广州销售", "login": login, "password": login,
                                       "email": login + "@example.com",
                                       "groups_id": [(6, 0, [group])], "jxc_warehouse_ids": [(6, 0, [env["gz"]])]})
    salesman = Client(env["server"], login)
    lines = [(0, 0, {"product_id": env["product"], "uom_id": env["unit"], "product_qty": 1, "price_unit": 60.0})]
    refused(FAULT_ACCESS_ERROR, lambda: salesman.call("jxc.sale.order", "create", {
        "partner_id": env["customer"], "warehouse_id": env["sh"], "line_ids": lines}))
    order = salesman.call("jxc.sale.order", "create", {"partner_id": env["customer"], "line_ids": lines})
    assert salesman.call("jxc.sale.order", "read", [order], ["warehouse_id"])[0]["warehouse_id"][0] == env["gz"]
    salesman.call("jxc.sale.order", "button_confirm", [order])


def test_below_the_minimum_price_the_manager_approves(env):
    salesman, manager = Client(env["server"], "salesman"), Client(env["server"], "manager")
    order = salesman.call("jxc.sale.order", "create", {
        "partner_id": env["customer"], "warehouse_id": env["gz"],
        "line_ids": [(0, 0, {"product_id": env["product"], "uom_id": env["unit"], "product_qty": 2,
                             "price_unit": 45.0})]})
    line = salesman.call("jxc.sale.order", "read", [order], ["line_ids"])[0]["line_ids"][0]
    values = salesman.call("jxc.sale.order.line", "read", [line], ["min_price", "below_min_price"])[0]
    assert (values["min_price"], values["below_min_price"]) == (50.0, True)
    message = refused(FAULT_USER_ERROR, lambda: salesman.call("jxc.sale.order", "button_confirm", [order]))
    assert "45.00" in message and "50.00" in message
    refused(FAULT_ACCESS_ERROR, lambda: salesman.call("jxc.sale.order", "action_price_override", [order], "老客户"))
    refused(FAULT_ACCESS_ERROR, lambda: salesman.call("jxc.sale.order", "write", [order],
                                                      {"price_override_reason": "老客户"}))
    manager.call("jxc.sale.order", "action_price_override", [order], "老客户, 清库存")
    salesman.call("jxc.sale.order", "button_confirm", [order])
    state = env["admin"].call("jxc.sale.order", "read", [order], ["state", "price_override_reason"])[0]
    assert (state["state"], state["price_override_reason"]) == ("confirmed", "老客户, 清库存")


def test_order_discount_and_deposit(env):
    admin, salesman = env["admin"], Client(env["server"], "salesman")
    accountant = Client(env["server"], "accountant")
    # 3 @ 60.00 + 13% = 203.40; less 3% = 197.30 (197.298), 抹零 to ten yuan: 190.00
    order = salesman.call("jxc.sale.order", "create", {
        "partner_id": env["customer"], "warehouse_id": env["gz"], "discount_percent": 3.0, "total_rounding": "ten",
        "line_ids": [(0, 0, {"product_id": env["product"], "uom_id": env["unit"], "product_qty": 3,
                             "price_unit": 60.0, "tax_ids": [(6, 0, [env["vat"]])]})]})
    amounts = salesman.call("jxc.sale.order", "read", [order], ["amount_before_discount", "amount_order_discount",
                                                              "amount_untaxed", "amount_tax", "amount_total"])[0]
    assert (amounts["amount_before_discount"], amounts["amount_order_discount"], amounts["amount_untaxed"],
            amounts["amount_tax"], amounts["amount_total"]) == (203.4, 13.4, 168.14, 21.86, 190.0)
    refused(FAULT_ACCESS_ERROR, lambda: salesman.call("jxc.sale.order", "action_register_deposit", [order]))
    payment = accountant.call("account.payment", "create", {
        "payment_type": "inbound", "partner_type": "customer", "partner_id": env["customer"], "amount": 50.0,
        "journal_id": env["bank"], "payment_method_id": env["manual_in"], "jxc_sale_id": order,
        "communication": "订金"})
    accountant.call("account.payment", "post", [payment])
    paid = salesman.call("jxc.sale.order", "read", [order], ["amount_deposit", "amount_paid", "amount_to_pay"])[0]
    assert (paid["amount_deposit"], paid["amount_paid"], paid["amount_to_pay"]) == (50.0, 50.0, 140.0)
    salesman.call("jxc.sale.order", "button_confirm", [order])
    delivery = admin.call("jxc.sale.order", "action_deliver", [order])["res_id"]
    Client(env["server"], "keeper").call("jxc.stock.picking", "button_done", [delivery])
    invoice = accountant.call("jxc.sale.order", "action_create_invoice", [order])["res_id"]
    accountant.call("account.invoice", "action_invoice_open", [invoice])
    values = accountant.call("account.invoice", "read", [invoice], ["amount_untaxed", "amount_tax", "amount_total",
                                                                    "residual", "state"])[0]
    assert (values["amount_untaxed"], values["amount_tax"], values["amount_total"], values["residual"],
            values["state"]) == (168.14, 21.86, 190.0, 140.0, "open")
