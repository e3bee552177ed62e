/**
 * Every link to the project's own documents leads somewhere. In every TypeScript and Markdown file
 * of the repository, a mention of `docs/<file>.md` or `docs/<file>.md#anchor` must name a file
 * that exists and, with an anchor, one of its headings; in Markdown files, so must every relative
 * link `[text](path#anchor)`. Anchors are GitHub's heading slugs. Design notes kept outside the
 * repository must not be cited at all: nobody who clones it can follow them.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** This file: its self-test holds broken links on purpose. */
const SELF = 'test/unit/docs-links.test.ts';
const SKIPPED_DIRECTORIES = new Set(['.git', 'node_modules', 'cdk.out', '.data', 'dist', 'coverage']);
const SCANNED = /\.(ts|md)$/;

/** Names of notes that are not part of the repository; a citation of one can never be followed. */
const OUTSIDE_NOTES = /\b(?:ARCHITECTURE|DOMAIN|STACK|STYLE)\.md\b/g;
/** An outside note's name, for the self-test only. */
const OUTSIDE = ['ARCHITECTURE', 'md'].join('.');
/** `docs/<file>.md`, optionally `#anchor`, anywhere (comments, strings, prose), from the repository root. */
const DOCS_MENTION = /(?<![\w./-])docs\/([\w.-]+\.md)(?:#([\p{L}\p{N}_-]+))?/gu;
/** A Markdown link or image: `[text](target)` or `[text](target "title")`. */
const MARKDOWN_LINK = /!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g;
const FENCE = /^\s*(```|~~~)/;

/**
 * The anchor GitHub gives a heading: lower case, every character that is not a letter, digit,
 * space, hyphen or underscore dropped, each space a hyphen. A link in a heading counts as its text.
 */
const slugOf = (heading: string): string =>
  heading
    .trim()
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M} _-]/gu, '')
    .replace(/ /g, '-');

/** The lines of a Markdown text outside fenced code blocks, with their numbers (1-based). */
const proseLines = (markdown: string): { readonly line: number; readonly text: string }[] => {
  let fenced = false;
  return markdown.split('\n').flatMap((text, index) => {
    if (FENCE.test(text)) {
      fenced = !fenced;
      return [];
    }
    return fenced ? [] : [{ line: index + 1, text }];
  });
};

/** The anchors of a Markdown text's headings; a repeated heading gets `-1`, `-2` … as on GitHub. */
const anchorsOf = (markdown: string): ReadonlySet<string> => {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const { text } of proseLines(markdown)) {
    const heading = /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(text)?.[1];
    if (heading === undefined) continue;
    const slug = slugOf(heading);
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
};

/** What a link points at: a path from the repository root and, maybe, an anchor in it. */
interface Link {
  readonly line: number;
  readonly written: string;
  readonly path: string;
  readonly anchor?: string;
}

const lineAt = (text: string, index: number): number => text.slice(0, index).split('\n').length;

/** The links of one file: mentions of docs/ in any file, relative Markdown links in Markdown files. */
const linksIn = (file: string, text: string): Link[] => {
  const links: Link[] = [];
  for (const match of text.matchAll(DOCS_MENTION)) {
    links.push({
      line: lineAt(text, match.index),
      written: match[0],
      path: `docs/${match[1]}`,
      ...(match[2] ? { anchor: match[2] } : {}),
    });
  }
  if (!file.endsWith('.md')) return links;
  for (const { line, text: prose } of proseLines(text)) {
    // Inline code is an example, not a link.
    for (const match of prose.replace(/`[^`]*`/g, '').matchAll(MARKDOWN_LINK)) {
      const target = match[1] ?? '';
      if (/^[a-z][a-z\d+.-]*:/i.test(target)) continue;
      const [path = '', anchor] = target.split('#');
      links.push({
        line,
        written: target,
        path: path === '' ? file : posix.normalize(posix.join(posix.dirname(file), decodeURI(path))),
        ...(anchor ? { anchor: decodeURIComponent(anchor) } : {}),
      });
    }
  }
  return links;
};

/**
 * Reads a file for the checker: a Markdown file's text, an empty text for any other file or a
 * directory, undefined when there is nothing at the path.
 */
type Reader = (path: string) => string | undefined;

/** Every problem with the links of one file, as `file:line: what`. */
const problemsIn = (file: string, text: string, read: Reader): string[] => {
  const problems: string[] = [];
  for (const match of text.matchAll(OUTSIDE_NOTES)) {
    problems.push(
      `${file}:${lineAt(text, match.index)}: cites ${match[0]}, which is not in the repository; cite docs/ instead`,
    );
  }
  for (const link of linksIn(file, text)) {
    const target = link.path === file ? text : read(link.path);
    if (target === undefined) {
      problems.push(`${file}:${link.line}: ${link.written} names ${link.path}, which does not exist`);
    } else if (link.anchor !== undefined && link.path.endsWith('.md') && !anchorsOf(target).has(link.anchor)) {
      problems.push(`${file}:${link.line}: ${link.written} names #${link.anchor}, which is no heading of ${link.path}`);
    }
  }
  // A Markdown link to docs/ is also a mention of it: one problem, said once.
  return [...new Set(problems)];
};

const readFromRepository: Reader = (path) => {
  const absolute = join(root, path);
  if (!existsSync(absolute)) return undefined;
  if (statSync(absolute).isDirectory() || !path.endsWith('.md')) return '';
  return readFileSync(absolute, 'utf8');
};

/** The repository's files, as git knows them (tracked, or new and not ignored), or by walking the tree. */
const repositoryFiles = (): string[] => {
  try {
    return execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .split('\n')
      .filter((file) => file !== '' && existsSync(join(root, file)));
  } catch {
    const walk = (directory: string): string[] =>
      readdirSync(join(root, directory), { withFileTypes: true }).flatMap((entry) => {
        if (SKIPPED_DIRECTORIES.has(entry.name)) return [];
        const path = directory === '' ? entry.name : `${directory}/${entry.name}`;
        return entry.isDirectory() ? walk(path) : [path];
      });
    return walk('');
  }
};

/** Folders whose paths the documents name in code spans, e.g. `shared/domain/grade.ts`. */
const SOURCE_PATH = /`((?:shared|infra|functions|test|web|docs)\/[\w./-]*[\w/])`/g;

/** The repository paths a document names in code spans (a trailing slash names a folder). */
const repositoryPathsIn = (markdown: string): string[] =>
  proseLines(markdown).flatMap(({ text }) => [...text.matchAll(SOURCE_PATH)].map((match) => match[1] ?? ''));

describe('links to the documentation', () => {
  const files = repositoryFiles().filter((file) => SCANNED.test(file) && file !== SELF);

  it('are looked for in the whole repository', () => {
    expect(files).toEqual(expect.arrayContaining(['README.md', 'docs/domain.md', 'shared/domain/access.ts']));
    expect(files.some((file) => file.split('/').some((part) => SKIPPED_DIRECTORIES.has(part)))).toBe(false);
  });

  it('all name a file that exists and a heading it has, and none cites a note outside the repository', () => {
    const problems = files.flatMap((file) =>
      problemsIn(file, readFileSync(join(root, file), 'utf8'), readFromRepository),
    );
    expect(problems).toEqual([]);
  });

  it('name only source paths that exist, so a moved module cannot leave the docs behind', () => {
    const documents = files.filter((file) => file.endsWith('.md'));
    const missing = documents.flatMap((file) =>
      repositoryPathsIn(readFileSync(join(root, file), 'utf8'))
        // Build output (`web/dist`) is named but never committed.
        .filter((path) => !path.split('/').some((part) => SKIPPED_DIRECTORIES.has(part)))
        .filter((path) => !existsSync(join(root, path)))
        .map((path) => `${file}: names ${path}, which does not exist`),
    );
    expect(missing).toEqual([]);
  });

  it('are found in the code, pointing at the domain rules', () => {
    const access = readFileSync(join(root, 'shared/domain/access.ts'), 'utf8');
    expect(linksIn('shared/domain/access.ts', access)).toContainEqual(
      expect.objectContaining({ path: 'docs/domain.md', anchor: 'who-uses-it' }),
    );
  });
});

describe('the link checker itself', () => {
  it('slugs headings as GitHub does', () => {
    expect(slugOf('Grades and the Decree 493 thresholds')).toBe('grades-and-the-decree-493-thresholds');
    expect(slugOf('Policies: national, drill and your own')).toBe('policies-national-drill-and-your-own');
    expect(slugOf('`POST /v1/reports` (reporters)')).toBe('post-v1reports-reporters');
    expect(slugOf('Zero reports (零报告)')).toBe('zero-reports-零报告');
    expect(slugOf('See [the API](api.md)')).toBe('see-the-api');
  });

  it('numbers repeated headings and ignores headings in code blocks', () => {
    const anchors = anchorsOf(['# Notes', '## Usage', '```sh', '# not a heading', '```', '## Usage'].join('\n'));
    expect([...anchors]).toEqual(['notes', 'usage', 'usage-1']);
  });

  it('reports a missing heading, a missing file and a note outside the repository, and nothing else', () => {
    const docs: Record<string, string> = { 'docs/domain.md': '# The domain\n\n## Time limits\n' };
    const read: Reader = (path) => docs[path];
    const text = [
      '# Example',
      '## Local heading',
      'Good: docs/domain.md#time-limits, docs/domain.md, [up](#local-heading), [there](domain.md#time-limits).',
      'Ignored: `[code](nowhere.md)`, [site](https://example.com/x.md#y).',
      '```',
      '[fenced](nowhere.md)',
      '```',
      'Bad: docs/domain.md#no-such-heading and [gone](missing.md) and [here](#nowhere).',
      // Built, not written, so the project never names an outside note itself.
      `Also bad: ${OUTSIDE}.`,
    ].join('\n');

    expect(problemsIn('docs/example.md', text, read)).toEqual([
      `docs/example.md:9: cites ${OUTSIDE}, which is not in the repository; cite docs/ instead`,
      'docs/example.md:8: docs/domain.md#no-such-heading names #no-such-heading, which is no heading of docs/domain.md',
      'docs/example.md:8: missing.md names docs/missing.md, which does not exist',
      'docs/example.md:8: #nowhere names #nowhere, which is no heading of docs/example.md',
    ]);
  });

  it('finds the source paths a document names, outside code blocks', () => {
    const text = ['See `shared/domain/grade.ts` and `infra/local/`.', '```', '`shared/nowhere.ts`', '```'].join('\n');
    expect(repositoryPathsIn(text)).toEqual(['shared/domain/grade.ts', 'infra/local/']);
  });

  it('checks only docs/ mentions in code, not text that merely looks like a Markdown link', () => {
    const read: Reader = (path) => (path === 'docs/domain.md' ? '## Time limits\n' : undefined);
    const code = '/** See docs/domain.md#time-limit and docs/gone.md. */\nconst row = cells[0](x);\n';

    expect(problemsIn('shared/example.ts', code, read)).toEqual([
      'shared/example.ts:1: docs/domain.md#time-limit names #time-limit, which is no heading of docs/domain.md',
      'shared/example.ts:1: docs/gone.md names docs/gone.md, which does not exist',
    ]);
  });
});
