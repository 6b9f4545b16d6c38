// @ts-check
/**
 * Ships with a package the repository docs its README links to. A published README is read in
 * node_modules/<package>/ (and on the registry's page), where the repository's ../docs/ is not:
 * so package READMEs link `docs/<file>`, and `npm pack` (through each package's `prepack`
 * script, run with the package folder as working directory) copies those files from the
 * repository's docs/ into the package's own docs/ folder, which is listed in `"files"` and kept
 * out of git. docs/ stays the one copy that is edited.
 *
 *   node ../scripts/packageDocs.js
 */
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import MarkdownIt from 'markdown-it';

const REPOSITORY_DOCS = fileURLToPath(new URL('../docs/', import.meta.url));

/** The folder, inside a package, that holds its copies of the repository's docs. */
export const PACKAGE_DOCS = 'docs';

/**
 * Every link and image target of a Markdown text, as written (fragment included). Read with a
 * CommonMark parser, so that code spans and code blocks, which may contain `](`, are not links.
 * @param {string} markdown
 * @returns {string[]}
 */
function markdownLinks(markdown) {
  /** @type {string[]} */
  const targets = [];
  /** @param {import('markdown-it').Token[]} tokens */
  const visit = (tokens) => {
    for (const token of tokens) {
      const target = token.attrGet(token.type === 'image' ? 'src' : 'href');
      if ((token.type === 'link_open' || token.type === 'image') && target) targets.push(target);
      if (token.children) visit(token.children);
    }
  };
  visit(new MarkdownIt().parse(markdown, {}));
  return targets;
}

/**
 * The targets of `markdownLinks` that are files of the package itself: neither a URL with a
 * scheme (`https:`, `mailto:`) nor a fragment of the same page. Without fragment or query.
 * @param {string} markdown
 * @returns {string[]}
 */
export function localLinks(markdown) {
  return markdownLinks(markdown)
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target) && !target.startsWith('#'))
    .map((target) => decodeURI(target.replace(/[?#].*$/, '')));
}

/**
 * Empties `<packageDir>/docs/` and copies into it the repository docs that the package's
 * README links to as `docs/<file>`. Returns the copied paths, relative to the package.
 * @param {string} packageDir
 * @returns {string[]}
 */
export function copyReadmeDocs(packageDir) {
  const target = join(packageDir, PACKAGE_DOCS);
  rmSync(target, { recursive: true, force: true });
  const copied = [];
  for (const link of new Set(localLinks(readFileSync(join(packageDir, 'README.md'), 'utf8')))) {
    const inDocs = relative(target, resolve(packageDir, link));
    if (inDocs.startsWith('..')) continue; // not under docs/: a file of the package itself
    mkdirSync(dirname(join(target, inDocs)), { recursive: true });
    copyFileSync(join(REPOSITORY_DOCS, inDocs), join(target, inDocs));
    copied.push(join(PACKAGE_DOCS, inDocs));
  }
  return copied;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const copied = copyReadmeDocs(process.cwd());
  // stderr: `npm pack --json` prints its report on stdout, lifecycle scripts' output included.
  process.stderr.write(`packageDocs: ${copied.length ? copied.join(', ') : 'no docs linked'}\n`);
}
