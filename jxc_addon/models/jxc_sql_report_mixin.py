from contextlib import contextmanager

from odoo import api, fields, models

# SQL that needs the user's today reads it with this expression (the database's date when unset).
SQL_TODAY = "COALESCE(NULLIF(current_setting('jxc.today', true), '')::date, CURRENT_DATE)"


@contextmanager
def report_settings(cr, today, work_mem=None):
    """For the statements of the block: no JIT (compiling a report query takes longer than running it),
    the user's `today` for SQL_TODAY and, if given, `work_mem` for big hash tables."""
    cr.execute("SELECT current_setting('jit'), current_setting('work_mem'), set_config('jit', 'off', true), "
               "set_config('jxc.today', %s, true), "
               "set_config('work_mem', COALESCE(%s, current_setting('work_mem')), true)", [today, work_mem])
    jit, previous_work_mem = cr.fetchone()[:2]
    yield
    # (after an error the transaction is rolled back, and the settings with it)
    cr.execute("SELECT set_config('jit', %s, true), set_config('work_mem', %s, true)", [jit, previous_work_mem])


def in_product_unit(quantity, line="l", template="pt"):
    """SQL: `quantity` of an order line (alias `line`, its unit uom_id) in its product's unit (the
    product template `template`). Lines in the product's unit, nearly all, are read as they are."""
    return ("CASE WHEN {line}.uom_id = {template}.uom_id THEN {qty} "
            "ELSE {qty} * jxc_uom_factor({template}.uom_id) / jxc_uom_factor({line}.uom_id) END").format(
        qty=quantity, line=line, template=template)


def in_company_currency(amount, order="o", company="c"):
    """SQL: `amount` of an order (alias `order`: currency_id, company_id, date_order) in the currency
    of its company (alias `company`) at the rate of the order date."""
    return ("CASE WHEN {o}.currency_id = {c}.currency_id THEN {amount} "
            "ELSE {amount} * jxc_currency_rate({c}.currency_id, {o}.company_id, {o}.date_order) "
            "/ jxc_currency_rate({o}.currency_id, {o}.company_id, {o}.date_order) END").format(
        amount=amount, o=order, c=company)


def weighted_read_group(read_group, fields, ratio, amount, quantity):
    """`read_group(fields)` whose `ratio` field (an average price) is, for each group, the group's
    Σ `amount` / Σ `quantity`: weighted by the quantities, never a sum or mean of the rows' ratios."""
    fields = list(fields or [])
    if ratio not in fields:
        return read_group(fields)
    extra = [name for name in (amount, quantity) if name not in fields]
    groups = read_group(fields + extra)
    for group in groups:
        total = group.get(quantity) or 0.0
        group[ratio] = (group.get(amount) or 0.0) / total if total else 0.0
        for name in extra:
            group.pop(name, None)
    return groups


def create_sql_functions(cr):
    """Functions of the analyses' views: a currency's rate as res.currency._get_rates reads it (the
    latest at the date, the company's own first, 1.0 when none) and a unit's factor. PL/pgSQL, so
    PostgreSQL calls them rather than inlining them as correlated subqueries, which would keep it
    from reading a million order lines in parallel; the views call them only for the rare line in
    another currency or another unit than the product's (in_product_unit, in_company_currency)."""
    cr.execute("""
        CREATE OR REPLACE FUNCTION jxc_currency_rate(currency integer, company integer, day date)
            RETURNS numeric LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
        BEGIN
            RETURN COALESCE((SELECT r.rate FROM res_currency_rate r
                              WHERE r.currency_id = currency AND r.name <= day
                                AND (r.company_id IS NULL OR r.company_id = company)
                              ORDER BY r.company_id, r.name DESC LIMIT 1), 1.0);
        END $$;
        CREATE OR REPLACE FUNCTION jxc_uom_factor(uom integer)
            RETURNS numeric LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
        BEGIN
            RETURN (SELECT factor FROM product_uom WHERE id = uom);
        END $$;
    """)


class JxcSqlReportMixin(models.AbstractModel):
    """Settings of the queries of the analyses (SQL views), set for each read, search and read_group
    and put back after it:

    - `jxc.today`, the user's today (in his time zone, fields.Date.context_today): views whose rows
      depend on today (aging buckets, late deliveries) read it through SQL_TODAY. The server runs in
      UTC: from midnight to 8 a.m. in China its CURRENT_DATE is still yesterday.
    - no JIT compilation: an aggregate over a million rows is planned expensive enough for
      PostgreSQL to compile it, which takes longer (about 2 s) than running it (bench/bench_analysis.py).

    A read_group on a many2one without an order of its own is ordered here, by the names, rather than
    in SQL: ordering a many2one in SQL joins its model and groups by its ordering columns, so that
    PostgreSQL expects as many groups as rows and sorts every row instead of hashing them.
    """
    _name = "jxc.sql.report.mixin"
    _description = "Settings of the analyses' queries"

    def _jxc_report_settings(self):
        return report_settings(self.env.cr, fields.Date.context_today(self))

    @api.model
    def _search(self, args, offset=0, limit=None, order=None, count=False, access_rights_uid=None):
        with self._jxc_report_settings():
            return super()._search(args, offset=offset, limit=limit, order=order, count=count,
                                   access_rights_uid=access_rights_uid)

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True):
        groupbys = [groupby] if isinstance(groupby, str) else list(groupby or [])
        used = groupbys[:1] if lazy else groupbys
        with self._jxc_report_settings():
            if orderby or limit or offset or not any(self._jxc_groupby_type(name) == "many2one" for name in used):
                return super().read_group(domain, fields, groupby, offset=offset, limit=limit, orderby=orderby,
                                          lazy=lazy)
            # "id" is the groups' min(id): an order that joins nothing
            groups = super().read_group(domain, fields, groupby, orderby="id", lazy=lazy)
        return sorted(groups, key=lambda group: [self._jxc_group_sort_key(group, name) for name in used])

    def _jxc_groupby_type(self, groupby):
        field = self._fields.get(groupby.split(":")[0])
        return field.type if field else None

    def _jxc_group_sort_key(self, group, groupby):
        """Where the group goes for `groupby` ('user_id', 'date:month'...): by name for a many2one,
        by date for a date, by value otherwise; empty values last, as PostgreSQL orders them."""
        kind = self._jxc_groupby_type(groupby)
        value = group.get(groupby)
        if kind == "many2one":
            value = value[1] if value else None
        elif kind in ("date", "datetime"):
            field = groupby.split(":")[0]
            value = next((leaf[2] for leaf in group.get("__domain", [])
                          if isinstance(leaf, (list, tuple)) and len(leaf) == 3 and leaf[0] == field
                          and leaf[1] == ">="), None)
        elif value is False:
            value = None
        return (value is None, value if value is not None else "")

    @api.multi
    def _read_from_database(self, field_names, inherited_field_names=[]):
        with self._jxc_report_settings():
            return super()._read_from_database(field_names, inherited_field_names)
