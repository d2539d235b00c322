import glob
import logging
import os
import time
from datetime import datetime, timedelta

from odoo import _, api, fields, models
from odoo.service import db as odoo_db

_logger = logging.getLogger(__name__)

# Odoo's own dump (zip: dump.sql, filestore, manifest.json; what its database manager restores).
# Its decorator refuses when the database list is disabled (list_db = False), which guards the
# database manager's web routes, not a backup an administrator scheduled: call the dump itself.
_dump_db = getattr(odoo_db.dump_db, "__wrapped__", odoo_db.dump_db)


class JxcBackupRun(models.Model):
    """One scheduled backup of the database: when, whether it worked, where it went."""
    _name = "jxc.backup.run"
    _description = "Backup Run"
    _order = "date desc, id desc"
    _rec_name = "date"

    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    company_id = fields.Many2one("res.company", readonly=True)
    state = fields.Selection([("ok", "Done"), ("failed", "Failed")], "Result", required=True, readonly=True)
    file = fields.Char("Backup File", readonly=True)
    size = fields.Integer("Size (bytes)", readonly=True)
    duration = fields.Float("Duration (s)", digits=(16, 1), readonly=True)
    message = fields.Text(readonly=True)

    @api.model
    def _cron_backup(self):
        """Scheduled action: back up the database when a company turned scheduled backups on."""
        company = self.env["res.company"].sudo().search([("jxc_backup_enabled", "=", True)], limit=1)
        if company:
            self.sudo()._run_backup(company)

    @api.model
    def _run_backup(self, company):
        """Dump this database with its filestore into the company's backup folder, delete the
        backups older than its days to keep, log the run; a failed run opens a warning."""
        start = time.time()
        dbname = self.env.cr.dbname
        folder = (company.jxc_backup_dir or "").strip()
        path = None
        try:
            if not folder:
                raise ValueError(_("No backup folder is set (Settings, 进销存)."))
            os.makedirs(folder, exist_ok=True)
            stamp = datetime.utcnow().strftime("%Y%m%d-%H%M%S")
            path = os.path.join(folder, "%s-%s.zip" % (dbname, stamp))
            with open(path + ".partial", "wb") as stream:
                _dump_db(dbname, stream, "zip")
            os.rename(path + ".partial", path)
            removed = self._remove_old_backups(folder, dbname, company.jxc_backup_keep_days, path)
            size = os.path.getsize(path)
            message = _("Backup written: %s") % path
            if removed:
                message += "\n" + _("Old backups removed: %s") % ", ".join(removed)
            run = self.create({"company_id": company.id, "state": "ok", "file": path, "size": size,
                               "duration": time.time() - start, "message": message})
            self._close_backup_warnings(company)
        except Exception as exc:  # any failure is logged and shown on the Warnings board
            _logger.exception("进销存 scheduled backup of %s failed", dbname)
            if path and os.path.exists(path + ".partial"):
                os.remove(path + ".partial")
            message = _("Backup of database %s into %s failed: %s") % (dbname, folder or "-", exc)
            run = self.create({"company_id": company.id, "state": "failed", "file": path,
                               "duration": time.time() - start, "message": message})
            self._open_backup_warning(company, message)
        return run

    @api.model
    def _remove_old_backups(self, folder, dbname, keep_days, current):
        if not keep_days or keep_days < 1:
            return []
        limit = time.time() - keep_days * 86400
        removed = []
        for old in sorted(glob.glob(os.path.join(glob.escape(folder), glob.escape(dbname) + "-*.zip"))):
            if old != current and os.path.getmtime(old) < limit:
                os.remove(old)
                removed.append(os.path.basename(old))
        return removed

    @api.model
    def _open_backup_warning(self, company, message):
        warnings = self.env["jxc.reorder.warning"].sudo()._jxc_system()
        existing = warnings.search([("kind", "=", "backup"), ("state", "=", "open"), ("company_id", "=", company.id)], limit=1)
        if existing:
            existing.write({"name": message})
        else:
            warnings.create({"kind": "backup", "state": "open", "company_id": company.id, "name": message,
                             "date_open": fields.Datetime.now()})

    @api.model
    def _close_backup_warnings(self, company):
        warnings = self.env["jxc.reorder.warning"].sudo()._jxc_system()
        warnings.search([("kind", "=", "backup"), ("state", "=", "open"), ("company_id", "=", company.id)]).write(
            {"state": "closed", "date_closed": fields.Datetime.now()})
