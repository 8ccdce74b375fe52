#!/usr/bin/env python3
"""Fails when a translation is incomplete or broken, or when POTFILES.in misses a source file.

For every language in po/LINGUAS:
  1. `msgfmt --check --check-accelerators=_` accepts <lang>.po as it is (it is what the build
     compiles): the header, the plural forms, every c-format string and one mnemonic per label.
  2. The template is regenerated from POTFILES.in with xgettext into a temporary folder, the .po
     is merged with it (msgmerge), and the result must have no untranslated and no fuzzy
     message: a string added or changed in the sources without its translation fails here.
  3. The merged .desktop file and AppStream metainfo carry the language (i18n.merge_file).
Before that, every file under the source folders that can hold translatable strings (the GUI's
C sources and headers, the .ui templates, the desktop, metainfo and schema files) and yields a
message when xgettext reads it alone must be listed in POTFILES.in.

Usage: check-translations.py SRCDIR XGETTEXT MSGMERGE MSGFMT MSGATTRIB DESKTOP METAINFO
"""
import glob
import os
import subprocess
import sys
import tempfile

# The keywords and flags of GLib's gi18n.h, as i18n.gettext(preset: 'glib') passes them.
XGETTEXT_ARGS = [
    '--from-code=UTF-8', '--add-comments', '--package-name=ecg-workbench',
    '--keyword=_', '--keyword=N_', '--keyword=C_:1c,2', '--keyword=NC_:1c,2',
    '--keyword=g_dcgettext:2', '--keyword=g_dngettext:2,3', '--keyword=g_dpgettext2:2c,3',
    '--flag=N_:1:pass-c-format', '--flag=C_:2:pass-c-format', '--flag=NC_:2:pass-c-format',
    '--flag=g_dngettext:2:pass-c-format', '--flag=g_strdup_printf:1:c-format',
    '--flag=g_string_printf:2:c-format', '--flag=g_string_append_printf:2:c-format',
]

# Where translatable strings can live; the engine and the CLI are not translated.
CANDIDATES = [
    'ui/*.c', 'ui/*.h', 'resources/ui/*.ui', 'resources/*.desktop.in',
    'resources/*.metainfo.xml.in', 'resources/*.gschema.xml', 'app/ecg-workbench-main.c',
]


def read_list(path):
    with open(path, encoding='utf-8') as f:
        return [line.strip() for line in f
                if line.strip() and not line.lstrip().startswith('#')]


def xgettext(tool, srcdir, files, output):
    with tempfile.NamedTemporaryFile('w', suffix='.list', delete=False) as listing:
        listing.write('\n'.join(files) + '\n')
    try:
        subprocess.run([tool] + XGETTEXT_ARGS + ['-D', srcdir, '-f', listing.name,
                                                 '-o', output],
                       check=True)
    finally:
        os.unlink(listing.name)
    # xgettext writes nothing when it finds no message.
    return os.path.exists(output)


def msgids(tool, po):
    """The msgids (first lines) that msgattrib's filter in `tool` keeps, for the report."""
    out = subprocess.run(tool + [po], check=True, capture_output=True, text=True).stdout
    return [line[len('msgid '):] for line in out.splitlines()
            if line.startswith('msgid ') and line != 'msgid ""']


def main():
    srcdir, xgettext_tool, msgmerge, msgfmt, msgattrib, desktop, metainfo = sys.argv[1:8]
    podir = os.path.join(srcdir, 'po')
    failures = []

    potfiles = read_list(os.path.join(podir, 'POTFILES.in'))
    for path in potfiles:
        if not os.path.isfile(os.path.join(srcdir, path)):
            failures.append(f'POTFILES.in lists {path}, which does not exist')

    with tempfile.TemporaryDirectory() as tmp:
        candidates = sorted({os.path.relpath(p, srcdir)
                             for pattern in CANDIDATES
                             for p in glob.glob(os.path.join(srcdir, pattern))})
        for path in candidates:
            if path in potfiles:
                continue
            if xgettext(xgettext_tool, srcdir, [path], os.path.join(tmp, 'one.pot')):
                failures.append(f'{path} has translatable strings but is not in '
                                'po/POTFILES.in')
                os.unlink(os.path.join(tmp, 'one.pot'))

        pot = os.path.join(tmp, 'ecg-workbench.pot')
        existing = [p for p in potfiles if os.path.isfile(os.path.join(srcdir, p))]
        if not xgettext(xgettext_tool, srcdir, existing, pot):
            failures.append('xgettext found no message in the files of POTFILES.in')

        languages = read_list(os.path.join(podir, 'LINGUAS'))
        if not languages:
            failures.append('po/LINGUAS lists no language')
        with open(desktop, encoding='utf-8') as f:
            desktop_text = f.read()
        with open(metainfo, encoding='utf-8') as f:
            metainfo_text = f.read()

        for lang in languages:
            po = os.path.join(podir, lang + '.po')
            check = subprocess.run([msgfmt, '--check', '--check-accelerators=_', '--statistics',
                                    '-o', os.devnull, po], capture_output=True, text=True)
            print(f'{lang}.po: {check.stderr.strip()}')
            if check.returncode != 0:
                failures.append(f'msgfmt --check rejects {lang}.po:\n{check.stderr}')
            if 'fuzzy' in check.stderr or 'untranslated' in check.stderr:
                failures.append(f'{lang}.po has fuzzy or untranslated messages')

            if os.path.exists(pot):
                merged = os.path.join(tmp, lang + '.po')
                subprocess.run([msgmerge, '--quiet', '-o', merged, po, pot], check=True)
                stats = subprocess.run([msgfmt, '--check', '--check-accelerators=_',
                                        '--statistics', '-o', os.devnull, merged],
                                       capture_output=True, text=True)
                print(f'{lang}.po merged with the sources: {stats.stderr.strip()}')
                if stats.returncode != 0:
                    failures.append(f'{lang}.po merged with the sources is broken:\n'
                                    f'{stats.stderr}')
                missing = (msgids([msgattrib, '--untranslated'], merged)
                           + msgids([msgattrib, '--only-fuzzy'], merged))
                if missing:
                    listed = '\n  '.join(missing[:40])
                    failures.append(f'{lang}.po lacks {len(missing)} message(s) of the sources '
                                    f'(run `meson compile ecg-workbench-update-po` and '
                                    f'translate):\n  {listed}')

            if f'Name[{lang}]=' not in desktop_text:
                failures.append(f'{os.path.basename(desktop)} has no Name[{lang}]')
            if f'xml:lang="{lang}"' not in metainfo_text:
                failures.append(f'{os.path.basename(metainfo)} has no xml:lang="{lang}"')

    for failure in failures:
        print('FAIL: ' + failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
