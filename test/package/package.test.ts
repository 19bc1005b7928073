// npm run package: the Teams app package (manifest from the template, icons, zip) and its checks.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { encodePng, renderColorIcon, renderOutlineIcon, type Image } from '../../tools/draw-icons';
import {
  bundledSchema,
  checkPackage,
  decodePng,
  defaultTeamsAppId,
  fillTemplate,
  placeholderValues,
  readSettings,
  readZip,
  runPackage,
  uuidV5,
  writeZip,
  type PackageSettings,
} from '../../tools/package';

const ROOT = resolve(__dirname, '..', '..');
const BOT_ID = '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b';
const DOMAIN = 'passkey-bot.azurewebsites.net';
const GOOD_ENV = { MicrosoftAppId: BOT_ID, BOT_DOMAIN: DOMAIN };
const PACKAGE_VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

async function run(argv: string[], env: NodeJS.ProcessEnv, root = ROOT) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runPackage(argv, (s) => out.push(s), (s) => err.push(s), { env, root, loadDotEnv: false });
  return { code, out, err };
}

function settings(): PackageSettings {
  const r = readSettings(GOOD_ENV, ROOT);
  expect(r.problems).toEqual([]);
  return r.settings!;
}

function goodManifest(): any {
  const template = JSON.parse(readFileSync(join(ROOT, 'manifest', 'manifest.template.json'), 'utf8'));
  const filled = fillTemplate(template, placeholderValues(settings()));
  expect(filled.problems).toEqual([]);
  return filled.manifest;
}

const colorPng = () => readFileSync(join(ROOT, 'manifest', 'color.png'));
const outlinePng = () => readFileSync(join(ROOT, 'manifest', 'outline.png'));

describe('npm run package', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pksb-package-'));

  it('writes a zip with manifest.json and both icons at the root, which passes every check when read back', async () => {
    const target = join(dir, 'appPackage.zip');
    const r = await run(['--out', target], GOOD_ENV);
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.out).toEqual([target]);

    const files = readZip(readFileSync(target));
    expect([...files.keys()].sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    const manifest = JSON.parse(files.get('manifest.json')!.toString('utf8'));
    const color = decodePng(files.get('color.png')!);
    const outline = decodePng(files.get('outline.png')!);
    expect([color.width, color.height]).toEqual([192, 192]);
    expect([outline.width, outline.height]).toEqual([32, 32]);
    expect(checkPackage({ manifest, colorPng: files.get('color.png')!, outlinePng: files.get('outline.png')!, settings: { botId: BOT_ID, botDomain: DOMAIN } })).toEqual([]);

    expect(manifest.$schema).toBe('https://developer.microsoft.com/json-schemas/teams/v1.22/MicrosoftTeams.schema.json');
    expect(manifest.manifestVersion).toBe('1.22');
    expect(manifest.id).toBe(defaultTeamsAppId(BOT_ID));
    expect(manifest.version).toBe(PACKAGE_VERSION);
    expect(manifest.validDomains).toEqual([DOMAIN]);
    expect(manifest.webApplicationInfo).toBeUndefined();
    expect(manifest.bots).toEqual([
      expect.objectContaining({ botId: BOT_ID, scopes: ['personal', 'team'], supportsFiles: false, isNotificationOnly: false }),
    ]);
    const commands = (scope: string) =>
      manifest.bots[0].commandLists.find((l: any) => l.scopes.includes(scope)).commands.map((c: any) => c.title);
    expect(commands('personal')).toEqual(['help', 'start over', 'my ticket']);
    expect(commands('team')).toEqual(['help', 'campaign status']);
  });

  it('uses TEAMS_APP_ID and APP_VERSION when set; otherwise the app id is stable for a bot id', async () => {
    const target = join(dir, 'custom.zip');
    const teamsAppId = '0b8f5a51-3c0e-4d7a-9f1e-2a6b7c8d9e0f';
    expect((await run(['--out', target], { ...GOOD_ENV, TEAMS_APP_ID: teamsAppId, APP_VERSION: '2.3.4' })).code).toBe(0);
    const manifest = JSON.parse(readZip(readFileSync(target)).get('manifest.json')!.toString('utf8'));
    expect([manifest.id, manifest.version]).toEqual([teamsAppId, '2.3.4']);
    expect(defaultTeamsAppId(BOT_ID)).toBe(defaultTeamsAppId(BOT_ID.toUpperCase()));
    expect(defaultTeamsAppId(BOT_ID)).not.toBe(defaultTeamsAppId('7f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b'));
  });

  it('exits 2 with each missing setting on its own line', async () => {
    const r = await run([], { MicrosoftAppId: '', BOT_DOMAIN: '  ' });
    expect(r.code).toBe(2);
    expect(r.out).toEqual([]);
    expect(r.err).toEqual([expect.stringMatching(/^MicrosoftAppId: required/), expect.stringMatching(/^BOT_DOMAIN: required/)]);
  });

  it('exits 2 on malformed settings: a domain with a scheme or path, ids that are not GUIDs, a bad version', async () => {
    const r = await run([], { MicrosoftAppId: 'my-bot', BOT_DOMAIN: `https://${DOMAIN}/api/messages`, TEAMS_APP_ID: '42', APP_VERSION: '1.0' });
    expect(r.code).toBe(2);
    expect(r.err).toEqual([
      'MicrosoftAppId: expected a GUID, got "my-bot"',
      expect.stringMatching(/^BOT_DOMAIN: expected a host name .* got "https:\/\/passkey-bot\.azurewebsites\.net\/api\/messages"$/),
      'TEAMS_APP_ID: expected a GUID, got "42"',
      expect.stringMatching(/^APP_VERSION: expected MAJOR\.MINOR\.PATCH .* got "1\.0"$/),
    ]);
  });

  it('reads a setting from NAME_FILE', () => {
    const file = join(dir, 'bot-id.txt');
    writeFileSync(file, `${BOT_ID}\n`);
    expect(readSettings({ MicrosoftAppId_FILE: file, BOT_DOMAIN: DOMAIN }, ROOT).settings?.botId).toBe(BOT_ID);
  });

  it('exits 1 and writes no zip when the files in manifest/ have problems', async () => {
    const root = join(dir, 'broken-project');
    mkdirSync(join(root, 'manifest'), { recursive: true });
    copyFileSync(join(ROOT, 'package.json'), join(root, 'package.json'));
    copyFileSync(join(ROOT, 'manifest', 'manifest.template.json'), join(root, 'manifest', 'manifest.template.json'));
    copyFileSync(join(ROOT, 'manifest', 'color.png'), join(root, 'manifest', 'color.png'));
    writeFileSync(join(root, 'manifest', 'outline.png'), encodePng(renderOutlineIcon(40)));
    const r = await run([], GOOD_ENV, root);
    expect(r.code).toBe(1);
    expect(r.err).toEqual(['outline.png: 40×40, expected 32×32']);
    expect(existsSync(join(root, 'appPackage.zip'))).toBe(false);
  });
});

describe('checkPackage', () => {
  const good = { botId: BOT_ID, botDomain: DOMAIN };

  it('passes the template filled with good settings and the committed icons', async () => {
    expect(checkPackage({ manifest: goodManifest(), colorPng: colorPng(), outlinePng: outlinePng(), settings: good })).toEqual([]);
  });

  it('reports each problem of a manifest broken in several ways, on its own line', async () => {
    const manifest = goodManifest();
    manifest.bots[0].botId = '11111111-2222-4333-8444-555555555555'; // another bot
    manifest.version = '1.0'; // not semver
    delete manifest.developer; // required by the schema
    manifest.bots[0].supportsFiles = 'no'; // wrong type
    manifest.validDomains = [`https://${DOMAIN}/api/messages`]; // scheme and path
    const problems = checkPackage({
      manifest,
      colorPng: encodePng(renderColorIcon(96)), // wrong size
      outlinePng: encodePng(renderColorIcon(32)), // not white on transparent
      settings: good,
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        `manifest.json: bots[0].botId: must equal MicrosoftAppId ${BOT_ID} (the Azure Bot resource's app id), got 11111111-2222-4333-8444-555555555555`,
        'manifest.json: version: must be a semver MAJOR.MINOR.PATCH version (three numbers), got "1.0"',
        'manifest.json: developer: required (schema v1.22)',
        'manifest.json: bots[0].supportsFiles: must be boolean (schema v1.22)',
        `manifest.json: validDomains[0]: must be a host name without scheme, port or path (e.g. ${DOMAIN}), got "https://${DOMAIN}/api/messages"`,
        `manifest.json: validDomains: must contain BOT_DOMAIN ${DOMAIN}`,
        'color.png: 96×96, expected 192×192',
        expect.stringMatching(/^outline\.png: \d+ of 1024 pixels are neither fully transparent nor white \(first at 0,0: rgba\(\d+,\d+,\d+,255\)\); the outline icon must be white on a transparent background$/),
        'outline.png: no transparent pixel: the background must be transparent',
      ]),
    );
    expect(problems).toHaveLength(9);
  });

  it('reports an outline icon of the wrong size, and files that are not PNG or empty', async () => {
    expect(checkPackage({ manifest: goodManifest(), colorPng: colorPng(), outlinePng: encodePng(renderOutlineIcon(40)), settings: good })).toEqual([
      'outline.png: 40×40, expected 32×32',
    ]);
    const transparent: Image = { width: 192, height: 192, rgba: new Uint8Array(192 * 192 * 4) };
    expect(checkPackage({ manifest: goodManifest(), colorPng: encodePng(transparent), outlinePng: Buffer.from('GIF89a'), settings: good })).toEqual([
      'color.png: empty: every pixel is transparent (the color icon must show the symbol, on an opaque background)',
      'outline.png: not a PNG file',
    ]);
  });

  it('names what is wrong with a damaged icon file', async () => {
    const truncated = colorPng().subarray(0, 100);
    const badCrc = Buffer.from(outlinePng());
    badCrc[20] ^= 0xff; // inside IHDR
    expect(checkPackage({ manifest: goodManifest(), colorPng: truncated, outlinePng: badCrc, settings: good })).toEqual([
      'color.png: PNG truncated in chunk IDAT',
      'outline.png: PNG chunk IHDR has a bad CRC',
    ]);
  });

  it('reports ids that are not GUIDs once, unfilled placeholders, a wrong icon file name and an unknown property', async () => {
    const manifest = goodManifest();
    manifest.id = 'passkey-help';
    manifest.bots[0].botId = '${{BOT_ID}}';
    manifest.icons.outline = 'outline-32.png';
    manifest.bots[0].isNotificationOnly = false;
    manifest.bots[0].supportsSso = true;
    const problems = checkPackage({ manifest, colorPng: colorPng(), outlinePng: outlinePng(), settings: good });
    expect(problems).toEqual([
      'manifest.json: bots[0]: unknown property "supportsSso" (schema v1.22)',
      'manifest.json: bots[0].botId: unfilled placeholder ${{BOT_ID}}',
      'manifest.json: id: must be a GUID (the Teams app id), got "passkey-help"',
      'manifest.json: icons.outline: must be "outline.png" (the file in the package), got "outline-32.png"',
    ]);
  });

  it('validates offline against the schema its $schema names, and refuses one that is not bundled', async () => {
    const manifest = goodManifest();
    manifest.$schema = 'https://developer.microsoft.com/json-schemas/teams/v1.19/MicrosoftTeams.schema.json';
    manifest.manifestVersion = '1.19';
    expect(checkPackage({ manifest, colorPng: colorPng(), outlinePng: outlinePng(), settings: good })).toEqual([]);
    manifest.manifestVersion = '1.22';
    expect(checkPackage({ manifest, colorPng: colorPng(), outlinePng: outlinePng(), settings: good })).toEqual([
      expect.stringMatching(/^manifest\.json: manifestVersion: must be equal to constant "1\.19" \(schema v1\.19\)$/),
    ]);
    manifest.$schema = 'https://example.com/manifest.schema.json';
    expect(checkPackage({ manifest, colorPng: colorPng(), outlinePng: outlinePng(), settings: good })).toEqual([
      expect.stringMatching(/^manifest\.json: \$schema: "https:\/\/example\.com\/manifest\.schema\.json" is not a Teams manifest schema URL/),
    ]);
    expect(bundledSchema('https://developer.microsoft.com/en-us/json-schemas/teams/v1.22/MicrosoftTeams.schema.json')).toMatchObject({ version: '1.22' });
  });
});

describe('template', () => {
  it('leaves unknown placeholders in place and names them', () => {
    const r = fillTemplate({ a: ['${{BOT_ID}}', 'x ${{NOPE}}'] }, { BOT_ID: BOT_ID });
    expect(r.manifest).toEqual({ a: [BOT_ID, 'x ${{NOPE}}'] });
    expect(r.problems).toEqual(['manifest.template.json: a[1]: unknown placeholder ${{NOPE}}']);
  });

  it('cannot break the JSON with a value', () => {
    const r = fillTemplate({ name: '${{DEVELOPER_NAME}}' }, { DEVELOPER_NAME: 'IT "Help" Desk\n}' });
    expect(JSON.parse(JSON.stringify(r.manifest))).toEqual({ name: 'IT "Help" Desk\n}' });
  });
});

describe('uuidV5', () => {
  it('matches the RFC namespace example (DNS namespace, "python.org")', () => {
    expect(uuidV5('python.org', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('886313e1-3b8a-5372-9b90-0c9aee199e5d');
  });
});

// ---- PNG and zip readers, against images built here --------------------------------------------

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** A PNG of `rows` (each the packed samples of one scanline, filter 0), optionally Adam7-interlaced. */
function rawPng(opts: { width: number; height: number; depth: number; type: number; interlaced?: boolean; scanline: (xs: number[], y: number) => number[]; extra?: Buffer[] }): Buffer {
  const { width, height, depth, type } = opts;
  const passes = opts.interlaced
    ? [
        [0, 0, 8, 8],
        [4, 0, 8, 8],
        [0, 4, 4, 8],
        [2, 0, 4, 4],
        [0, 2, 2, 4],
        [1, 0, 2, 2],
        [0, 1, 1, 2],
      ]
    : [[0, 0, 1, 1]];
  const rows: number[] = [];
  for (const [x0, y0, dx, dy] of passes) {
    const xs: number[] = [];
    for (let x = x0; x < width; x += dx) xs.push(x);
    if (xs.length === 0) continue;
    for (let y = y0; y < height; y += dy) rows.push(0, ...opts.scanline(xs, y));
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([depth, type, 0, 0, opts.interlaced ? 1 : 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    ...(opts.extra ?? []),
    chunk('IDAT', deflateSync(Buffer.from(rows))),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

const pixel = (img: { width: number; rgba: Uint8Array }, x: number, y: number) => [...img.rgba.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 4)];

describe('decodePng', () => {
  it('reads back what the icon drawing writes; the committed icons are that drawing, pixel for pixel', () => {
    const color = renderColorIcon(192);
    const outline = renderOutlineIcon(32);
    for (const image of [color, outline, renderColorIcon(37)]) {
      const decoded = decodePng(encodePng(image));
      expect([decoded.width, decoded.height]).toEqual([image.width, image.height]);
      expect(Buffer.from(decoded.rgba).equals(Buffer.from(image.rgba))).toBe(true);
    }
    expect(Buffer.from(decodePng(colorPng()).rgba).equals(Buffer.from(color.rgba))).toBe(true);
    expect(Buffer.from(decodePng(outlinePng()).rgba).equals(Buffer.from(outline.rgba))).toBe(true);
  });

  it('reads a 2-bit palette image with tRNS', () => {
    const png = rawPng({
      width: 5,
      height: 2,
      depth: 2,
      type: 3,
      extra: [chunk('PLTE', Buffer.from([255, 255, 255, 10, 20, 30, 0, 0, 0])), chunk('tRNS', Buffer.from([0]))],
      // indexes per row: 0 1 2 0 1 → bits 00 01 10 00 | 01 000000
      scanline: () => [0b00011000, 0b01000000],
    });
    const img = decodePng(png);
    expect(pixel(img, 0, 0)).toEqual([255, 255, 255, 0]);
    expect(pixel(img, 1, 1)).toEqual([10, 20, 30, 255]);
    expect(pixel(img, 2, 0)).toEqual([0, 0, 0, 255]);
    expect(pixel(img, 4, 1)).toEqual([10, 20, 30, 255]);
  });

  it('reads 16-bit gray + alpha and 8-bit RGB, and an Adam7-interlaced image', () => {
    const gray = decodePng(rawPng({ width: 2, height: 1, depth: 16, type: 4, scanline: () => [0xff, 0xff, 0x80, 0x00, 0x12, 0x34, 0xff, 0xff] }));
    expect([pixel(gray, 0, 0), pixel(gray, 1, 0)]).toEqual([
      [255, 255, 255, 128],
      [18, 18, 18, 255],
    ]);
    const colorAt = (x: number, y: number) => [x * 20, y * 20, 200];
    const opts = { width: 11, height: 9, depth: 8, type: 2, scanline: (xs: number[], y: number) => xs.flatMap((x) => colorAt(x, y)) };
    for (const img of [decodePng(rawPng(opts)), decodePng(rawPng({ ...opts, interlaced: true }))]) {
      for (let y = 0; y < 9; y++) for (let x = 0; x < 11; x++) expect(pixel(img, x, y)).toEqual([...colorAt(x, y), 255]);
    }
  });

  it('names what is wrong with a damaged file', () => {
    const png = encodePng(renderOutlineIcon(32));
    expect(() => decodePng(png.subarray(0, 40))).toThrow(/truncated/);
    const bad = Buffer.from(png);
    bad[20] ^= 0xff; // inside IHDR
    expect(() => decodePng(bad)).toThrow('PNG chunk IHDR has a bad CRC');
  });
});

describe('zip', () => {
  it('round-trips entries byte for byte; the same input gives the same bytes', () => {
    const entries = [
      { name: 'manifest.json', data: Buffer.from('{"a":1}') },
      { name: 'empty.txt', data: Buffer.alloc(0) },
      { name: 'big.bin', data: Buffer.alloc(100_000, 7) },
    ];
    const zip = writeZip(entries);
    const files = readZip(zip);
    expect([...files.keys()]).toEqual(['manifest.json', 'empty.txt', 'big.bin']);
    for (const e of entries) expect(files.get(e.name)!.equals(e.data)).toBe(true);
    expect(writeZip(entries).equals(zip)).toBe(true); // same input, same bytes
  });
});
