/**
 * The web console's files as answers, for whichever server serves them beside the API: the local
 * runtime's HTTP server (`infra/local/web-assets.ts`) and, where there is no CloudFront (the China
 * regions), the console function behind the HTTP API's default route. The files of the built
 * console with the console's security headers; `/config.json` from the deployment's configuration;
 * any other path without a file extension is the app shell (client-side routes).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { ConsoleAuth, ConsoleConfig } from '../../schemas/console-config';
import { consoleSecurityHeaders } from './web-security';

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

/** One answer: its status, headers and body (gzipped when asked for and worth it). */
export interface ConsoleAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

export interface ConsoleFilesOptions {
  /** The built console; when it has no `index.html`, `/` says how to build it. */
  readonly dist: string;
  readonly config: ConsoleConfig;
  /** Headers every answer carries besides the console's own (HSTS, over HTTPS). @default none */
  readonly extraHeaders?: Readonly<Record<string, string>>;
  /** Where presigned attachment URLs point: photos are sent to and shown from it. @default none */
  readonly attachmentOrigin?: string;
}

/** The origin the console exchanges sign-in codes with, which its Content-Security-Policy must allow. */
export const signInOrigins = (auth: ConsoleAuth): string[] =>
  auth.kind === 'oidc' ? [new URL(auth.tokenEndpoint).origin] : [];

/**
 * Answers a request for the console: undefined for what is not the console's (the API's paths,
 * methods other than GET and HEAD, a path that cannot be decoded or leaves the folder).
 */
export const makeConsoleFiles = (options: ConsoleFilesOptions) => {
  const headers = {
    ...consoleSecurityHeaders(
      signInOrigins(options.config.auth),
      options.attachmentOrigin ? [options.attachmentOrigin] : [],
    ),
    ...options.extraHeaders,
  };
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

  const answer = (method: string, acceptsGzip: boolean, status: number, asset: Asset): ConsoleAnswer => {
    const gzip = asset.gzipped !== undefined && acceptsGzip;
    const body = gzip && asset.gzipped ? asset.gzipped : asset.body;
    return {
      status,
      headers: {
        ...headers,
        'content-type': asset.type,
        'cache-control': asset.cache,
        vary: 'accept-encoding',
        'content-length': String(body.length),
        ...(gzip ? { 'content-encoding': 'gzip' } : {}),
      },
      body: method === 'HEAD' ? Buffer.alloc(0) : body,
    };
  };

  const notBuilt: Asset = {
    body: Buffer.from(
      '<!doctype html><meta charset="utf-8"><title>Console not built</title>' +
        '<p>The web console is not built. Run <code>npm run build:web</code> (or restart <code>npm start</code>, which builds it).</p>',
    ),
    type: 'text/html; charset=utf-8',
    cache: 'no-store',
  };

  return (request: { method: string; path: string; acceptsGzip: boolean }): ConsoleAnswer | undefined => {
    const { method, path, acceptsGzip } = request;
    if (path.startsWith('/v1/') || path === '/v1' || path === '/health' || path.startsWith('/local/')) return undefined;
    if (method !== 'GET' && method !== 'HEAD') return undefined;

    if (path === '/config.json') {
      return answer(method, acceptsGzip, 200, {
        body: configBody,
        gzipped: gzipSync(configBody),
        type: TYPES['.json'] ?? '',
        cache: 'no-cache',
      });
    }
    // Hashed file names never change content: cache them for a year. The shell and the worker
    // must be asked for every time, or a new build would never reach the browser.
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      return undefined;
    }
    const relativePath = normalize(decoded).replace(/^[/\\]+/, '');
    if (relativePath.split(sep).includes('..')) return undefined;
    const immutable = relativePath.startsWith(`assets${sep}`);
    const file = join(options.dist, relativePath);
    const asset =
      relativePath !== '' && relativePath !== 'index.html'
        ? load(file, immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
        : undefined;
    if (asset) return answer(method, acceptsGzip, 200, asset);
    if (extname(relativePath) !== '' && relativePath !== 'index.html') {
      return {
        status: 404,
        headers: { ...headers, 'content-type': 'text/plain; charset=utf-8' },
        body: Buffer.from('not found'),
      };
    }
    // A client-side route (/, /report/new, /incidents/…): the app shell.
    const shell = existsSync(join(options.dist, 'index.html'))
      ? load(join(options.dist, 'index.html'), 'no-cache')
      : undefined;
    return answer(method, acceptsGzip, 200, shell ?? notBuilt);
  };
};
