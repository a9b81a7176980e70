#!/usr/bin/env python3
"""Runs the official Factur-X EN 16931 schematron (compiled to XSLT 2.0) on CII XML files with Saxon-HE (saxonche).

Usage: schematron.py XSLT FILE...   Prints every failed assertion (rule id, location, text) and exits 1 if any
file has one, 0 otherwise. Installed by scripts/test: pip install saxonche.
"""
import sys
import xml.etree.ElementTree as ET

from saxonche import PySaxonProcessor

SVRL = "{http://purl.oclc.org/dsdl/svrl}"


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    stylesheet, files = argv[1], argv[2:]
    failures = 0
    with PySaxonProcessor(license=False) as processor:
        executable = processor.new_xslt30_processor().compile_stylesheet(stylesheet_file=stylesheet)
        for path in files:
            report = executable.transform_to_string(source_file=path)
            root = ET.fromstring(report)
            fired = root.findall(f".//{SVRL}fired-rule")
            for failed in root.iter(f"{SVRL}failed-assert"):
                failures += 1
                text = " ".join((failed.findtext(f"{SVRL}text") or "").split())
                print(f"{path}: {failed.get('id')} ({failed.get('flag')}) at {failed.get('location')}: {text}")
            print(f"{path}: {len(fired)} rules fired")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
