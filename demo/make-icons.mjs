// Draws the demo's app icons (an envelope on the theme colour) and writes them as PNGs.
// No external assets: a tiny PNG encoder over node:zlib. Run: node demo/make-icons.mjs
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const BG = [29, 78, 216];
const FG = [255, 255, 255];

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
function png(size, rgb) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: RGB
  const raw = Buffer.alloc(size * (size * 3 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 3 + 1)] = 0; // filter: none
    rgb.copy(raw, y * (size * 3 + 1) + 1, y * size * 3, (y + 1) * size * 3);
  }
  const sig = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);
  return Buffer.concat([sig, chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** Distance from point p to segment ab, in the unit square. */
function segDist(px, py, ax, ay, bx, by) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/** Whether the unit-square point is white: an envelope outline with its flap, inside the maskable safe zone. */
function isForeground(x, y) {
  const [l, r, t, b] = [0.24, 0.76, 0.32, 0.68];
  const w = 0.035;
  const inBox = x >= l - w && x <= r + w && y >= t - w && y <= b + w;
  const inHole = x > l + w && x < r - w && y > t + w && y < b - w;
  if (inBox && !inHole) return true;
  return segDist(x, y, l, t, 0.5, 0.52) < w || segDist(x, y, r, t, 0.5, 0.52) < w;
}

function draw(size) {
  const rgb = Buffer.alloc(size * size * 3);
  const n = 4; // 4×4 supersampling for smooth edges
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let hits = 0;
      for (let sy = 0; sy < n; sy++)
        for (let sx = 0; sx < n; sx++) if (isForeground((x + (sx + 0.5) / n) / size, (y + (sy + 0.5) / n) / size)) hits++;
      const a = hits / (n * n);
      for (let c = 0; c < 3; c++) rgb[(y * size + x) * 3 + c] = Math.round(BG[c] * (1 - a) + FG[c] * a);
    }
  }
  return png(size, rgb);
}

for (const size of [192, 512]) {
  const file = new URL(`./public/icons/icon-${size}.png`, import.meta.url);
  writeFileSync(file, draw(size));
  console.log(`wrote ${file.pathname}`);
}
