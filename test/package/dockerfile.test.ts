// The Dockerfile's final stage: production dependencies, the built code, the card templates and
// the demo snapshot only, run as an unprivileged user. There is no Docker engine here, so the file
// is read, not built; each rule is also shown to catch the mistake it is about.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const DOCKERFILE = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');

interface Instruction {
  op: string;
  args: string;
}
interface Stage {
  name: string;
  instructions: Instruction[];
}

/** Stages of a Dockerfile (comments dropped, continuation lines joined). */
export function stages(text: string): Stage[] {
  const lines = text
    .split('\n')
    .filter((l) => !/^\s*#/.test(l))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const out: Stage[] = [];
  for (const line of lines) {
    const [, op, args] = /^(\S+)\s*(.*)$/.exec(line)!;
    const instruction = { op: op.toUpperCase(), args: args.replace(/\s+/g, ' ') };
    if (instruction.op === 'FROM') out.push({ name: /\bAS\s+(\S+)/i.exec(args)?.[1] ?? String(out.length), instructions: [] });
    else if (out.length > 0) out[out.length - 1].instructions.push(instruction);
  }
  return out;
}

/** What the final stage may copy from the build context. */
const CONTEXT_FILES = ['package.json', 'cards', 'locales', 'fixtures'];

const npmInstalls = (stage: Stage) => stage.instructions.filter((i) => i.op === 'RUN' && /\bnpm (ci|install|i)\b/.test(i.args));
const installsDevDependencies = (stage: Stage) => npmInstalls(stage).some((i) => !/--omit[= ]dev\b/.test(i.args));

/** Every way the final stage could ship dev-only content or run as root; empty when it does not. */
export function imageProblems(text: string): string[] {
  const all = stages(text);
  if (all.length < 2) return ['expected a multi-stage build (the toolchain in a build stage)'];
  const final = all[all.length - 1];
  const byName = new Map(all.map((s) => [s.name, s]));
  const problems: string[] = [];

  if (installsDevDependencies(final)) problems.push('the final stage installs devDependencies (npm without --omit=dev)');
  for (const { op, args } of final.instructions) {
    if (op === 'ADD') problems.push(`ADD ${args}: use COPY of the listed paths`);
    if (op !== 'COPY') continue;
    const words = args.split(' ').filter((w) => !w.startsWith('--chown') && !w.startsWith('--chmod'));
    const from = words.find((w) => w.startsWith('--from='))?.slice('--from='.length);
    const sources = words.filter((w) => !w.startsWith('--')).slice(0, -1);
    if (from === undefined) {
      for (const src of sources) {
        const path = src.replace(/^\.\//, '').replace(/\/$/, '');
        if (!CONTEXT_FILES.includes(path)) problems.push(`COPY ${src}: the final stage takes only ${CONTEXT_FILES.join(', ')} from the build context`);
      }
      continue;
    }
    const stage = byName.get(from);
    if (!stage) {
      problems.push(`COPY --from=${from}: not a stage of this file`);
      continue;
    }
    for (const src of sources) {
      if (/^\/app\/dist\/?$/.test(src)) {
        if (!stage.instructions.some((i) => i.op === 'RUN' && /\bnpm run build\b/.test(i.args))) problems.push(`COPY --from=${from} ${src}: that stage does not build dist/`);
      } else if (/^\/app\/node_modules\/?$/.test(src)) {
        if (npmInstalls(stage).length === 0 || installsDevDependencies(stage)) problems.push(`COPY --from=${from} ${src}: that stage's node_modules has devDependencies`);
        if (stage.instructions.some((i) => i.op === 'COPY' && /--from=/.test(i.args))) problems.push(`COPY --from=${from} ${src}: that stage copies from another stage`);
      } else problems.push(`COPY --from=${from} ${src}: the final stage takes only /app/dist and a production /app/node_modules from other stages`);
    }
  }

  const users = final.instructions.filter((i) => i.op === 'USER').map((i) => i.args.split(':')[0]);
  const user = users[users.length - 1];
  if (user === undefined || user === 'root' || user === '0') problems.push(`runs as ${user ?? 'root (no USER)'}: the final stage must end with an unprivileged USER`);
  const userAt = final.instructions.findIndex((i) => i.op === 'USER' && i.args.split(':')[0] === user);
  const runAfterUser = final.instructions.slice(userAt + 1).some((i) => i.op === 'RUN');
  if (user && user !== 'root' && user !== '0' && runAfterUser) problems.push('RUN after USER: set up files as root first, then drop privileges');

  const env = final.instructions.filter((i) => i.op === 'ENV').map((i) => i.args).join(' ');
  if (!/\bNO_PLAYGROUND=1\b/.test(env)) problems.push('ENV NO_PLAYGROUND=1 missing: the offline demo would require the Agents Playground, a devDependency');
  if (!/\bNODE_ENV=production\b/.test(env)) problems.push('ENV NODE_ENV=production missing');

  const cmd = final.instructions.filter((i) => i.op === 'CMD').pop()?.args ?? '';
  if (!/"node"/.test(cmd) || !/"dist\/index\.js"/.test(cmd) || /ts-node|npm/.test(cmd)) problems.push(`CMD ${cmd || '(none)'}: run node dist/index.js directly (no ts-node, no npm)`);
  return problems;
}

describe('Dockerfile', () => {
  it('the final stage ships the built code, production dependencies, cards, message catalogues and the demo snapshot only, as user node', () => {
    expect(imageProblems(DOCKERFILE)).toEqual([]);
    const final = stages(DOCKERFILE).pop()!;
    expect(final.instructions.filter((i) => i.op === 'USER').map((i) => i.args)).toEqual(['node']);
  });

  it('the build stage has the toolchain; the production install leaves out devDependencies and files Node never opens', () => {
    const all = stages(DOCKERFILE);
    const build = all.find((s) => s.instructions.some((i) => /\bnpm run build\b/.test(i.args)))!;
    expect(build.instructions.map((i) => `${i.op} ${i.args}`)).toEqual(expect.arrayContaining(['COPY src ./src', 'RUN npm run build']));
    const deps = all.find((s) => npmInstalls(s).length > 0 && !installsDevDependencies(s))!;
    const prune = npmInstalls(deps)[0].args;
    for (const pattern of ["-name '*.map'", "-name '*.ts'", "! -iname 'licen[cs]e*'"]) expect(prune).toContain(pattern);
  });

  describe('catches', () => {
    const mutate = (from: string | RegExp, to: string) => {
      const text = DOCKERFILE.replace(from, to);
      expect(text).not.toBe(DOCKERFILE);
      return imageProblems(text);
    };

    it('a final stage that runs as root', () => {
      expect(mutate(/^USER node$/m, '')).toEqual([expect.stringMatching(/^runs as root \(no USER\)/)]);
      expect(mutate(/^USER node$/m, 'USER node\nUSER root')).toEqual([expect.stringMatching(/^runs as root:/)]);
      expect(mutate(/^USER node$/m, 'USER node\nRUN mkdir -p /app/more')).toEqual(['RUN after USER: set up files as root first, then drop privileges']);
    });

    it('dev-only content copied into the final stage', () => {
      expect(mutate(/^COPY cards \.\/cards$/m, 'COPY . .')).toEqual([expect.stringMatching(/^COPY \.: the final stage takes only package\.json, cards, locales, fixtures/)]);
      expect(mutate(/^COPY cards \.\/cards$/m, 'COPY cards tools ./')).toEqual([expect.stringMatching(/^COPY tools:/)]);
      expect(mutate(/^COPY --from=deps \/app\/node_modules/m, 'COPY --from=build /app/node_modules')).toEqual([
        'COPY --from=build /app/node_modules: that stage\'s node_modules has devDependencies',
      ]);
      expect(mutate(/^COPY --from=build \/app\/dist \.\/dist$/m, 'COPY --from=build /app/src ./src')).toEqual([expect.stringMatching(/^COPY --from=build \/app\/src:/)]);
    });

    it('devDependencies installed for production, the Playground left on, or ts-node as the command', () => {
      expect(mutate(/^RUN npm ci --omit=dev/m, 'RUN npm ci')).toEqual(["COPY --from=deps /app/node_modules: that stage's node_modules has devDependencies"]);
      expect(mutate(/^USER node$/m, 'RUN npm install pino-pretty\nUSER node')).toEqual(['the final stage installs devDependencies (npm without --omit=dev)']);
      expect(mutate('NO_PLAYGROUND=1', 'NO_PLAYGROUND=0')).toEqual([expect.stringMatching(/^ENV NO_PLAYGROUND=1 missing/)]);
      expect(mutate(/^CMD .*$/m, 'CMD ["npx", "ts-node", "src/index.ts"]')).toEqual([expect.stringMatching(/^CMD .*: run node dist\/index\.js directly/)]);
    });
  });
});
