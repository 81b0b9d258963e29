#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
#
# The project's documentation stands on its own and its cross-references
# resolve:
#
#  1. no file of README.md, docs/, include/, lib/ or sim/ contains "shared/"
#     (a path into a tree a user of the project does not have), nor another
#     such path (/work/..., ../facts/...);
#  2. every relative link in README.md and docs/*.md names a file that
#     exists;
#  3. every "docs/<name>.md section N" (or "sections N, M and K") in the
#     code, and every "<name>.md section N" in the documents, names a
#     numbered heading ("## N." or "### N.M") of that document; a bare
#     "section N" in a document refers to its own headings; include/, lib/
#     and sim/ cite no other document's sections (tests may cite upstream
#     texts, but their docs/ references are checked too).
#
# Before checking the tree, the checker runs itself on a small tree with one
# fault of each kind and fails unless it reports all of them, so a checker
# that stopped finding anything cannot pass.
#
# usage: check_docs.py SOURCE_ROOT
import os
import re
import sys
import tempfile

GREP_DIRS = ['README.md', 'docs', 'include', 'lib', 'sim']
CODE_DIRS = ['include', 'lib', 'sim', 'tests', 'tools', 'fuzz', 'bench']
CODE_EXT = ('.c', '.h', '.in', '.py', '.build', '.txt', '.sh')
# This file's own examples of faults are not faults.
SELF = os.path.join('tests', 'tools', 'check_docs.py')

# Other trees a user of the project does not have either.
FOREIGN = re.compile(r'/work/|\.\./facts/|\bfacts/[\w-]+\.md')
HEADING = re.compile(r'^#{2,4}\s+(\d+(?:\.\d+)*)\.?\s', re.M)
LINK = re.compile(r'\]\(([^)\s#]+)(?:#[^)]*)?\)')
NUM = r'\d+(?:\.\d+)*'
NUMS = r'(%s(?:(?:\s*,\s*|\s+and\s+|\s+to\s+)%s)*)' % (NUM, NUM)
# A document named (as a path or a Markdown link) before "section(s)".
NAMED = re.compile(r'((?:docs/)?[a-z_-]+)\.md(?:\]\([^)]*\))?\s+sections?\s+'
                   + NUMS)
BARE = re.compile(r'(?:^|(?<=[\s(]))[Ss]ections?\s+' + NUMS)


def files_under(root, rel, exts=None):
    path = os.path.join(root, rel)
    if os.path.isfile(path):
        yield path
        return
    for dirpath, _, names in os.walk(path):
        for name in sorted(names):
            if exts is None or name.endswith(exts) or name == 'meson.build':
                yield os.path.join(dirpath, name)


def read(path):
    with open(path, encoding='utf-8', errors='replace') as f:
        return f.read()


def flatten(text):
    """Join comment lines ("\n * ", "\n# ", "\n// ") into one line."""
    return re.sub(r'\n[ \t]*(?:\*(?!/)|//|#)?[ \t]*', ' ', text)


def numbers(spec):
    return re.findall(NUM, spec)


def headings(root, doc, cache):
    if doc not in cache:
        path = os.path.join(root, 'docs', doc + '.md')
        cache[doc] = (set(HEADING.findall(read(path)))
                      if os.path.isfile(path) else None)
    return cache[doc]


def check_refs(root, where, text, own, cache, problems, code=None):
    """@code: None for a document, 'strict' for include/, lib/ and sim/
    (every "x.md section" must be a docs/ path), 'docs' elsewhere (only
    docs/ paths are checked: tests may cite other texts)."""
    flat = flatten(text)
    for m in NAMED.finditer(flat):
        doc = m.group(1).split('/')[-1]
        if code and not m.group(1).startswith('docs/'):
            if code == 'strict':
                problems.append('%s: "%s" is not a docs/ reference'
                                % (where, m.group(0)))
            continue
        have = headings(root, doc, cache)
        if have is None:
            problems.append('%s: "%s" names docs/%s.md, which does not exist'
                            % (where, m.group(0), doc))
            continue
        for n in numbers(m.group(2)):
            if n not in have:
                problems.append('%s: "%s": docs/%s.md has no section %s'
                                % (where, m.group(0), doc, n))
    if own is None:
        return
    for m in BARE.finditer(flat):
        # Skip what NAMED took ("abi.md section 3" has no bare match).
        before = flat[max(0, m.start() - 40):m.start()]
        if re.search(r'\.md(?:\]\([^)]*\))?\s$', before):
            continue
        have = headings(root, own, cache)
        for n in numbers(m.group(1)):
            if n not in have:
                problems.append('%s: "%s": no section %s here'
                                % (where, m.group(0).strip(), n))


def check(root):
    problems = []
    cache = {}

    for rel in GREP_DIRS:
        for path in files_under(root, rel):
            for i, line in enumerate(read(path).splitlines(), 1):
                if 'shared/' in line:
                    problems.append('%s:%d: contains "shared/": %s'
                                    % (os.path.relpath(path, root), i,
                                       line.strip()))
                elif FOREIGN.search(line):
                    problems.append('%s:%d: names a path outside the '
                                    'project: %s'
                                    % (os.path.relpath(path, root), i,
                                       line.strip()))

    docs = [os.path.join(root, 'README.md')]
    docs += sorted(files_under(root, 'docs', ('.md',)))
    for path in docs:
        if not os.path.isfile(path):
            problems.append('%s: missing' % os.path.relpath(path, root))
            continue
        rel = os.path.relpath(path, root)
        text = read(path)
        for m in LINK.finditer(text):
            target = m.group(1)
            if re.match(r'[a-z]+:', target):
                continue
            full = os.path.normpath(os.path.join(os.path.dirname(path),
                                                 target))
            if not os.path.exists(full):
                problems.append('%s: link to %s: no such file'
                                % (rel, target))
        own = None
        if rel.startswith('docs' + os.sep):
            own = os.path.splitext(os.path.basename(path))[0]
        check_refs(root, rel, text, own, cache, problems)

    for top in CODE_DIRS:
        mode = 'strict' if top in GREP_DIRS else 'docs'
        for path in files_under(root, top, CODE_EXT):
            if os.path.relpath(path, root) == SELF:
                continue
            check_refs(root, os.path.relpath(path, root), read(path), None,
                       cache, problems, mode)
    return problems


def self_test():
    """A tree with one fault of each kind: every one must be reported."""
    files = {
        'README.md': 'See [the design](docs/design.md) and [gone](docs/gone.md).\n',
        'docs/design.md': ('# Design\n\n## 1. One\n\n### 1.1 Sub\n\n'
                           'As section 1.1 says, and section 4 does not.\n'
                           'Also [abi.md](abi.md) section 2.\n'),
        'docs/abi.md': '# ABI\n\n## 1. Only\n',
        'include/x.h': ('/*\n * as docs/design.md section 1.1 and\n'
                        ' * docs/abi.md sections 1 and 7 say\n */\n'),
        'lib/y.c': '/* from ../shared/spec */\n',
        'lib/w.c': '/* as /work/facts/firmware-answers.md says */\n',
        'sim/z.c': '/* docs/nothere.md section 1, abi-facts.md section 2 */\n',
        'tests/t.c': '/* abi-facts.md section 9; docs/abi.md section 3 */\n',
    }
    expect = ['gone.md', 'no section 4 here', 'has no section 2',
              'has no section 7', 'contains "shared/"',
              'lib/w.c:1: names a path outside the project',
              'nothere.md, which does not exist',
              '"abi-facts.md section 2" is not a docs/ reference',
              'tests/t.c: "docs/abi.md section 3": docs/abi.md has no section 3']
    with tempfile.TemporaryDirectory() as tmp:
        for rel, text in files.items():
            os.makedirs(os.path.dirname(os.path.join(tmp, rel)) or tmp,
                        exist_ok=True)
            with open(os.path.join(tmp, rel), 'w') as f:
                f.write(text)
        got = check(tmp)
    missed = [e for e in expect if not any(e in p for p in got)]
    extra = [p for p in got if not any(e in p for e in expect)]
    if missed or extra or len(got) != len(expect):
        print('check_docs: self-test failed', file=sys.stderr)
        for e in missed:
            print('  not reported: %s' % e, file=sys.stderr)
        for p in extra:
            print('  reported wrongly: %s' % p, file=sys.stderr)
        return False
    return True


def main():
    if len(sys.argv) != 2:
        print('usage: check_docs.py SOURCE_ROOT', file=sys.stderr)
        return 2
    if not self_test():
        return 1
    problems = check(sys.argv[1])
    for p in problems:
        print('check_docs: %s' % p, file=sys.stderr)
    if problems:
        print('check_docs: %d problem(s)' % len(problems), file=sys.stderr)
        return 1
    print('check_docs: README.md and docs/ links and section references '
          'resolve; nothing names shared/')
    return 0


if __name__ == '__main__':
    sys.exit(main())
