/**
 * Draws the Teams app icons into appPackage/: color.png (192×192, full colour) and outline.png
 * (32×32, white on transparent), as the manifest schema asks. Run with `npx tsx scripts/make-icons.ts`
 * after changing the design; the PNGs are committed, so packaging never needs this script.
 *
 * The design is a "DD" monogram standing on a desk line. Shapes are described in unit coordinates
 * and rendered at each size with 4×4 supersampling, so edges are smooth at 192 px and still crisp
 * at 32 px. PNGs are written by hand (RGBA, filter 0, zlib) to avoid an image dependency.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

type Rgb = [number, number, number];
type Shape = (x: number, y: number) => boolean;

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** RGBA, 8 bits per channel, no interlace. */
export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type: RGBA
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0; // filter: none
    Buffer.from(rgba.buffer, rgba.byteOffset + y * width * 4, width * 4).copy(raw, y * (width * 4 + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const inRect = (x: number, y: number, x0: number, y0: number, x1: number, y1: number): boolean =>
  x >= x0 && x < x1 && y >= y0 && y < y1;

/** A letter D: a stem and a half-round bowl, hollowed out by the same shape inset by `stroke`. */
function letterD(x0: number, y0: number, width: number, height: number, stroke: number): Shape {
  const r = height / 2;
  const cx = x0 + width - r;
  const cy = y0 + r;
  const solid = (x: number, y: number, inset: number): boolean =>
    inRect(x, y, x0 + inset, y0 + inset, cx, y0 + height - inset) ||
    (x >= cx && (x - cx) ** 2 + (y - cy) ** 2 < (r - inset) ** 2);
  return (x, y) => solid(x, y, 0) && !solid(x, y, stroke);
}

/** A bar with round ends. */
function roundBar(x0: number, x1: number, y0: number, y1: number): Shape {
  const r = (y1 - y0) / 2;
  const cy = y0 + r;
  return (x, y) =>
    inRect(x, y, x0 + r, y0, x1 - r, y1) ||
    (x - (x0 + r)) ** 2 + (y - cy) ** 2 < r * r ||
    (x - (x1 - r)) ** 2 + (y - cy) ** 2 < r * r;
}

const STROKE = 0.09;
const LEFT = 0.14;
const RIGHT = 0.86;
const GAP = 0.06;
const D_WIDTH = (RIGHT - LEFT - GAP) / 2;
const firstD = letterD(LEFT, 0.24, D_WIDTH, 0.46, STROKE);
const secondD = letterD(LEFT + D_WIDTH + GAP, 0.24, D_WIDTH, 0.46, STROKE);
const desk = roundBar(LEFT, RIGHT, 0.76, 0.82);

interface Layer {
  shape: Shape;
  color: Rgb;
}

/**
 * Renders layers over a background (`undefined` = transparent) with supersampled coverage.
 * `background` may vary with position (a gentle diagonal gradient on the colour icon).
 */
function render(size: number, layers: Layer[], background?: (x: number, y: number) => Rgb): Uint8Array {
  const out = new Uint8Array(size * size * 4);
  const ss = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < ss; sy++) {
        for (let sx = 0; sx < ss; sx++) {
          const x = (px + (sx + 0.5) / ss) / size;
          const y = (py + (sy + 0.5) / ss) / size;
          const hit = layers.find((l) => l.shape(x, y));
          const colour = hit ? hit.color : background?.(x, y);
          if (colour) {
            r += colour[0];
            g += colour[1];
            b += colour[2];
            a += 1;
          }
        }
      }
      const i = (py * size + px) * 4;
      // Colour is averaged over covered samples only, so transparent edges stay pure white.
      out[i] = a ? Math.round(r / a) : 0;
      out[i + 1] = a ? Math.round(g / a) : 0;
      out[i + 2] = a ? Math.round(b / a) : 0;
      out[i + 3] = Math.round((255 * a) / (ss * ss));
    }
  }
  return out;
}

const WHITE: Rgb = [255, 255, 255];
const MINT: Rgb = [158, 230, 216];
const TEAL_DARK: Rgb = [10, 84, 81];
const TEAL_LIGHT: Rgb = [20, 130, 123];

const gradient = (x: number, y: number): Rgb => {
  const t = Math.min(1, Math.max(0, (x + y) / 2));
  return [0, 1, 2].map((c) => Math.round(TEAL_LIGHT[c] + (TEAL_DARK[c] - TEAL_LIGHT[c]) * t)) as Rgb;
};

export function colorIcon(): Buffer {
  const layers = [
    { shape: firstD, color: WHITE },
    { shape: secondD, color: MINT },
    { shape: desk, color: WHITE },
  ];
  return encodePng(192, 192, render(192, layers, gradient));
}

export function outlineIcon(): Buffer {
  const layers = [firstD, secondD, desk].map((shape) => ({ shape, color: WHITE }));
  return encodePng(32, 32, render(32, layers));
}

if (require.main === module) {
  const dir = path.resolve(__dirname, '..', 'appPackage');
  writeFileSync(path.join(dir, 'color.png'), colorIcon());
  writeFileSync(path.join(dir, 'outline.png'), outlineIcon());
  console.log(`Wrote ${path.join(dir, 'color.png')} and ${path.join(dir, 'outline.png')}`);
}
