#!/usr/bin/env python3
"""No mutable globals in engine/ (STYLE: every job owns its state, so two jobs may run at once).

Lists every data object that an engine static library places in a writable section (.data,
.bss, thread-local .tdata/.tbss and their subsections, or common symbols) and fails for each
one that allowlist.txt does not name. `objdump -t` rather than `nm`: nm's 'd' also covers
.data.rel.ro, a table of pointers that the loader relocates and then makes read-only, which is
how `static const char *const names[]` ends up in position-independent code.

Usage: check-globals.py ALLOWLIST LIBRARY.a... [--scan DIR]
--scan DIR also checks every other lib*.a below DIR (a new engine folder is covered without
editing the test). Prints TAP, one case per library.
"""
import os
import re
import subprocess
import sys

# VALUE FLAGS(7) SECTION<TAB>SIZE NAME
SYMBOL = re.compile(r'^[0-9a-f]+ (.{7}) (\S+)\t([0-9a-f]+) (.*)$')
WRITABLE = re.compile(r'^(\.data|\.bss|\.tdata|\.tbss)(\..*)?$')
READ_ONLY_AFTER_RELOCATION = re.compile(r'^\.data\.rel\.ro(\..*)?$')
# Data the compiler's instrumentation adds (sanitizers, coverage, profiling); clang names
# UBSan's source locations and type descriptors __unnamed_N.
INSTRUMENTATION = ('.L', '__asan', '___asan', '__odr_asan', '__ubsan', '__tsan', '__sancov',
                   '__gcov', '__llvm', '__profc', '__profd', '__unnamed_')


def normalise(symbol):
    """GCC names a function's static `x` x.N, clang func.x: both become x."""
    symbol = re.sub(r'\.\d+$', '', symbol)
    return symbol.rsplit('.', 1)[-1]


def read_allowlist(path):
    """Lines 'LIBRARY OBJECT SYMBOL' (library without lib/.a, object as in the archive with
    its folder stripped); '#' starts a comment, which must say why the global is safe."""
    allowed = set()
    with open(path, encoding='utf-8') as f:
        for number, line in enumerate(f, 1):
            line = line.split('#', 1)[0].strip()
            if not line:
                continue
            fields = line.split()
            if len(fields) != 3:
                sys.exit(f'{path}:{number}: expected LIBRARY OBJECT SYMBOL')
            allowed.add(tuple(fields))
    return allowed


def writable_objects(library):
    """(object, symbol, section, size) of every writable data object in `library`."""
    out = subprocess.run(['objdump', '-t', library], check=True, capture_output=True,
                         text=True).stdout
    found = []
    member = None
    for line in out.splitlines():
        if line.endswith('file format elf64-x86-64') or ':     file format ' in line:
            member = os.path.basename(line.split(':     file format ')[0])
            continue
        m = SYMBOL.match(line)
        if m is None:
            continue
        flags, section, size, name = m.groups()
        is_object = 'O' in flags or section == '*COM*'
        if not is_object or name.startswith(INSTRUMENTATION):
            continue
        if section != '*COM*' and (not WRITABLE.match(section)
                                   or READ_ONLY_AFTER_RELOCATION.match(section)):
            continue
        found.append((member, name, section, int(size, 16)))
    return found


def library_name(path):
    base = os.path.basename(path)
    return base[3:-2] if base.startswith('lib') and base.endswith('.a') else base


def main(argv):
    args = argv[1:]
    scan = None
    if '--scan' in args:
        i = args.index('--scan')
        scan = args[i + 1]
        del args[i:i + 2]
    if not args:
        sys.exit(__doc__)
    allowed = read_allowlist(args[0])
    libraries = [os.path.realpath(a) for a in args[1:]]
    if scan is not None:
        for root, _dirs, files in os.walk(scan):
            for name in sorted(files):
                path = os.path.realpath(os.path.join(root, name))
                if name.startswith('lib') and name.endswith('.a') and path not in libraries:
                    libraries.append(path)
    libraries.sort(key=library_name)

    used = set()
    failed = 0
    print(f'1..{len(libraries)}')
    for n, library in enumerate(libraries, 1):
        lib = library_name(library)
        problems = []
        for member, name, section, size in writable_objects(library):
            key = (lib, member, normalise(name))
            if key in allowed:
                used.add(key)
                print(f'# allowed: {lib} {member} {name} ({section}, {size} bytes)')
            else:
                problems.append(f'{member}: {name} ({section}, {size} bytes)')
        if problems:
            failed += 1
            print(f'not ok {n} - {lib}: mutable globals')
            for p in problems:
                print(f'# {p}')
        else:
            print(f'ok {n} - {lib}')
    for key in sorted(allowed - used):
        print(f'# note: allowlist entry {" ".join(key)} matched nothing')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
