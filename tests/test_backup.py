"""`make backup` / `make restore` (tools/dev.sh backup|restore): a database and its filestore
round-trip into a new database, and an existing database is never overwritten without FORCE=1."""
import json
import os
import shutil
import subprocess
import tarfile

import pytest

from test_install import _connect, _drop

# What must survive a backup: counts, and a fingerprint of the stock tables' rows.
QUERIES = {
    "stock documents": "SELECT COUNT(*) FROM jxc_stock_picking",
    "stock document lines": "SELECT COUNT(*) FROM jxc_stock_picking_line",
    "ledger rows": "SELECT COUNT(*) FROM jxc_stock_ledger",
    "quants": "SELECT COUNT(*) FROM jxc_stock_quant",
    "journal entries": "SELECT COUNT(*) FROM account_move",
    "journal items": "SELECT COUNT(*) FROM account_move_line",
    "sales orders": "SELECT COUNT(*) FROM jxc_sale_order",
    "purchase orders": "SELECT COUNT(*) FROM jxc_purchase_order",
    "attachments": "SELECT COUNT(*) FROM ir_attachment",
    "ledger fingerprint": "SELECT md5(string_agg(concat_ws(':', id, product_id, warehouse_id, quantity, value,"
                          " balance_qty, balance_value, move_id), ',' ORDER BY id)) FROM jxc_stock_ledger",
    "quant fingerprint": "SELECT md5(string_agg(concat_ws(':', id, product_id, warehouse_id, quantity, value),"
                         " ',' ORDER BY id)) FROM jxc_stock_quant",
}

# Σ ledger quantity and value per product × warehouse must equal the quants (the integrity check).
LEDGER_VS_QUANTS = """
    WITH l AS (SELECT company_id, product_id, warehouse_id, SUM(quantity) AS qty, SUM(value) AS value
                 FROM jxc_stock_ledger GROUP BY 1, 2, 3)
    SELECT COUNT(*)
      FROM jxc_stock_quant q
      FULL OUTER JOIN l ON l.company_id = q.company_id AND l.product_id = q.product_id
                       AND l.warehouse_id = q.warehouse_id
     WHERE ROUND((COALESCE(l.qty, 0) - COALESCE(q.quantity, 0))::numeric, 6) <> 0
        OR ROUND((COALESCE(l.value, 0) - COALESCE(q.value, 0))::numeric, 2) <> 0
"""


def _facts(odoo_env, dbname):
    conn = _connect(odoo_env, dbname)
    try:
        with conn.cursor() as cr:
            facts = {}
            for name, query in QUERIES.items():
                cr.execute(query)
                facts[name] = cr.fetchone()[0]
            cr.execute(LEDGER_VS_QUANTS)
            mismatches = cr.fetchone()[0]
            cr.execute("SELECT store_fname FROM ir_attachment WHERE store_fname IS NOT NULL")
            files = sorted(row[0] for row in cr.fetchall())
    finally:
        conn.close()
    return facts, mismatches, files


def _dev(odoo_env, backup_dir, *args, force=False, keep=7):
    env = dict(os.environ, JXC_BACKUP_DIR=str(backup_dir), JXC_BACKUP_KEEP=str(keep))
    env.pop("JXC_FORCE", None)
    if force:
        env["JXC_FORCE"] = "1"
    return subprocess.run([os.path.join(odoo_env["root"], "tools", "dev.sh")] + list(args),
                          env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=600)


def _filestore(odoo_env, dbname):
    return os.path.join(odoo_env["state"], "odoo-data", "filestore", dbname)


@pytest.fixture
def target(odoo_env):
    name = odoo_env["db"] + "_restored"
    _drop(odoo_env, name)
    shutil.rmtree(_filestore(odoo_env, name), ignore_errors=True)
    yield name
    _drop(odoo_env, name)
    _drop(odoo_env, name + "__restoring")
    shutil.rmtree(_filestore(odoo_env, name), ignore_errors=True)


def test_backup_restore_round_trip(odoo_env, target, tmp_path):
    source = odoo_env["db"]
    backup_dir = tmp_path / "backups"

    # Two backups with JXC_BACKUP_KEEP=1: the newest alone is kept.
    first = _dev(odoo_env, backup_dir, "backup", source, keep=1)
    assert first.returncode == 0, first.stderr
    second = _dev(odoo_env, backup_dir, "backup", source, keep=1)
    assert second.returncode == 0, second.stderr
    path = second.stdout.strip().splitlines()[-1]
    assert sorted(os.listdir(str(backup_dir))) == [os.path.basename(path)], "older backups are rotated out"
    assert os.path.basename(path).startswith(source + "-") and path.endswith(".tar")
    with tarfile.open(path) as tar:
        assert sorted(tar.getnames()) == ["dump.pgdump", "filestore.tar.gz", "manifest.json"]
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["db_name"] == source
    assert manifest["pg_version"].startswith("15")

    restored = _dev(odoo_env, backup_dir, "restore", path, target)
    assert restored.returncode == 0, restored.stderr

    src_facts, src_mismatches, src_files = _facts(odoo_env, source)
    new_facts, new_mismatches, new_files = _facts(odoo_env, target)
    assert src_facts["ledger rows"] > 0 and src_facts["stock documents"] > 0, "the test database has stock to compare"
    assert new_facts == src_facts
    assert src_mismatches == 0 and new_mismatches == 0, "ledger and quants agree in the restored database"

    # Every attachment file of the source is in the restored filestore, with the same content size.
    assert new_files == src_files
    present = [f for f in src_files if os.path.isfile(os.path.join(_filestore(odoo_env, source), f))]
    assert present, "the test database has attachments in its filestore"
    for fname in present:
        copy = os.path.join(_filestore(odoo_env, target), fname)
        assert os.path.isfile(copy), "attachment %s missing from the restored filestore" % fname
        assert os.path.getsize(copy) == os.path.getsize(os.path.join(_filestore(odoo_env, source), fname))

    # Restoring onto an existing database without FORCE refuses and changes nothing.
    conn = _connect(odoo_env, target)
    conn.autocommit = True
    with conn.cursor() as cr:
        cr.execute("CREATE TABLE jxc_backup_marker (id int)")
    conn.close()
    marker = os.path.join(_filestore(odoo_env, target), "marker.txt")
    with open(marker, "w") as fh:
        fh.write("kept")
    refused = _dev(odoo_env, backup_dir, "restore", path, target)
    assert refused.returncode != 0
    assert "already exists" in refused.stderr and "FORCE=1" in refused.stderr
    conn = _connect(odoo_env, target)
    with conn.cursor() as cr:
        cr.execute("SELECT to_regclass('jxc_backup_marker') IS NOT NULL")
        assert cr.fetchone()[0], "the existing database was left untouched"
    conn.close()
    assert os.path.isfile(marker), "the existing filestore was left untouched"

    # With FORCE=1 it is replaced by the backup's content.
    forced = _dev(odoo_env, backup_dir, "restore", path, target, force=True)
    assert forced.returncode == 0, forced.stderr
    conn = _connect(odoo_env, target)
    with conn.cursor() as cr:
        cr.execute("SELECT to_regclass('jxc_backup_marker') IS NULL")
        assert cr.fetchone()[0]
    conn.close()
    assert not os.path.exists(marker)
    assert _facts(odoo_env, target)[0] == src_facts


def test_restore_refuses_a_file_that_is_not_a_backup(odoo_env, target, tmp_path):
    bogus = tmp_path / "not-a-backup.tar"
    bogus.write_text("nothing")
    result = _dev(odoo_env, tmp_path, "restore", str(bogus), target)
    assert result.returncode != 0
    assert "is not a jxc backup" in result.stderr
    conn = _connect(odoo_env, "postgres")
    with conn.cursor() as cr:
        cr.execute("SELECT COUNT(*) FROM pg_database WHERE datname IN (%s, %s)", (target, target + "__restoring"))
        assert cr.fetchone()[0] == 0
    conn.close()
