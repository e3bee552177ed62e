/**
 * `npm run bench:web`: the web console on a weak network, in Chromium. The runtime is started as
 * `npm start` starts it (building the console if needed); the network is throttled through the
 * devtools protocol to about one bar of mobile signal (400 kbit/s each way, 400 ms round trip).
 *
 * For each round, on a fresh browser context (an empty cache, no service worker):
 *
 * - first load: bytes of JavaScript and CSS transferred (gzipped, as served) and of everything,
 *   and the time from navigation until the new-report form is usable (its submit button shown);
 * - repeat load, once the service worker controls the page: the same time;
 * - offline: the same time with no network at all, and whether a report can be saved there.
 *
 * A person who opened the console is already signed in (the token is in the tab's session).
 * Options: --rounds R (5). Targets: ≤ 150 KB gzipped JS+CSS; usable within 5 s first, 1 s repeat.
 *
 * Then the duty desk (`./web-desk.ts`): first render of a province board of 2,000 open incidents
 * and how soon a new arrival appears; --incidents N (2000) and --arrivals N (20) size it.
 *
 * Then the inspector's evidence pack (`./evidence.ts`): built for --pack-incidents N (100)
 * incidents, and verified offline in the browser (target: within 2 s for 100 incidents).
 *
 * Then the inspector's console (`./web-inspect.ts`): with --inspect-incidents N (1200) incidents in
 * a province (as `bench:audit` seeds them), the first render of the late list and of punctuality
 * (target: within 2 s each).
 *
 * Then photos with a report (`./web-photos.ts`): the bytes sent for a typical 4 MB phone photo after
 * the app makes it small, and the time to deliver a report with three photos on the same weak
 * profile (targets: ≤ 600 KB a photo; the report delivered before its photos, within 5 s).
 *
 * --part unit|desk|evidence|inspect|photos runs one of the five.
 */
import { parseArgs } from 'node:util';
import type { CDPSession, Page } from 'playwright-core';
import { launchBrowser } from '../browser/chromium';
import { type InPage, PHONE } from '../browser/support';
import { benchEvidence } from './evidence';
import { median, startRuntimeProcess } from './support';
import { benchDesk } from './web-desk';
import { benchInspect } from './web-inspect';
import { benchPhotos } from './web-photos';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    part: { type: 'string', default: 'all' },
    incidents: { type: 'string', default: '2000' },
    arrivals: { type: 'string', default: '20' },
    'pack-incidents': { type: 'string', default: '100' },
    'inspect-incidents': { type: 'string', default: '1200' },
  },
});
const rounds = Number(values.rounds);
const part = values.part as 'all' | 'unit' | 'desk' | 'evidence' | 'inspect' | 'photos';
const runs = (name: Exclude<typeof part, 'all'>) => part === 'all' || part === name;
const kb = (bytes: number) => (bytes / 1024).toFixed(1);

const KBIT = 1000 / 8;
const WEAK = { offline: false, latency: 400, downloadThroughput: 400 * KBIT, uploadThroughput: 400 * KBIT };

interface Transfer {
  script: number;
  stylesheet: number;
  all: number;
}

/** Counts bytes as they arrive over the (throttled) wire, by resource type. */
const countTransfers = async (cdp: CDPSession): Promise<Transfer> => {
  const types = new Map<string, string>();
  const transfer: Transfer = { script: 0, stylesheet: 0, all: 0 };
  cdp.on('Network.responseReceived', (event) => types.set(event.requestId, event.type));
  cdp.on('Network.loadingFinished', (event) => {
    const type = types.get(event.requestId);
    transfer.all += event.encodedDataLength;
    if (type === 'Script') transfer.script += event.encodedDataLength;
    if (type === 'Stylesheet') transfer.stylesheet += event.encodedDataLength;
  });
  await cdp.send('Network.enable');
  return transfer;
};

const untilUsable = async (page: Page, navigate: () => Promise<unknown>): Promise<number> => {
  const started = performance.now();
  await navigate();
  await page.getByRole('button', { name: '提交初报' }).waitFor({ state: 'visible', timeout: 60_000 });
  return performance.now() - started;
};

const runtime = await startRuntimeProcess();
const browser = await launchBrowser();
try {
  if (runs('unit')) await benchUnit();
  if (runs('desk')) {
    console.log(
      await benchDesk(browser, runtime, {
        incidents: Number(values.incidents),
        rounds,
        arrivals: Number(values.arrivals),
      }),
    );
  }
  if (runs('evidence')) {
    const evidence = await benchEvidence(runtime, browser, { incidents: Number(values['pack-incidents']), rounds });
    console.log(`Evidence pack of ${evidence.incidents} incidents (${evidence.events} events, ${kb(evidence.bytes)} KB), ${rounds} rounds, medians:

| measure | result | target |
|---|---:|---:|
| pack built and received (\`GET /v1/audit/evidence\`) | ${evidence.buildMs.toFixed(0)} ms | |
| verified offline in Chromium, file chosen → verdict shown | ${evidence.verifyMs.toFixed(0)} ms | ≤ 2,000 ms |
| in the page: the check (read, parse, every hash recomputed) | ${evidence.checkMs.toFixed(0)} ms | |
| in the page: the check and every event's verdict drawn | ${evidence.shownMs.toFixed(0)} ms | |
`);
  }
  if (runs('inspect')) {
    console.log(await benchInspect(browser, { incidents: Number(values['inspect-incidents']), rounds }));
  }
  if (runs('photos')) {
    const { session, idToken } = await unitSession();
    console.log(
      await benchPhotos(runtime, {
        rounds,
        network: WEAK,
        unitContext: () => unitContext(session),
        unitToken: idToken,
      }),
    );
  }
} finally {
  await browser.close();
  await runtime.stop();
}

/** Dongcheng's unit signed in locally, as the console keeps its session. */
async function unitSession(): Promise<{ session: string; idToken: string }> {
  const signIn = await fetch(`${runtime.url}/local/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ identity: 'unit-dongcheng' }),
  });
  const { idToken } = (await signIn.json()) as { idToken: string };
  const session = JSON.stringify({
    idToken,
    claims: JSON.parse(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString('utf8')),
    renewal: { kind: 'local', identity: 'unit-dongcheng' },
  });
  return { session, idToken };
}

/** A fresh phone (empty cache, no service worker) with the unit already signed in. */
async function unitContext(session: string) {
  const context = await browser.newContext({ viewport: PHONE, baseURL: runtime.url, locale: 'zh-CN' });
  await context.addInitScript((stored) => {
    const storage = (globalThis as unknown as InPage).sessionStorage;
    if (!storage.getItem('console.session')) storage.setItem('console.session', stored);
  }, session);
  return context;
}

/** The reporting unit's app on a weak network: load sizes and times, first, repeat and offline. */
async function benchUnit(): Promise<void> {
  const { session } = await unitSession();
  const results: { first: number; repeat: number; offline: number; transfer: Transfer; savedOffline: boolean }[] = [];
  for (let round = 0; round < rounds; round++) {
    const context = await unitContext(session);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    const transfer = await countTransfers(cdp);
    await cdp.send('Network.emulateNetworkConditions', WEAK);

    const first = await untilUsable(page, () => page.goto('/report/new', { waitUntil: 'commit' }));
    const firstTransfer = { ...transfer };
    // The service worker installs after the first screen; once it controls the page, reload.
    await page.evaluate(async () => {
      const { serviceWorker } = (globalThis as unknown as InPage).navigator;
      await serviceWorker.ready;
      if (!serviceWorker.controller) {
        await new Promise<void>((resolve) =>
          serviceWorker.addEventListener('controllerchange', resolve, { once: true }),
        );
      }
    });
    const repeat = await untilUsable(page, () => page.reload({ waitUntil: 'commit' }));
    await cdp.send('Network.emulateNetworkConditions', { ...WEAK, offline: true });
    await context.setOffline(true);
    const offline = await untilUsable(page, () => page.reload({ waitUntil: 'commit' }));
    const label = (name: string) => page.getByLabel(name, { exact: true });
    await label('详细地点').fill('东华门街道 3 号院');
    await label('事件类别').selectOption({ label: '事故灾难' });
    await label('具体类型').fill('基准测试');
    await label('简要经过').fill('离线保存测试。');
    await label('报告人姓名').fill('王丽');
    await label('报告人联系电话').fill('010 1234 5678');
    await page.getByRole('button', { name: '提交初报' }).click();
    const savedOffline = await page
      .getByText(/已保存在本机（.*），联网后自动发送/)
      .waitFor({ state: 'visible', timeout: 10_000 })
      .then(
        () => true,
        () => false,
      );
    results.push({ first, repeat, offline, transfer: firstTransfer, savedOffline });
    await context.close();
    console.log(
      `round ${round + 1}: first ${first.toFixed(0)} ms, repeat ${repeat.toFixed(0)} ms, offline ${offline.toFixed(0)} ms, ` +
        `JS ${firstTransfer.script} B, CSS ${firstTransfer.stylesheet} B, all ${firstTransfer.all} B, saved offline: ${savedOffline}`,
    );
  }

  const jsCss = median(results.map((r) => r.transfer.script + r.transfer.stylesheet));
  console.log(`
Web console on a throttled network (400 kbit/s, 400 ms RTT), ${rounds} rounds, medians:

| measure | result | target |
|---|---:|---:|
| JS + CSS on first load (gzipped, as transferred) | ${kb(jsCss)} KB | ≤ 150 KB |
| everything on first load (HTML, JS, CSS, config, manifest, icon) | ${kb(median(results.map((r) => r.transfer.all)))} KB | |
| new-report form usable, first load | ${median(results.map((r) => r.first)).toFixed(0)} ms | ≤ 5,000 ms |
| new-report form usable, repeat load (service worker) | ${median(results.map((r) => r.repeat)).toFixed(0)} ms | ≤ 1,000 ms |
| new-report form usable, offline | ${median(results.map((r) => r.offline)).toFixed(0)} ms | usable |
| report saved in the outbox offline | ${results.every((r) => r.savedOffline) ? 'every round' : 'NOT every round'} | every round |
`);
}
