"""Scheduled backup (jxc.backup.run): off by default, Odoo's zip dump into the company's folder,
old backups deleted, a failure logged and raised on the Warnings board, administrators alone set it."""
import os
import shutil
import tempfile
import time
import zipfile

from odoo.exceptions import AccessError
from odoo.tests.common import TransactionCase


class TestBackupRun(TransactionCase):

    def setUp(self):
        super().setUp()
        self.folder = tempfile.mkdtemp(prefix="jxc-backup-test-")
        self.addCleanup(shutil.rmtree, self.folder, ignore_errors=True)
        self.company = self.env.user.company_id
        self.runs = self.env["jxc.backup.run"]
        self.warnings = self.env["jxc.reorder.warning"]

    def _backup_warnings(self, state="open"):
        return self.warnings.search([("kind", "=", "backup"), ("state", "=", state),
                                     ("company_id", "=", self.company.id)])

    def test_off_by_default(self):
        self.assertFalse(self.env["res.company"].create({"name": "Backup Default Co"}).jxc_backup_enabled)
        self.env["res.company"].search([]).write({"jxc_backup_enabled": False})
        before = self.runs.search_count([])
        self.runs._cron_backup()
        self.assertEqual(self.runs.search_count([]), before, "no backup while nobody turned it on")
        cron = self.env.ref("jxc_addon.ir_cron_jxc_backup")
        self.assertEqual(cron.code.strip(), "model._cron_backup()")

    def test_backup_into_folder_and_cleanup(self):
        db = self.env.cr.dbname
        old = os.path.join(self.folder, "%s-20000101-000000.zip" % db)
        other = os.path.join(self.folder, "notes.txt")
        for path in (old, other):
            with open(path, "w") as fh:
                fh.write("x")
        ten_days_ago = time.time() - 10 * 86400
        os.utime(old, (ten_days_ago, ten_days_ago))
        os.utime(other, (ten_days_ago, ten_days_ago))
        self.company.write({"jxc_backup_enabled": True, "jxc_backup_dir": self.folder, "jxc_backup_keep_days": 7})
        self.runs._cron_backup()
        run = self.runs.search([], limit=1)
        self.assertEqual(run.state, "ok", run.message)
        self.assertTrue(run.file.startswith(os.path.join(self.folder, db + "-")) and run.file.endswith(".zip"))
        self.assertEqual(run.size, os.path.getsize(run.file))
        self.assertGreater(run.size, 0)
        self.assertGreaterEqual(run.duration, 0)
        with zipfile.ZipFile(run.file) as archive:
            names = archive.namelist()
        self.assertIn("dump.sql", names)
        self.assertIn("manifest.json", names)
        self.assertTrue(any(name.startswith("filestore/") for name in names), "the attachments are in the backup")
        self.assertFalse(os.path.exists(old), "a backup older than the days to keep is deleted")
        self.assertTrue(os.path.exists(other), "other files of the folder are left alone")
        self.assertFalse([n for n in os.listdir(self.folder) if n.endswith(".partial")])

    def test_failure_logged_and_warned_then_closed(self):
        blocker = os.path.join(self.folder, "a-file")
        with open(blocker, "w") as fh:
            fh.write("x")
        self.company.write({"jxc_backup_enabled": True, "jxc_backup_dir": os.path.join(blocker, "sub")})
        run = self.runs._run_backup(self.company)
        self.assertEqual(run.state, "failed")
        self.assertIn(blocker, run.message)
        warning = self._backup_warnings()
        self.assertEqual(len(warning), 1)
        self.assertIn(blocker, warning.name)
        # A second failure updates the open warning instead of adding one.
        self.runs._run_backup(self.company)
        self.assertEqual(len(self._backup_warnings()), 1)
        # The next good run closes it.
        self.company.write({"jxc_backup_dir": self.folder})
        self.assertEqual(self.runs._run_backup(self.company).state, "ok")
        self.assertFalse(self._backup_warnings())
        self.assertIn(warning, self._backup_warnings("closed"))

    def test_only_administrators_set_the_backup(self):
        manager = self.env["res.users"].search([("login", "=", "manager")])
        self.assertTrue(manager.has_group("jxc_addon.group_jxc_manager"))
        self.assertFalse(manager.has_group("base.group_system"))
        company = self.company.sudo(manager)
        with self.assertRaises(AccessError):
            company.write({"jxc_backup_dir": "/tmp/elsewhere"})
        with self.assertRaises(AccessError):
            company.write({"jxc_backup_enabled": True})
        # The Manager still saves the other 进销存 settings, and reads the backup log.
        company.write({"jxc_slow_days": 60})
        self.assertNotIn("jxc_backup_dir", self.env["res.config.settings"].sudo(manager)._jxc_company_fields())
        self.runs.create({"state": "failed", "message": "test"})
        self.assertTrue(self.runs.sudo(manager).search([]))
        with self.assertRaises(AccessError):
            self.runs.sudo(manager).create({"state": "ok"})
