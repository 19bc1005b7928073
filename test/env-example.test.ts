// .env.example is where an admin learns the settings: every one the bot reads (src/config.ts and
// process.env under src/) is there, with a comment, and it names none the bot does not read.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { settingsReadByTheBot } from './infra/bicep-review';

const ROOT = join(__dirname, '..');
const example = readFileSync(join(ROOT, '.env.example'), 'utf8');
const listed = new Set([...example.matchAll(/^#?\s?([A-Za-z][A-Za-z0-9_]*)=/gm)].map((m) => m[1]));
// Read from the environment by tools and libraries rather than by the bot's settings.
const NOT_SETTINGS = new Set(['NODE_ENV', 'CI', 'PATH', 'npm_lifecycle_event']);

it('lists every setting the bot reads', () => {
  const read = [...settingsReadByTheBot(join(ROOT, 'src')).keys()].filter((n) => !NOT_SETTINGS.has(n));
  expect(read.length).toBeGreaterThan(20);
  expect(read.filter((n) => !listed.has(n))).toEqual([]);
});

it('names no setting the bot does not read', () => {
  const read = new Set(settingsReadByTheBot(join(ROOT, 'src')).keys());
  expect([...listed].filter((n) => !read.has(n) && !n.endsWith('_FILE'))).toEqual([]);
});
