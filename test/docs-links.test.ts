// Every relative link in the README and docs/ leads somewhere: a moved or renamed page shows up
// here, not as a 404 for the admin who follows it.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = join(__dirname, '..');

function markdownFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? markdownFiles(path) : name.endsWith('.md') ? [path] : [];
  });
}

const pages = [join(ROOT, 'README.md'), join(ROOT, 'infra', 'README.md'), ...markdownFiles(join(ROOT, 'docs'))];

/** Relative targets of Markdown links and <img src>, without anchors. */
function linksOf(text: string): string[] {
  const md = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]);
  const img = [...text.matchAll(/<img[^>]*\ssrc="([^"]+)"/g)].map((m) => m[1]);
  return [...md, ...img].filter((l) => !/^[a-z]+:/i.test(l) && !l.startsWith('#')).map((l) => l.split('#')[0]);
}

it.each(pages.map((p) => [relative(ROOT, p), p]))('%s links only to files that exist', (_name, page) => {
  const missing = linksOf(readFileSync(page, 'utf8')).filter((l) => !existsSync(resolve(dirname(page), l)));
  expect(missing).toEqual([]);
});

it('finds the links it checks (the README links its docs pages and pictures)', () => {
  expect(linksOf(readFileSync(join(ROOT, 'README.md'), 'utf8')).length).toBeGreaterThan(15);
});
