/**
 * The web console in the local runtime: the files of `web/dist` at `/`, next to the API, so the
 * console and the API share an origin (no CORS), as they do behind CloudFront on AWS. Every answer
 * carries the same security headers as there; `/config.json` is written from the runtime's own
 * configuration; any other path without a file extension is the app shell (client-side routes).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { ConsoleConfig } from '../../shared/schemas/console-config';
import { consoleSecurityHeaders } from '../web-security';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.json', '.webmanifest', '.svg', '.txt']);

interface Asset {
  readonly body: Buffer;
  readonly gzipped?: Buffer;
  readonly type: string;
  readonly cache: string;
}

export interface WebAssetsOptions {
  /** The built console; when it has no `index.html`, `/` says how to build it. */
  readonly dist: string;
  readonly config: ConsoleConfig;
  /** Where presigned attachment URLs point (the local S3 edge): photos are sent to and shown from it. */
  readonly attachmentOrigin?: string;
}

/**
 * A request handler for the console's paths; answers false for paths it does not serve (the API's),
 * so the caller can answer those.
 */
export const makeWebAssets = (options: WebAssetsOptions) => {
  const headers = consoleSecurityHeaders([], options.attachmentOrigin ? [options.attachmentOrigin] : []);
  const cache = new Map<string, { asset: Asset; mtimeMs: number }>();
  const configBody = Buffer.from(JSON.stringify(options.config));

  const load = (file: string, cacheControl: string): Asset | undefined => {
    let mtimeMs: number;
    try {
      const stat = statSync(file);
      if (!stat.isFile()) return undefined;
      mtimeMs = stat.mtimeMs;
    } catch {
      return undefined;
    }
    const cached = cache.get(file);
    if (cached && cached.mtimeMs === mtimeMs) return cached.asset;
    const extension = extname(file);
    const body = readFileSync(file);
    const asset: Asset = {
      body,
      ...(COMPRESSIBLE.has(extension) ? { gzipped: gzipSync(body) } : {}),
      type: TYPES[extension] ?? 'application/octet-stream',
      cache: cacheControl,
    };
    cache.set(file, { asset, mtimeMs });
    return asset;
  };

  const send = (req: IncomingMessage, res: ServerResponse, status: number, asset: Asset): void => {
    const gzip = asset.gzipped && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const body = gzip && asset.gzipped ? asset.gzipped : asset.body;
    res.writeHead(status, {
      ...headers,
      'content-type': asset.type,
      'cache-control': asset.cache,
      vary: 'accept-encoding',
      'content-length': String(body.length),
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };

  const notBuilt: Asset = {
    body: Buffer.from(
      '<!doctype html><meta charset="utf-8"><title>Console not built</title>' +
        '<p>The web console is not built. Run <code>npm run build:web</code> (or restart <code>npm start</code>, which builds it).</p>',
    ),
    type: 'text/html; charset=utf-8',
    cache: 'no-store',
  };

  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    const path = url.pathname;
    if (path.startsWith('/v1/') || path === '/v1' || path === '/health' || path.startsWith('/local/')) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;

    if (path === '/config.json') {
      send(req, res, 200, {
        body: configBody,
        gzipped: gzipSync(configBody),
        type: TYPES['.json'] ?? '',
        cache: 'no-cache',
      });
      return true;
    }
    // Hashed file names never change content: cache them for a year. The shell and the worker
    // must be asked for every time, or a new build would never reach the browser.
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      return false;
    }
    const relativePath = normalize(decoded).replace(/^[/\\]+/, '');
    if (relativePath.split(sep).includes('..')) return false;
    const immutable = relativePath.startsWith(`assets${sep}`);
    const file = join(options.dist, relativePath);
    const asset =
      relativePath !== '' && relativePath !== 'index.html'
        ? load(file, immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
        : undefined;
    if (asset) {
      send(req, res, 200, asset);
      return true;
    }
    if (extname(relativePath) !== '' && relativePath !== 'index.html') {
      res.writeHead(404, { ...headers, 'content-type': 'text/plain; charset=utf-8' });
      res.end('not found');
      return true;
    }
    // A client-side route (/, /report/new, /incidents/…): the app shell.
    const shell = existsSync(join(options.dist, 'index.html'))
      ? load(join(options.dist, 'index.html'), 'no-cache')
      : undefined;
    send(req, res, 200, shell ?? notBuilt);
    return true;
  };
};
