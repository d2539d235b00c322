"""The one place where stock quantities, values and ledger rows change."""

import logging
import threading
import time

from psycopg2 import OperationalError, errorcodes
from psycopg2.extensions import TRANSACTION_STATUS_IDLE
from psycopg2.extras import execute_values

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

from ..lib.costing import average_cost, empties_pool, in_value_after, out_value, round_to
from ..lib.formatting import format_qty

# How a movement is valued:
#   "average": at the pool's moving average (outs, transfers, stocktaking, returns without origin)
#   "value":   at a signed value the caller fixes (receipts, returns at their original cost,
#              the incoming side of a transfer, reversals)
COST_AVERAGE = "average"
COST_VALUE = "value"

_logger = logging.getLogger(__name__)

# A row another request holds (NOWAIT) or changed since this request's snapshot: the request is
# replayed by Odoo (odoo.service.model.check), and the replay takes these locks first.
LOCK_CONFLICTS = (errorcodes.LOCK_NOT_AVAILABLE, errorcodes.SERIALIZATION_FAILURE)
# How long a replay waits for the rows it takes first before giving up (and being replayed again).
REPLAY_LOCK_TIMEOUT = "20s"
# The rows postings lock, by table: NOWAIT on the first attempt (with the columns it reads), waiting on a
# replay. Static statements, in the order the tables are locked (documents before quants).
LOCKS = {
    "jxc_stock_picking": "SELECT id, state FROM jxc_stock_picking WHERE id = ANY(%s) ORDER BY id FOR UPDATE NOWAIT",
    "jxc_stock_quant": """SELECT id, product_id, warehouse_id, quantity, reserved_quantity, value, unit_cost
                            FROM jxc_stock_quant WHERE id = ANY(%s) ORDER BY id FOR UPDATE NOWAIT""",
}
REPLAY_LOCKS = {
    "jxc_stock_picking": "SELECT id FROM jxc_stock_picking WHERE id = ANY(%s) ORDER BY id FOR UPDATE",
    "jxc_stock_quant": "SELECT id FROM jxc_stock_quant WHERE id = ANY(%s) ORDER BY id FOR UPDATE",
}
# The locks a failed attempt wanted, for its replay in the same thread (one request at a time).
_pending = threading.local()


def lock_first_on_replay(cr, table, ids):
    """Have the replay of this request start by taking the row locks it could not get.

    Under REPEATABLE READ a request whose rows (hot quants, a document validated twice) are changed
    by a concurrent request fails however long it waits: its snapshot is older than the change.
    Odoo replays it. The replay's first statements, before any snapshot, are then: READ COMMITTED
    for that one transaction, and these row locks, in one global order (so replays cannot deadlock
    each other). It reads the rows as their holders committed them and cannot lose them to a third
    request; every later lock is still taken NOWAIT. The connection's next transaction is REPEATABLE
    READ again (psycopg2 begins each one so).

    Web client requests are replayed on the same cursor, rolled back first: a rollback handler
    starts the replay. XML-RPC opens a new cursor per attempt: the stock entry points call
    `take_replay_locks_first` before their first statement (same thread, same database, within a
    minute).
    """
    wanted = cr.__dict__.setdefault("_jxc_lock_first", {})
    wanted.setdefault(table, set()).update(ids)
    _pending.replay = {"db": cr.dbname, "at": time.monotonic(), "tables": wanted}
    _arm_replay(cr)


def take_replay_locks_first(cr):
    """At the entry of a stock request: begin with the locks its previous attempt could not get,
    if it was replayed on a new cursor on which nothing has run yet."""
    replay, _pending.replay = getattr(_pending, "replay", None), None
    if not replay or replay["db"] != cr.dbname or time.monotonic() - replay["at"] > 60:
        return
    if cr._cnx.get_transaction_status() != TRANSACTION_STATUS_IDLE:
        return  # a statement ran already: the snapshot is taken, the NOWAIT locks decide
    _begin_with_locks(cr, replay["tables"])


def _arm_replay(cr):
    if not cr.__dict__.get("_jxc_replay_armed"):
        cr.__dict__["_jxc_replay_armed"] = True
        cr.after("rollback", lambda: _replay_with_locks_first(cr))


def _replay_with_locks_first(cr):
    cr.__dict__["_jxc_replay_armed"] = False
    _pending.replay = None
    _begin_with_locks(cr, cr.__dict__.get("_jxc_lock_first", {}))


def _begin_with_locks(cr, wanted):
    try:
        cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
        cr.execute("SET LOCAL lock_timeout = %s", (REPLAY_LOCK_TIMEOUT,))
        for table in sorted(wanted):
            cr.execute(REPLAY_LOCKS[table], (sorted(wanted[table]),), log_exceptions=False)
        cr.execute("SET LOCAL lock_timeout = 0")
    except OperationalError as error:
        if error.pgcode not in LOCK_CONFLICTS:
            raise
        # Still held after the timeout: Odoo replays once more, and that replay locks first again.
        _logger.info("replay could not take its locks first (%s); replaying again", error.pgcode)
        for table, ids in wanted.items():
            lock_first_on_replay(cr, table, ids)
        raise


class JxcStockPosting(models.AbstractModel):
    _name = "jxc.stock.posting"
    _description = "Stock Posting Service"

    @api.model
    def _post_movements(self, movements, date, reference, company, picking_id=None, make_entry=None):
        """Apply movements to stock and write their ledger rows; return the rows' values and the entry.

        `make_entry(rows)`, if given, is called with the computed rows before they are written
        and returns the journal entry (account.move) the rows are stamped with: ledger rows are
        inserted once, complete, and never updated.

        `movements` is a list of dicts, applied in order:
            product (product.product), warehouse (jxc.warehouse), qty (signed, product unit),
            cost ("average" | "value"), value (signed, for cost "value"),
            value_of (index of an earlier movement whose value, negated, this one takes:
                      the incoming side of a transfer),
            line_id, partner_id, kind ("move" | "reversal"), reversed_id.
        Quants are created if missing and locked (FOR UPDATE NOWAIT, `_lock_rows`) before anything
        is read: a posting on products another request is posting fails at once and Odoo replays
        it; the replay takes the quant locks first, waits its turn and sees the new stock. Nothing
        is written before every movement passed the stock check, so a refused document leaves no
        trace.

        Returns the list of ledger row dicts (with "id"), including revaluation rows for stock
        that came back from negative, and the entry (an empty account.move when there is none:
        no movement, nothing valued, or no `make_entry`).
        """
        if not movements:
            return [], self.env["account.move"]
        currency = company.currency_id
        money_rounding = currency.rounding
        qty_rounding = 10 ** -self.env["decimal.precision"].precision_get("Product Unit of Measure")
        per_warehouse = company.jxc_cost_scope == "warehouse"
        products = self.env["product.product"].browse({m["product"].id for m in movements})
        warehouse_ids = {m["warehouse"].id for m in movements}
        quants = self._lock_quants(products, warehouse_ids, company, per_warehouse)

        def pool_key(product_id, warehouse_id):
            return (product_id, warehouse_id if per_warehouse else None)

        pools = self._cost_pools(quants, per_warehouse)
        fallback = {p.id: p.standard_price for p in products}

        rows = []
        values = []
        uid = self.env.uid
        for movement in movements:
            product = movement["product"]
            warehouse = movement["warehouse"]
            quant = quants[(product.id, warehouse.id)]
            pool = pools[pool_key(product.id, warehouse.id)]
            qty = movement["qty"]
            last_cost = pool["cost"] or fallback[product.id]
            revaluation = 0.0
            if qty < 0:
                self._check_available(product, warehouse, quant, -qty, qty_rounding, movement)
                if movement.get("cost") == COST_VALUE:
                    value = movement["value"]
                    if empties_pool(pool["qty"], -qty, qty_rounding):
                        value = -round_to(pool["value"], money_rounding)
                else:
                    value = -out_value(pool["qty"], pool["value"], -qty, money_rounding, qty_rounding, last_cost)
                new_pool_value = round_to(pool["value"] + value, money_rounding)
            else:
                if "value_of" in movement:
                    value = -values[movement["value_of"]]
                elif movement.get("cost") == COST_VALUE:
                    value = movement["value"]
                else:
                    value = round_to(qty * average_cost(pool["qty"], pool["value"], last_cost), money_rounding)
                if qty:
                    new_pool_value, revaluation = in_value_after(
                        pool["qty"], pool["value"], qty, value, money_rounding, qty_rounding)
                else:
                    new_pool_value = round_to(pool["value"] + value, money_rounding)
            values.append(value)
            pool["qty"] = round_to(pool["qty"] + qty, qty_rounding)
            pool["value"] = new_pool_value
            pool["cost"] = average_cost(pool["qty"], pool["value"], last_cost if qty <= 0 else value / qty)
            quant["quantity"] = round_to(quant["quantity"] + qty, qty_rounding)
            if movement.get("reserved"):
                # A delivery takes the goods its order reserved.
                quant["reserved_quantity"] = round_to(
                    max(quant["reserved_quantity"] - movement["reserved"], 0.0), qty_rounding)
            quant["value"] = round_to(quant["value"] + value, money_rounding)
            quant["unit_cost"] = pool["cost"]
            quant["dirty"] = True
            base = {
                "date": date, "reference": reference, "picking_id": picking_id,
                "picking_line_id": movement.get("line_id"), "product_id": product.id,
                "warehouse_id": warehouse.id, "partner_id": movement.get("partner_id"),
                "company_id": company.id, "user_id": uid, "reversed_id": movement.get("reversed_id"),
            }
            rows.append(dict(base, kind=movement.get("kind", "move"), quantity=qty, value=value,
                             unit_cost=abs(value / qty) if qty else 0.0,
                             balance_qty=quant["quantity"], balance_value=quant["value"]))
            if revaluation:
                quant["value"] = round_to(quant["value"] + revaluation, money_rounding)
                rows.append(dict(base, kind="revaluation", quantity=0.0, value=revaluation, unit_cost=0.0,
                                 balance_qty=quant["quantity"], balance_value=quant["value"]))
        self._write_quants([q for q in quants.values() if q.get("dirty")])
        move = make_entry(rows) if make_entry else self.env["account.move"]
        self._insert_ledger_rows(rows, move.id or None)
        return rows, move

    @api.model
    def _take_replay_locks_first(self):
        """First call of a stock request's entry point (see `take_replay_locks_first`)."""
        take_replay_locks_first(self.env.cr)

    @api.model
    def _lock_rows(self, table, ids):
        """Lock rows of `table` (a key of LOCKS) in id order, NOWAIT, and return them as dicts. A row
        held by another request, or changed since this request's snapshot, fails at once instead of
        after a wait that could only end in a serialization error; Odoo replays the request, which
        then takes these locks first (`lock_first_on_replay`)."""
        if not ids:
            return []
        cr = self.env.cr
        try:
            # An expected conflict, not a bad query: Odoo would log it as an ERROR.
            cr.execute(LOCKS[table], (sorted(ids),), log_exceptions=False)
        except OperationalError as error:
            if error.pgcode in LOCK_CONFLICTS:
                lock_first_on_replay(cr, table, ids)
            raise
        return cr.dictfetchall()

    @api.model
    def _lock_quants(self, products, warehouse_ids, company, per_warehouse):
        """Create missing quants, then lock every quant of the cost pools involved, in id order."""
        cr = self.env.cr
        # Existing quants are found without writing: an INSERT ... ON CONFLICT on a hot quant
        # conflicts with concurrent postings like a lock would.
        if per_warehouse:
            cr.execute("""
                SELECT id, product_id, warehouse_id FROM jxc_stock_quant
                 WHERE product_id = ANY(%s) AND warehouse_id = ANY(%s)
            """, (products.ids, list(warehouse_ids)))
        else:
            cr.execute("""
                SELECT id, product_id, warehouse_id FROM jxc_stock_quant
                 WHERE product_id = ANY(%s) AND company_id = %s
            """, (products.ids, company.id))
        found = cr.fetchall()
        have = {(product_id, warehouse_id) for _id, product_id, warehouse_id in found}
        missing = [(product.id, warehouse_id) for product in products for warehouse_id in warehouse_ids
                   if (product.id, warehouse_id) not in have]
        ids = {quant_id for quant_id, _product_id, _warehouse_id in found}
        if missing:
            try:
                cr.execute("""
                    INSERT INTO jxc_stock_quant (product_id, product_tmpl_id, categ_id, warehouse_id, company_id,
                                                 quantity, reserved_quantity, value, unit_cost,
                                                 create_uid, create_date, write_uid, write_date)
                    SELECT p.id, t.id, t.categ_id, m.warehouse_id, %(company)s, 0, 0, 0, 0,
                           %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
                      FROM unnest(%(products)s::int[], %(warehouses)s::int[]) AS m(product_id, warehouse_id)
                      JOIN product_product p ON p.id = m.product_id
                      JOIN product_template t ON t.id = p.product_tmpl_id
                    ON CONFLICT (product_id, warehouse_id) DO NOTHING
                    RETURNING id
                """, {"company": company.id, "uid": self.env.uid,
                      "products": [key[0] for key in missing], "warehouses": [key[1] for key in missing]},
                    log_exceptions=False)
            except OperationalError as error:
                if error.pgcode in LOCK_CONFLICTS:
                    # Created by a concurrent request: the replay (READ COMMITTED) finds it.
                    lock_first_on_replay(cr, "jxc_stock_quant", ids)
                raise
            ids.update(quant_id for quant_id, in cr.fetchall())
            if len(ids) < len(found) + len(missing):
                # Another request created some of them a moment ago (and committed): read them again.
                cr.execute("""
                    SELECT id FROM jxc_stock_quant WHERE product_id = ANY(%s) AND warehouse_id = ANY(%s)
                """, ([key[0] for key in missing], [key[1] for key in missing]))
                ids.update(quant_id for quant_id, in cr.fetchall())
        rows = self._lock_rows("jxc_stock_quant", ids)
        return {(r["product_id"], r["warehouse_id"]): r for r in rows}

    @api.model
    def _cost_pools(self, quants, per_warehouse):
        """Quants (by (product, warehouse), in id order) summed into cost pools keyed (product,
        warehouse or None): quantity, value, and the first known unit cost, used when the pool is empty."""
        pools = {}
        for (product_id, warehouse_id), quant in quants.items():
            pool = pools.setdefault((product_id, warehouse_id if per_warehouse else None),
                                    {"qty": 0.0, "value": 0.0, "cost": 0.0})
            pool["qty"] += quant["quantity"]
            pool["value"] += quant["value"]
            pool["cost"] = pool["cost"] or quant["unit_cost"]
        return pools

    @api.model
    def _average_costs(self, products, warehouse, company):
        """The moving average each product would leave `warehouse` at now, as a posting values it
        (read without locking: for display and stocktaking differences)."""
        per_warehouse = company.jxc_cost_scope == "warehouse"
        self.env.cr.execute("""
            SELECT product_id, warehouse_id, quantity, value, unit_cost FROM jxc_stock_quant
             WHERE product_id = ANY(%s) AND company_id = %s AND (NOT %s OR warehouse_id = %s)
             ORDER BY id
        """, (products.ids, company.id, per_warehouse, warehouse.id))
        quants = {(r["product_id"], r["warehouse_id"]): r for r in self.env.cr.dictfetchall()}
        pools = self._cost_pools(quants, per_warehouse)
        empty = {"qty": 0.0, "value": 0.0, "cost": 0.0}
        costs = {}
        for product in products:
            pool = pools.get((product.id, warehouse.id if per_warehouse else None), empty)
            costs[product.id] = average_cost(pool["qty"], pool["value"], pool["cost"] or product.standard_price)
        return costs

    @api.model
    def _reserve(self, requests, company, partial=False):
        """Reserve (positive) or release (negative) quantities: requests are
        (product, warehouse, qty) in product units. Quants are locked like postings, so two
        salesmen confirming the last units cannot both get them. Without `partial`, a shortage
        refuses everything; with it, what is available is reserved. Returns the reserved
        quantities, in the order of the requests."""
        if not requests:
            return []
        qty_rounding = 10 ** -self.env["decimal.precision"].precision_get("Product Unit of Measure")
        products = self.env["product.product"].browse({r[0].id for r in requests})
        quants = self._lock_quants(products, {r[1].id for r in requests}, company,
                                   company.jxc_cost_scope == "warehouse")
        done = []
        for product, warehouse, qty in requests:
            quant = quants[(product.id, warehouse.id)]
            if qty > 0:
                available = max(quant["quantity"] - quant["reserved_quantity"], 0.0)
                # (issue 16: negative stock needs the warehouse's and the product's consent)
                if float_compare(qty, available, precision_rounding=qty_rounding) > 0 \
                        and not warehouse._jxc_allows_negative(product):
                    if not partial:
                        self._check_available(product, warehouse, quant, qty, qty_rounding, {})
                    qty = available
            else:
                qty = -min(-qty, quant["reserved_quantity"])
            quant["reserved_quantity"] = round_to(quant["reserved_quantity"] + qty, qty_rounding)
            quant["dirty"] = True
            done.append(qty)
        self._write_quants([q for q in quants.values() if q.get("dirty")])
        return done

    @api.model
    def _check_available(self, product, warehouse, quant, out_qty, qty_rounding, movement):
        # (issue 16: negative stock needs the warehouse's and the product's consent)
        if warehouse._jxc_allows_negative(product) or movement.get("allow_negative"):
            return
        available = quant["quantity"] - quant["reserved_quantity"] + movement.get("reserved", 0.0)
        if float_compare(out_qty, available, precision_rounding=qty_rounding) > 0:
            raise UserError(_(
                "Not enough stock of %s in warehouse %s: %s available, %s needed.") % (
                product.display_name, warehouse.display_name,
                format_qty(self.env, available, product.uom_id), format_qty(self.env, out_qty, product.uom_id)))

    @api.model
    def _write_quants(self, quants):
        if not quants:
            return
        # Arrays joined on the primary key: one statement, one index probe per row.
        self.env.cr.execute("""
            UPDATE jxc_stock_quant q
               SET quantity = v.quantity, value = v.value, unit_cost = v.unit_cost,
                   reserved_quantity = v.reserved, write_uid = %s, write_date = now() AT TIME ZONE 'UTC'
              FROM unnest(%s::int[], %s::numeric[], %s::numeric[], %s::numeric[], %s::numeric[])
                   AS v(id, quantity, value, unit_cost, reserved)
             WHERE q.id = v.id
        """, (self.env.uid, [q["id"] for q in quants], [q["quantity"] for q in quants],
              [q["value"] for q in quants], [q["unit_cost"] for q in quants],
              [q["reserved_quantity"] for q in quants]))
        self.env["jxc.stock.quant"].invalidate_cache(ids=[q["id"] for q in quants])

    @api.model
    def _insert_ledger_rows(self, rows, move_id):
        picking_type = None
        if rows[0]["picking_id"]:
            self.env.cr.execute("SELECT picking_type FROM jxc_stock_picking WHERE id = %s", (rows[0]["picking_id"],))
            picking_type = self.env.cr.fetchone()[0]
        now = fields.Datetime.now()
        ids = execute_values(self.env.cr, """
            INSERT INTO jxc_stock_ledger (
                date, reference, picking_id, picking_line_id, kind, product_id, warehouse_id,
                partner_id, company_id, quantity, unit_cost, value, balance_qty, balance_value,
                user_id, reversed_id, picking_type, move_id, create_uid, create_date, write_uid, write_date)
            VALUES %s RETURNING id
        """, [(row["date"], row["reference"], row["picking_id"], row["picking_line_id"], row["kind"],
               row["product_id"], row["warehouse_id"], row["partner_id"], row["company_id"], row["quantity"],
               row["unit_cost"], row["value"], row["balance_qty"], row["balance_value"], row["user_id"],
               row["reversed_id"], picking_type, move_id, row["user_id"], now, row["user_id"], now)
              for row in rows], fetch=True, page_size=1000)
        for row, (ledger_id,) in zip(rows, ids):
            row["id"] = ledger_id
        self.env["jxc.stock.ledger"].invalidate_cache()
