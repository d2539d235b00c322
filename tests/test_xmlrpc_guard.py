"""The internal path of the button methods cannot be claimed from outside (issue 11): no context
key a client sends lets it write a state, and server actions run with the caller's rights."""
from xmlrpc_client import FAULT_ACCESS_ERROR, Client, refused


def test_no_context_opens_the_internal_path(odoo_server):
    salesman = Client(odoo_server, "salesman")
    customer_id = salesman.call("res.partner", "search", [("customer", "=", True), ("is_company", "=", True)],
                                limit=1)[0]
    product_id = salesman.call("product.product", "search", [("default_code", "=", "TX-001-WL")])[0]
    order_id = salesman.call("jxc.sale.order", "create", {
        "partner_id": customer_id,
        "line_ids": [(0, 0, {"product_id": product_id, "uom_id": 1, "product_qty": 1, "price_unit": 39})]})
    limit = salesman.call("res.partner", "read", [customer_id], ["credit_limit"])[0]["credit_limit"]
    for context in ({}, {"jxc_guard": True}, {"jxc_guard": "<jxc system path>"}, {"jxc_overdue_scan": True}):
        refused(FAULT_ACCESS_ERROR, lambda: salesman.call("jxc.sale.order", "write", [order_id], {"state": "confirmed"},
                                                  context=context))
        refused(FAULT_ACCESS_ERROR, lambda: salesman.call("res.partner", "write", [customer_id], {"credit_limit": 99999},
                                                  context=context))
    assert salesman.call("jxc.sale.order", "read", [order_id], ["state"])[0]["state"] == "quotation"
    assert salesman.call("res.partner", "read", [customer_id], ["credit_limit"])[0]["credit_limit"] == limit
    salesman.call("jxc.sale.order", "unlink", [order_id])


def test_viewer_runs_no_server_action_that_writes(odoo_server):
    viewer = Client(odoo_server, "viewer")
    for xmlid in ("jxc_addon.jxc_reorder_warning_action_scan", "jxc_addon.jxc_reorder_rule_action_scan"):
        action_id = viewer.call("ir.model.data", "xmlid_to_res_id", xmlid)
        rule_ids = viewer.call("jxc.reorder.rule", "search", [], limit=1)
        refused(FAULT_ACCESS_ERROR, lambda: viewer.call("ir.actions.server", "run", [action_id], context={
            "active_model": "jxc.reorder.rule", "active_id": rule_ids[0], "active_ids": rule_ids}))
