/**
 * Builds the offline evidence verifier (`web/src/evidence/verifier.ts`) into one self-contained
 * HTML file: its script and styles inline, nothing to fetch, and a Content-Security-Policy that
 * allows no connection, so the page provably checks a pack without a network. The console's build
 * adds it as `evidence-verifier.html`; `npm run evidence -- --verifier <file>` writes it beside a
 * pack.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** The page's policy: inline script and style only; no fetch, image, font or frame from anywhere. */
const POLICY =
  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

export const buildVerifierPage = async (): Promise<string> => {
  const bundled = await build({
    entryPoints: [source('./src/evidence/verifier.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  // Nothing in the script may close the element it is inlined in.
  const script = (bundled.outputFiles[0]?.text ?? '').replaceAll('</script', '<\\/script');
  const styles = readFileSync(source('./src/evidence/verifier.css'), 'utf8');
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${POLICY}">
<title>证据包核验 · Evidence pack verifier</title>
<style>${styles}</style>
</head>
<body>
<div id="app"><noscript>本页需要 JavaScript 才能核验证据包。 This page needs JavaScript to verify an evidence pack.</noscript></div>
<script>${script}</script>
</body>
</html>
`;
};
