/**
 * The evidence pack's part of `npm run bench:web`: with `incidents` reports spread over Beijing's
 * districts (each forwarded once, so every log holds more than its report), the time to build a
 * pack of all of them (`GET /v1/audit/evidence` for the province and period, the whole file
 * received), and the time the offline verifier page, opened from disk in Chromium with no network,
 * takes from the file being chosen to its verdict on every event. Target: verify 100 incidents in
 * the browser within 2 s.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { openLocalSigner } from '../../infra/local/auth';
import { childrenOf } from '../../shared/domain/regions/regions';
import { initialReport } from '../fixtures/reports';
import { type BenchRuntime, median } from './support';

const REGION = '110000';

export interface EvidenceFigures {
  readonly incidents: number;
  readonly events: number;
  readonly bytes: number;
  readonly buildMs: number;
  readonly verifyMs: number;
  /** The check alone, as the page measures it (reading the file, parsing, hashing). */
  readonly checkMs: number;
  /** The check and the verdict on every event drawn, as the page measures it. */
  readonly shownMs: number;
}

const ok = async (response: Response, what: string): Promise<Response> => {
  if (!response.ok) throw new Error(`${what}: ${response.status} ${await response.text()}`);
  return response;
};

export const benchEvidence = async (
  runtime: BenchRuntime,
  browser: Browser,
  options: { readonly incidents: number; readonly rounds: number },
): Promise<EvidenceFigures> => {
  const signer = await openLocalSigner(runtime.dataDir);
  const counties = childrenOf('110100').map((c) => c.code);
  const from = new Date(Date.now() - 1_000).toISOString();
  for (let n = 0; n < options.incidents; n++) {
    const county = counties[n % counties.length] as string;
    const unit = `U-${county}`;
    const reporter = await signer.sign({ sub: `u-${county}`, role: 'reporter', region: county, unit });
    const office = await signer.sign({ sub: `o-${county}`, role: 'office', region: county, level: 'county' });
    const answer = await ok(
      await fetch(`${runtime.url}/v1/reports`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${reporter}`,
          'content-type': 'application/json',
          'idempotency-key': `ev-${n}`,
        },
        body: JSON.stringify(initialReport(county, unit)),
      }),
      'report',
    );
    const { incidentId } = (await answer.json()) as { incidentId: string };
    await ok(
      await fetch(`${runtime.url}/v1/incidents/${incidentId}/forward`, {
        method: 'POST',
        headers: { authorization: `Bearer ${office}`, 'content-type': 'application/json' },
        body: '{}',
      }),
      'forward',
    );
  }
  const inspector = await signer.sign({ sub: 'bench-inspector', role: 'inspector', region: REGION });
  const to = new Date().toISOString();
  const folder = mkdtempSync(join(tmpdir(), 'evidence-bench-'));
  try {
    const builds: number[] = [];
    let text = '';
    for (let round = 0; round < options.rounds; round++) {
      const started = performance.now();
      const response = await ok(
        await fetch(`${runtime.url}/v1/audit/evidence?region=${REGION}&from=${from}&to=${to}`, {
          headers: { authorization: `Bearer ${inspector}` },
        }),
        'evidence pack',
      );
      text = await response.text();
      builds.push(performance.now() - started);
    }
    const pack = JSON.parse(text) as { incidents: { events: unknown[] }[] };
    if (pack.incidents.length !== options.incidents) {
      throw new Error(`the pack holds ${pack.incidents.length} incidents, not ${options.incidents}`);
    }
    const packFile = join(folder, 'pack.json');
    writeFileSync(packFile, text);
    const page = await ok(await fetch(`${runtime.url}/evidence-verifier.html`), 'verifier page');
    const verifierFile = join(folder, 'verifier.html');
    writeFileSync(verifierFile, await page.text());

    const verifies: number[] = [];
    const checks: number[] = [];
    const shown: number[] = [];
    for (let round = 0; round < options.rounds; round++) {
      const context = await browser.newContext({ offline: true });
      const tab = await context.newPage();
      await tab.goto(pathToFileURL(verifierFile).href);
      const started = performance.now();
      await tab.getByLabel('证据包文件（.json）').setInputFiles(packFile);
      await tab.getByText(/^核验通过/).waitFor({ state: 'visible', timeout: 60_000 });
      verifies.push(performance.now() - started);
      checks.push(Number(await tab.locator('[data-verified-ms]').getAttribute('data-verified-ms')));
      await tab.locator('#app[data-shown-ms]').waitFor({ state: 'attached' });
      shown.push(Number(await tab.locator('#app').getAttribute('data-shown-ms')));
      await context.close();
    }
    return {
      incidents: pack.incidents.length,
      events: pack.incidents.reduce((sum, i) => sum + i.events.length, 0),
      bytes: Buffer.byteLength(text),
      buildMs: median(builds),
      verifyMs: median(verifies),
      checkMs: median(checks),
      shownMs: median(shown),
    };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
};
