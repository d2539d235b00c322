"""pytest configuration shared by jxc_addon/tests (inside Odoo) and tests/ (from outside)."""
import pytest_odoo

# pytest-odoo 1.0.1 reads "<5 levels up>/__manifest__.py" even when no addon encloses a path,
# which breaks collecting tests/ beside the addon. Report "no manifest" instead.
_find_manifest_path = pytest_odoo._find_manifest_path


def _find_existing_manifest_path(collection_path):
    path = _find_manifest_path(collection_path)
    return path if path.is_file() else None


pytest_odoo._find_manifest_path = _find_existing_manifest_path
