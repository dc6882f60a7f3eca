import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
};

/**
 * Serves a built web app from `dir`: existing files as they are, and `index.html` for GET
 * navigations (Accept: text/html) to any other path, so deep links work. Returns null when
 * there is nothing to serve. Paths never escape `dir`.
 */
export function createStaticFiles(dir: string): (request: Request) => Promise<Response | null> {
  const root = resolve(dir);
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return null;
    const pathname = safeDecode(new URL(request.url).pathname);
    if (pathname === null) return null;
    const target = resolve(root, `.${normalize(pathname)}`);
    if (target !== root && !target.startsWith(root + sep)) return null;
    const file = (await isFile(target)) ? target : (await isFile(join(target, 'index.html'))) ? join(target, 'index.html') : null;
    if (file !== null) return fileResponse(file, request.method === 'HEAD', pathname.startsWith('/assets/'));
    const navigation = (request.headers.get('accept') ?? '').includes('text/html');
    const index = join(root, 'index.html');
    return navigation && (await isFile(index)) ? fileResponse(index, request.method === 'HEAD', false) : null;
  };
}

function safeDecode(path: string): string | null {
  try {
    const decoded = decodeURIComponent(path);
    return decoded.includes('\u0000') ? null : decoded;
  } catch {
    return null;
  }
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isFile() ?? false;
}

function fileResponse(path: string, head: boolean, immutable: boolean): Response {
  const headers = {
    'content-type': TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream',
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
  };
  if (head) return new Response(null, { headers });
  return new Response(Readable.toWeb(createReadStream(path)) as ReadableStream, { headers });
}
