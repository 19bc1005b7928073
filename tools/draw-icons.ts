// Draws the Teams app icons for Passkey help: a key on a shield.
//
//   npx ts-node --transpile-only tools/draw-icons.ts     (writes manifest/color.png and manifest/outline.png)
//
// The icons are committed (manifest/*.png); this is how they were drawn, for a redraw. A developer
// tool (pngjs is a devDependency). The shapes are signed distance functions (shield outline as a
// polygon made from cubic curves, key as circle + boxes), anti-aliased by pixel coverage.
//  - color.png   192×192, opaque: blue background (the manifest's accentColor), white shield, blue key.
//  - outline.png 32×32, white on a fully transparent background: shield stroke and key.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';

/** The manifest's accentColor; the color icon's background is a gradient around it. */
export const ACCENT_COLOR = '#1B5FAD';

export interface Image {
  width: number;
  height: number;
  /** RGBA, 8 bits per channel, row-major, not premultiplied. */
  rgba: Uint8Array;
}

type Vec = readonly [number, number];

// ---- geometry, in a 24×24 design box ------------------------------------------------------------

function cubic(p0: Vec, p1: Vec, p2: Vec, p3: Vec, steps: number): Vec[] {
  const out: Vec[] = [];
  for (let i = 1; i <= steps; i++) {
    const t = i / steps;
    const u = 1 - t;
    out.push([
      u * u * u * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t * t * t * p3[0],
      u * u * u * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t * t * t * p3[1],
    ]);
  }
  return out;
}

/** Shield: a peaked top, straight shoulders and sides, curved down to a point. Clockwise. */
const SHIELD: Vec[] = [
  [12, 1.6],
  [20.4, 5.1],
  [20.4, 11],
  ...cubic([20.4, 11], [20.4, 16.3], [16.8, 21], [12, 22.5], 24),
  ...cubic([12, 22.5], [7.2, 21], [3.6, 16.3], [3.6, 11], 24),
  [3.6, 5.1],
];

function segmentDistance(p: Vec, a: Vec, b: Vec): number {
  const abx = b[0] - a[0];
  const aby = b[1] - a[1];
  const t = Math.max(0, Math.min(1, ((p[0] - a[0]) * abx + (p[1] - a[1]) * aby) / (abx * abx + aby * aby)));
  return Math.hypot(p[0] - a[0] - t * abx, p[1] - a[1] - t * aby);
}

/** Signed distance to a closed polygon: negative inside (even-odd rule). */
function polygonSdf(p: Vec, poly: readonly Vec[]): number {
  let d = Infinity;
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const a = poly[j];
    const b = poly[i];
    d = Math.min(d, segmentDistance(p, a, b));
    if (a[1] > p[1] !== b[1] > p[1] && p[0] < ((b[0] - a[0]) * (p[1] - a[1])) / (b[1] - a[1]) + a[0]) inside = !inside;
  }
  return inside ? -d : d;
}

/** Signed distance to an axis-aligned box from (x0, y0) to (x1, y1). */
function boxSdf(p: Vec, x0: number, y0: number, x1: number, y1: number): number {
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  const qx = Math.abs(p[0] - cx) - (x1 - x0) / 2;
  const qy = Math.abs(p[1] - cy) - (y1 - y0) / 2;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0);
}

/** Key, bow up: a ring, a shaft and two teeth to the right. `w` is the ring's line width. */
function keySdf(p: Vec, w: number): number {
  const bow = Math.abs(Math.hypot(p[0] - 12, p[1] - 8.9) - 3.2) - w / 2;
  const shaft = boxSdf(p, 12 - w / 2, 11.6, 12 + w / 2, 18.6);
  const tooth1 = boxSdf(p, 12, 15.1, 14.7, 15.1 + w * 0.8);
  const tooth2 = boxSdf(p, 12, 18.6 - w * 0.8, 14.2, 18.6);
  return Math.min(bow, shaft, tooth1, tooth2);
}

// ---- raster ------------------------------------------------------------------------------------

/** Area coverage of a pixel by a shape whose signed distance at the pixel centre is `d` pixels. */
const coverage = (d: number) => Math.max(0, Math.min(1, 0.5 - d));

function hex(color: string): [number, number, number] {
  const n = parseInt(color.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function render(size: number, box: number, shade: (p: Vec, unitsPerPixel: number, x: number, y: number) => [number, number, number, number]): Image {
  const rgba = new Uint8Array(size * size * 4);
  const scale = size / box; // pixels per design unit
  const offset = (box - 24) / 2; // design units of margin around the 24-unit drawing
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const p: Vec = [(x + 0.5) / scale - offset, (y + 0.5) / scale - offset];
      const [r, g, b, a] = shade(p, 1 / scale, x, y);
      const i = (y * size + x) * 4;
      rgba[i] = Math.round(r);
      rgba[i + 1] = Math.round(g);
      rgba[i + 2] = Math.round(b);
      rgba[i + 3] = Math.round(a);
    }
  }
  return { width: size, height: size, rgba };
}

/** Full-color icon: opaque; the symbol is about 96 px tall in 192, as the Teams icon guidelines ask. */
export function renderColorIcon(size = 192): Image {
  const top = hex('#2D78CC');
  const bottom = hex('#154A8A');
  const accent = hex(ACCENT_COLOR);
  const mix = (a: number[], b: number[], t: number) => a.map((v, i) => v + (b[i] - v) * t);
  return render(size, 42, (p, upp, _x, y) => {
    let px = mix(top, bottom, y / (size - 1));
    const shield = coverage(polygonSdf(p, SHIELD) / upp);
    px = mix(px, [255, 255, 255], shield);
    const key = coverage(keySdf(p, 1.7) / upp);
    px = mix(px, accent, key);
    return [px[0], px[1], px[2], 255];
  });
}

/** Outline icon: white only, alpha = coverage of the shield's stroke and the key. */
export function renderOutlineIcon(size = 32): Image {
  // The drawing fills the icon (a 25-unit box around the 24-unit design) so the 32-px lines stay crisp.
  return render(size, 25, (p, upp) => {
    const stroke = Math.abs(polygonSdf(p, SHIELD)) - 0.75;
    const d = Math.min(stroke, keySdf(p, 1.6));
    return [255, 255, 255, 255 * coverage(d / upp)];
  });
}

// ---- PNG ---------------------------------------------------------------------------------------

/** 8-bit RGBA PNG (pngjs: non-interlaced, adaptive row filters, zlib level 9). */
export function encodePng(image: Image): Buffer {
  const { width, height, rgba } = image;
  if (rgba.length !== width * height * 4) throw new Error(`encodePng: expected ${width * height * 4} bytes of RGBA, got ${rgba.length}`);
  const png = new PNG({ width, height, colorType: 6, inputColorType: 6, bitDepth: 8 });
  png.data = Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength);
  return PNG.sync.write(png, { colorType: 6, inputColorType: 6, bitDepth: 8, deflateLevel: 9 });
}

if (require.main === module) {
  const color = join(__dirname, '..', 'manifest', 'color.png');
  const outline = join(__dirname, '..', 'manifest', 'outline.png');
  writeFileSync(color, encodePng(renderColorIcon(192)));
  writeFileSync(outline, encodePng(renderOutlineIcon(32)));
  process.stdout.write(`${color}\n${outline}\n`);
}
