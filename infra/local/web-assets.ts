/**
 * The web console in the local runtime: the files of `web/dist` at `/`, next to the API, so the
 * console and the API share an origin (no CORS), as they do on AWS. The answers are
 * `shared/adapters/http/console-files.ts`'s, which the console function gives on AWS where there is
 * no CloudFront; `/config.json` is written from the runtime's own configuration.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ConsoleFilesOptions, makeConsoleFiles } from '../../shared/adapters/http/console-files';

export type WebAssetsOptions = ConsoleFilesOptions;

/**
 * A request handler for the console's paths; answers false for paths it does not serve (the API's),
 * so the caller can answer those.
 */
export const makeWebAssets = (options: WebAssetsOptions) => {
  const files = makeConsoleFiles(options);
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    const answer = files({
      method: req.method ?? 'GET',
      path: url.pathname,
      acceptsGzip: /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? '')),
    });
    if (!answer) return false;
    res.writeHead(answer.status, answer.headers);
    res.end(req.method === 'HEAD' ? undefined : answer.body);
    return true;
  };
};
