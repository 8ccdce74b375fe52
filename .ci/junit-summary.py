#!/usr/bin/env python3
"""Counts the g_test cases in meson's JUnit logs and prints 'N passed, N failed, N skipped'.

With protocol 'tap' meson writes one <testcase> per TAP line (each g_test case). A test program
that crashed or timed out before printing its plan shows up as a failed suite-level case.
A program that printed only 'ok' lines but then failed (a sanitizer's report at exit: LSan's
leaks, TSan's exit code 66) has no failed <testcase>; meson's JSON log beside the JUnit one
(testlog.junit.xml -> testlog.json) has its result, and it counts as one more failure.
"""
import json
import os
import sys
import xml.etree.ElementTree as ET

FAILED = {'FAIL', 'ERROR', 'TIMEOUT', 'UNEXPECTEDPASS', 'INTERRUPT'}


def is_failure(case):
    return case.find('failure') is not None or case.find('error') is not None


passed = failed = skipped = 0
for path in sys.argv[1:]:
    root = ET.parse(path).getroot()
    for case in root.iter('testcase'):
        if is_failure(case):
            failed += 1
        elif case.find('skipped') is not None:
            skipped += 1
        else:
            passed += 1
    json_log = path[:-len('.junit.xml')] + '.json' if path.endswith('.junit.xml') else None
    if json_log is None or not os.path.exists(json_log):
        continue
    suites = {s.get('name'): s for s in root.iter('testsuite')}
    with open(json_log, encoding='utf-8') as f:
        for line in f:
            test = json.loads(line)
            if test.get('result') not in FAILED:
                continue
            # "project:suite+suite / name" -> the JUnit suite "project.name" of a TAP test
            project, _, rest = test['name'].partition(':')
            suite = suites.get(f"{project}.{rest.split(' / ', 1)[-1]}")
            if suite is not None and not any(is_failure(c) for c in suite.iter('testcase')):
                failed += 1
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
