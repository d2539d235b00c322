from odoo import _, api, fields, models
from odoo.tools.misc import format_date

from ..models.jxc_guarded_mixin import check_groups
from .jxc_stock_report_wizard import check_company

RECONCILIATION_KINDS = [
    ("stock", "Stock Valuation"),
    ("grni", "Goods Received Not Invoiced"),
]
ACCOUNTANT_GROUPS = "jxc_addon.group_jxc_accountant"

# Ends the statements below, after their `documents` (amount per journal entry by the documents): each
# entry's amount on the account, set against the documents' amount; a row per entry on either side.
BOOKS_SQL = """), books AS (
    SELECT aml.move_id, SUM(aml.balance) AS amount
      FROM account_move_line aml JOIN account_move m ON m.id = aml.move_id
     WHERE aml.account_id = %(account)s AND aml.company_id = %(company)s AND m.state = 'posted'
       AND aml.date <= %(date)s
     GROUP BY aml.move_id
)
SELECT COALESCE(d.move_id, b.move_id), COALESCE(d.amount, 0), COALESCE(b.amount, 0), d.move_id IS NOT NULL
  FROM documents d FULL OUTER JOIN books b ON b.move_id = d.move_id
"""

# Per journal entry, up to the date: what the stock ledger says the stock valuation account holds
# (the value of its rows) against what the entry put on the account. Ledger rows without an entry
# (transfers, which net to nothing) are one group.
STOCK_SQL = """
WITH documents AS (
    SELECT l.move_id, SUM(l.value) AS amount
      FROM jxc_stock_ledger l
     WHERE l.company_id = %(company)s AND l.date <= %(date)s
     GROUP BY l.move_id
""" + BOOKS_SQL

# The same for goods received not invoiced, as a debit balance: receipts and supplier returns credit
# it with the value of their movements (revaluations, without quantity, go to cost of goods sold),
# vendor bills debit it and supplier credit notes credit it with the receipt value of the goods they
# bill (jxc_grni_amount of their lines on the account).
GRNI_SQL = """
WITH documents AS (
    SELECT move_id, SUM(amount) AS amount FROM (
        SELECT l.move_id, -l.value AS amount
          FROM jxc_stock_ledger l
         WHERE l.company_id = %(company)s AND l.date <= %(date)s
           AND l.picking_type IN ('receipt', 'supplier_return') AND l.quantity <> 0
        UNION ALL
        SELECT i.move_id, CASE WHEN i.type = 'in_refund' THEN -il.jxc_grni_amount ELSE il.jxc_grni_amount END
          FROM account_invoice_line il
          JOIN account_invoice i ON i.id = il.invoice_id
          JOIN account_move m ON m.id = i.move_id
         WHERE i.company_id = %(company)s AND i.type IN ('in_invoice', 'in_refund') AND i.state IN ('open', 'paid')
           AND il.account_id = %(account)s AND il.jxc_purchase_line_id IS NOT NULL AND m.date <= %(date)s
    ) rows
     GROUP BY move_id
""" + BOOKS_SQL


class JxcStockReconciliation(models.TransientModel):
    """Stock in the books at a date: the value of the stock by the ledger against the balance of
    the stock valuation account (1405), and what was received and not yet billed by the documents
    against the balance of the goods-received-not-invoiced account (220201); each difference with
    the journal entries that make it."""
    _name = "jxc.stock.reconciliation"
    _description = "Stock Reconciliation with the Books"

    date = fields.Date(required=True, default=fields.Date.context_today)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.user.company_id)
    currency_id = fields.Many2one(related="company_id.currency_id", readonly=True)
    done = fields.Boolean(readonly=True)
    stock_account_id = fields.Many2one("account.account", "Stock Valuation Account", readonly=True)
    grni_account_id = fields.Many2one("account.account", "Goods Received Not Invoiced Account", readonly=True)
    stock_ledger_value = fields.Monetary("Stock Value by the Ledger", readonly=True)
    stock_account_balance = fields.Monetary("Stock Valuation Account Balance", readonly=True)
    stock_difference = fields.Monetary("Stock Difference", readonly=True,
                                       help="Account balance − stock value by the ledger.")
    grni_document_value = fields.Monetary(
        "Received Not Billed by the Documents", readonly=True,
        help="Receipt value of the goods received (less supplier returns) and not yet billed by a posted vendor bill.")
    grni_account_balance = fields.Monetary("GRNI Account Balance", readonly=True, help="Credit balance.")
    grni_difference = fields.Monetary("GRNI Difference", readonly=True,
                                      help="Account balance − received not billed by the documents.")
    line_ids = fields.One2many("jxc.stock.reconciliation.line", "reconciliation_id", "Differences", readonly=True)

    @api.multi
    def name_get(self):
        return [(record.id, _("Stock Reconciliation at %s") % format_date(self.env, record.date)) for record in self]

    @api.multi
    def action_reconcile(self):
        """Compute the figures and the entries that differ, then show them."""
        self.ensure_one()
        check_groups(self.env, ACCOUNTANT_GROUPS, _("reconcile stock with the books"))
        check_company(self.env, self.company_id)
        company = self.company_id
        stock_account = company._jxc_get_setting("jxc_stock_valuation_account_id")
        grni_account = company._jxc_get_setting("jxc_grni_account_id")
        self.line_ids.unlink()
        stock = self._differences("stock", STOCK_SQL, stock_account, 1)
        grni = self._differences("grni", GRNI_SQL, grni_account, -1)
        self.write({
            "done": True, "stock_account_id": stock_account.id, "grni_account_id": grni_account.id,
            "stock_ledger_value": stock["documents"], "stock_account_balance": stock["books"],
            "stock_difference": stock["books"] - stock["documents"],
            "grni_document_value": grni["documents"], "grni_account_balance": grni["books"],
            "grni_difference": grni["books"] - grni["documents"],
            "line_ids": [(0, 0, vals) for vals in stock["lines"] + grni["lines"]],
        })
        return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": self.id, "view_mode": "form",
                "views": [(self.env.ref("jxc_addon.jxc_stock_reconciliation_view_form").id, "form")],
                "name": _("Stock Reconciliation at %s") % format_date(self.env, self.date), "target": "main"}

    def _differences(self, kind, query, account, sign):
        """Totals (documents, books) and the lines of the entries where they differ, in the sign in
        which the account is read (1 debit balance, -1 credit balance)."""
        currency = self.currency_id
        self.env.cr.execute(query, {"company": self.company_id.id, "date": self.date, "account": account.id})
        documents = books = 0.0
        lines = []
        for move_id, document_amount, book_amount, documented in self.env.cr.fetchall():
            document_amount, book_amount = sign * float(document_amount), sign * float(book_amount)
            documents += document_amount
            books += book_amount
            difference = currency.round(book_amount - document_amount)
            if currency.is_zero(difference):
                continue
            lines.append({"kind": kind, "move_id": move_id, "account_id": account.id,
                          "document_amount": document_amount, "account_amount": book_amount,
                          "difference": difference, "note": self._explain(kind, move_id, documented, book_amount)})
        lines.sort(key=lambda line: (-abs(line["difference"]), line["move_id"] or 0))
        return {"documents": currency.round(documents), "books": currency.round(books), "lines": lines}

    def _explain(self, kind, move_id, documented, book_amount):
        if not move_id:
            return _("Stock ledger rows without a journal entry.")
        if not documented:
            if kind == "stock":
                return _("Journal entry not made by a stock document (e.g. a manual entry).")
            return _("Journal entry not made by a receipt, supplier return or vendor bill (e.g. a manual entry).")
        if not book_amount:
            return _("The entry of these documents is not posted or does not use this account.")
        return _("The entry differs from the documents it was posted for.")


class JxcStockReconciliationLine(models.TransientModel):
    _name = "jxc.stock.reconciliation.line"
    _description = "Stock Reconciliation Difference"
    _order = "reconciliation_id, kind desc, id"

    reconciliation_id = fields.Many2one("jxc.stock.reconciliation", required=True, ondelete="cascade", index=True)
    currency_id = fields.Many2one(related="reconciliation_id.currency_id", readonly=True)
    kind = fields.Selection(RECONCILIATION_KINDS, "Reconciliation", required=True, readonly=True)
    account_id = fields.Many2one("account.account", "Account", readonly=True)
    move_id = fields.Many2one("account.move", "Journal Entry", readonly=True)
    date = fields.Date(related="move_id.date", readonly=True)
    ref = fields.Char(related="move_id.ref", readonly=True, string="Reference")
    document_amount = fields.Monetary("By the Documents", readonly=True)
    account_amount = fields.Monetary("In the Account", readonly=True)
    difference = fields.Monetary(readonly=True)
    note = fields.Char("Explanation", readonly=True)
