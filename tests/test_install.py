"""jxc_addon installs alone and beside Odoo's own stock, sale_management and purchase."""
import subprocess

import psycopg2
import pytest

from conftest import odoo_command

# Lines Odoo logs about addons shipped without their dependencies in the wheels: harmless.
HARMLESS = ()


def _connect(odoo_env, dbname):
    import configparser
    conf = configparser.ConfigParser()
    conf.read(odoo_env["conf"])
    opts = conf["options"]
    return psycopg2.connect(dbname=dbname, host=opts["db_host"], port=opts["db_port"], user=opts["db_user"])


def _drop(odoo_env, dbname):
    conn = _connect(odoo_env, "postgres")
    conn.autocommit = True
    with conn.cursor() as cr:
        cr.execute('DROP DATABASE IF EXISTS "%s"' % dbname.replace('"', ''))
    conn.close()


@pytest.fixture(scope="module")
def installs(odoo_env):
    """Install both databases at once (two cores), then check each."""
    cases = {
        "alone": ("jxc_addon", []),
        "beside_core": ("stock,sale_management,purchase,jxc_addon", ["--without-demo=all"]),
    }
    procs = {}
    for name, (modules, extra) in cases.items():
        dbname = "%s_%s" % (odoo_env["db"], name)
        _drop(odoo_env, dbname)
        procs[name] = (dbname, subprocess.Popen(
            odoo_command(odoo_env, "-d", dbname, "-i", modules, "--stop-after-init",
                         "--log-level=warn", "--max-cron-threads=0", *extra),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True))
    results = {}
    for name, (dbname, proc) in procs.items():
        output, _ = proc.communicate(timeout=900)
        results[name] = (dbname, proc.returncode, output)
    yield results
    for dbname, _, _ in results.values():
        _drop(odoo_env, dbname)


def _check(odoo_env, result, modules):
    dbname, returncode, output = result
    assert returncode == 0, output[-3000:]
    errors = [line for line in output.splitlines()
              if (" ERROR " in line or " CRITICAL " in line) and not any(h in line for h in HARMLESS)]
    assert not errors, "\n".join(errors[:20])
    conn = _connect(odoo_env, dbname)
    with conn.cursor() as cr:
        cr.execute("SELECT name, state FROM ir_module_module WHERE name IN %s", (tuple(modules),))
        states = dict(cr.fetchall())
        cr.execute("SELECT count(*) FROM ir_model WHERE model = 'jxc.warehouse'")
        model_count = cr.fetchone()[0]
        cr.execute("SELECT count(*) FROM jxc_warehouse")
        warehouses = cr.fetchone()[0]
    conn.close()
    assert states == {m: "installed" for m in modules}
    assert model_count == 1
    return warehouses


def test_install_alone_with_demo(odoo_env, installs):
    warehouses = _check(odoo_env, installs["alone"], ["jxc_addon"])
    assert warehouses == 2, "demo data loads without a Chinese chart too"


def test_install_beside_stock_sale_purchase(odoo_env, installs):
    warehouses = _check(odoo_env, installs["beside_core"],
                        ["stock", "sale_management", "purchase", "jxc_addon"])
    assert warehouses == 0, "no demo data asked for"
