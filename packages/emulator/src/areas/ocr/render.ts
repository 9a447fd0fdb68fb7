/**
 * Renders text into a PNG with a built-in 5x7 bitmap font (digits, A–Z, a few symbols), black on
 * white, with no fonts, network or native code. Used by tests and demos to produce an image whose
 * text the OCR area can really recognise.
 */
import { PNG } from 'pngjs';

// A small stroke font: each glyph is lines (`L x1 y1 x2 y2`) and elliptical arcs
// (`A cx cy rx ry fromDeg toDeg`, y down, 0° = right, 90° = down) on a 6x10 cap-height box.
// Strokes are drawn thick and anti-aliased, so tesseract's English model reads them like a
// plain sans-serif typeface.
const GLYPHS: Record<string, string> = {
  '0': 'A 3 5 3 5 0 360',
  '1': 'L 1.2 2 3.5 0; L 3.5 0 3.5 10',
  '2': 'A 3 3 3 3 -180 30; L 5.6 4.5 0 10; L 0 10 6 10',
  '3': 'A 3 2.6 2.8 2.6 -160 90; A 3 7.4 3 2.6 -90 160',
  '4': 'L 4.5 10 4.5 0; L 4.5 0 0 7; L 0 7 6 7',
  '5': 'L 5.5 0 0.9 0; L 0.9 0 0.6 4.6; A 3 6.8 3 3.2 -130 150',
  '6': 'A 3 7 3 3 0 360; A 6 7 6 7 180 250',
  '7': 'L 0 0 6 0; L 6 0 2 10',
  '8': 'A 3 2.5 2.6 2.5 0 360; A 3 7.5 3 2.5 0 360',
  '9': 'A 3 3 3 3 0 360; A 0 3 6 7 0 70',
  A: 'L 0 10 3 0; L 3 0 6 10; L 1 6.7 5 6.7',
  B: 'L 0 0 0 10; L 0 0 3.5 0; A 3.5 2.5 2.3 2.5 -90 90; L 3.5 5 0 5; A 3.5 7.5 2.5 2.5 -90 90; L 3.5 10 0 10',
  C: 'A 3.3 5 3.3 5 40 320',
  D: 'L 0 0 0 10; L 0 0 2 0; A 2 5 4 5 -90 90; L 2 10 0 10',
  E: 'L 6 0 0 0; L 0 0 0 10; L 0 10 6 10; L 0 5 5 5',
  F: 'L 6 0 0 0; L 0 0 0 10; L 0 5 5 5',
  G: 'A 3 5 3 5 0 315; L 6 5 6 10; L 6 5.5 3.5 5.5',
  H: 'L 0 0 0 10; L 6 0 6 10; L 0 5 6 5',
  I: 'L 3 0 3 10; L 1 0 5 0; L 1 10 5 10',
  J: 'L 5 0 5 7; A 2.5 7 2.5 3 0 180',
  K: 'L 0 0 0 10; L 6 0 0 6.5; L 2 4.7 6 10',
  L: 'L 0 0 0 10; L 0 10 6 10',
  M: 'L 0 10 0 0; L 0 0 3 7; L 3 7 6 0; L 6 0 6 10',
  N: 'L 0 10 0 0; L 0 0 6 10; L 6 10 6 0',
  O: 'A 3 5 3 5 0 360',
  P: 'L 0 10 0 0; L 0 0 3.5 0; A 3.5 2.75 2.5 2.75 -90 90; L 3.5 5.5 0 5.5',
  Q: 'A 3 5 3 5 0 360; L 3.5 7 6 10.5',
  R: 'L 0 10 0 0; L 0 0 3.5 0; A 3.5 2.75 2.5 2.75 -90 90; L 3.5 5.5 0 5.5; L 3 5.5 6 10',
  S: 'A 3 2.6 2.8 2.6 -30 -270; A 3 7.4 3 2.6 -90 150',
  T: 'L 0 0 6 0; L 3 0 3 10',
  U: 'L 0 0 0 7; A 3 7 3 3 180 0; L 6 7 6 0',
  V: 'L 0 0 3 10; L 3 10 6 0',
  W: 'L 0 0 1.5 10; L 1.5 10 3 3; L 3 3 4.5 10; L 4.5 10 6 0',
  X: 'L 0 0 6 10; L 6 0 0 10',
  Y: 'L 0 0 3 5; L 6 0 3 5; L 3 5 3 10',
  Z: 'L 0 0 6 0; L 6 0 0 10; L 0 10 6 10',
  '-': 'L 1 5.5 5 5.5',
  '.': 'L 3 9.7 3 10',
  ':': 'L 3 2.7 3 3; L 3 9.7 3 10',
  '/': 'L 6 0 0 10',
  ' ': '',
};

/** Characters `renderTextPng` can draw (lower-case letters are drawn as capitals). */
export const RENDERABLE = Object.keys(GLYPHS).join('');

export interface RenderTextOptions {
  /** Pixels per font unit; a capital is 10 units tall. @default 6 */
  scale?: number;
  /** White border around the text, in pixels. @default 3 * 10 * scale / 2 */
  margin?: number;
}

type Segment = [number, number, number, number];

const ADVANCE = 9; // 6-unit glyph + 3 units of spacing
const LINE = 17; // 10-unit capitals + 7 units of leading
const HALF_STROKE = 0.6; // half the stroke width, in units

/** A glyph's strokes flattened into line segments, in font units. */
function segments(spec: string): Segment[] {
  const out: Segment[] = [];
  for (const part of spec.split(';')) {
    const [op, ...nums] = part.trim().split(/\s+/);
    const n = nums.map(Number);
    if (op === 'L') out.push([n[0], n[1], n[2], n[3]]);
    else if (op === 'A') {
      const [cx, cy, rx, ry, a0, a1] = n;
      const steps = Math.max(4, Math.ceil(Math.abs(a1 - a0) / 10));
      const pt = (i: number) => {
        const a = ((a0 + ((a1 - a0) * i) / steps) * Math.PI) / 180;
        return [cx + rx * Math.cos(a), cy + ry * Math.sin(a)];
      };
      for (let i = 0; i < steps; i++) out.push([...pt(i), ...pt(i + 1)] as Segment);
    }
  }
  return out;
}

function distance(px: number, py: number, [x1, y1, x2, y2]: Segment): number {
  const dx = x2 - x1;
  const dy = y2 - y1;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - x1) * dx + (py - y1) * dy) / len2));
  return Math.hypot(px - (x1 + t * dx), py - (y1 + t * dy));
}

/**
 * Draws `text` (one line per `\n`) as a black-on-white PNG and returns its bytes. Lower-case
 * letters are drawn as capitals. Throws a RangeError for characters outside `RENDERABLE`.
 */
export function renderTextPng(text: string, options: RenderTextOptions = {}): Buffer {
  const scale = options.scale ?? 6;
  const margin = Math.round(options.margin ?? 15 * scale);
  const lines = text.toUpperCase().split('\n');
  for (const ch of lines.join('')) {
    if (GLYPHS[ch] === undefined) throw new RangeError(`renderTextPng: cannot draw ${JSON.stringify(ch)}`);
  }
  const cols = Math.max(1, ...lines.map((l) => l.length)) * ADVANCE - (ADVANCE - 6);
  const rows = lines.length * LINE - (LINE - 10);
  const png = new PNG({ width: Math.ceil(cols * scale) + 2 * margin, height: Math.ceil(rows * scale) + 2 * margin });
  png.data.fill(255);
  lines.forEach((line, li) => {
    [...line].forEach((ch, ci) => {
      if (!GLYPHS[ch]) return;
      drawGlyph(png, segments(GLYPHS[ch]), margin + ci * ADVANCE * scale, margin + li * LINE * scale, scale);
    });
  });
  return PNG.sync.write(png);
}

/** Anti-aliased thick strokes: coverage falls off over one pixel at the stroke's edge. */
function drawGlyph(png: PNG, segs: Segment[], ox: number, oy: number, scale: number): void {
  const pad = Math.ceil((HALF_STROKE + 1) * scale);
  for (let y = Math.floor(oy - pad); y < Math.ceil(oy + 10 * scale + pad); y++) {
    for (let x = Math.floor(ox - pad); x < Math.ceil(ox + 6 * scale + pad); x++) {
      if (x < 0 || y < 0 || x >= png.width || y >= png.height) continue;
      const ux = (x + 0.5 - ox) / scale;
      const uy = (y + 0.5 - oy) / scale;
      let d = Number.POSITIVE_INFINITY;
      for (const s of segs) d = Math.min(d, distance(ux, uy, s));
      const coverage = Math.max(0, Math.min(1, (HALF_STROKE - d) * scale + 0.5));
      if (coverage === 0) continue;
      const i = (y * png.width + x) * 4;
      const v = Math.round(255 * (1 - coverage));
      if (v < png.data[i]) png.data[i] = png.data[i + 1] = png.data[i + 2] = v;
    }
  }
}
