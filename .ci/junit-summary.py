#!/usr/bin/env python3
"""Counts the g_test cases in meson's JUnit logs and prints 'N passed, N failed, N skipped'.

With protocol 'tap' meson writes one <testcase> per TAP line (each g_test case). A test program
that crashed or timed out before printing its plan shows up as a failed suite-level case.
"""
import sys
import xml.etree.ElementTree as ET

passed = failed = skipped = 0
for path in sys.argv[1:]:
    for case in ET.parse(path).getroot().iter('testcase'):
        if case.find('failure') is not None or case.find('error') is not None:
            failed += 1
        elif case.find('skipped') is not None:
            skipped += 1
        else:
            passed += 1
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
