"""Merge a fresh .pot into a .po: keep existing translations, add new entries, drop obsolete ones.

Prints the msgids still untranslated so they can be filled in.
"""
import re
import sys

import polib


def main(pot_path, po_path):
    pot = polib.pofile(pot_path)
    try:
        po = polib.pofile(po_path)
    except (IOError, OSError):
        po = polib.POFile()
    po.merge(pot)
    po.obsolete_entries()
    for entry in po.obsolete_entries():
        po.remove(entry)
    po.metadata.update({
        "Project-Id-Version": pot.metadata.get("Project-Id-Version", "Odoo Server 11.0"),
        "Language": "zh_CN",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "",
        "Plural-Forms": "",
    })
    for entry in po:
        # Names written in Chinese in the source (demo data, chart accounts) are their own translation.
        if not entry.msgstr and re.search(r"[\u4e00-\u9fff]", entry.msgid) and not re.search(r"[a-z]{3,}", entry.msgid):
            entry.msgstr = entry.msgid
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.save(po_path)
    missing = [e.msgid for e in po if not e.msgstr]
    for msgid in missing:
        print("untranslated: %r" % msgid)
    print("%d entries, %d untranslated" % (len(po), len(missing)))


if __name__ == "__main__":
    main(*sys.argv[1:3])
