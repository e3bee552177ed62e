/**
 * Evidence packs in Chromium: an inspector downloads an incident's pack and the offline verifier
 * page from the console; the page, opened from disk in a browser with no network, verifies the
 * pack event by event and names the event a one-byte change was made to — in Chinese and in
 * English, with no accessibility violation.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  importDongchengOfficers,
  initialReport,
  startTestRuntime,
  type TestRuntime,
  tokenFor,
} from '../integration/support';
import {
  connectBrowser,
  expectAccessible,
  heading,
  INSPECTOR,
  openConsole,
  screenshot,
  signIn,
  visible,
  watch,
} from './support';

/** The pack's text with one byte changed: the first ASCII letter of the first event's summary, case flipped. */
const oneByteChanged = (text: string): string => {
  const bytes = Buffer.from(text, 'utf8');
  const start = bytes.indexOf('"summary": "') + '"summary": "'.length;
  let at = start;
  while (!/[A-Za-z]/.test(String.fromCharCode(bytes[at] as number))) at += 1;
  bytes[at] = (bytes[at] as number) ^ 0x20;
  return bytes.toString('utf8');
};

describe('evidence packs in Chromium', () => {
  let runtime: TestRuntime;
  let browser: Browser;
  let incidentId: string;
  const files = mkdtempSync(join(tmpdir(), 'evidence-browser-'));
  const packFile = join(files, 'pack.json');
  const verifierFile = join(files, 'verifier.html');

  beforeAll(async () => {
    [runtime, browser] = await Promise.all([startTestRuntime(), connectBrowser()]);
    await importDongchengOfficers(runtime);
    const unit = await tokenFor(runtime, { sub: 'u-dc', role: 'reporter', region: '110101', unit: 'DC-JDJ' });
    const answer = await call(runtime, 'POST', '/v1/reports', {
      token: unit,
      body: initialReport('110101', 'DC-JDJ'),
      headers: { 'idempotency-key': 'evidence-browser' },
    });
    expect(answer.status, answer.text).toBe(201);
    incidentId = (answer.body as { incidentId: string }).incidentId;
    // A forward, so the log holds more than the report and a duty is met.
    const county = await tokenFor(runtime, { sub: 'dc', role: 'office', region: '110101', level: 'county' });
    const forwarded = await call(runtime, 'POST', `/v1/incidents/${incidentId}/forward`, { token: county, body: {} });
    expect(forwarded.status, forwarded.text).toBe(200);
  });

  afterAll(async () => {
    await browser?.close();
    await runtime?.close();
    rmSync(files, { recursive: true, force: true });
  });

  it('lets an inspector download an incident’s pack and the offline verifier page from the console', async () => {
    const path = `/inspect/incidents/${incidentId}/evidence`;
    const { page, context, problems } = await openConsole(browser, runtime, { path });
    await signIn(page, INSPECTOR);
    await visible(heading(page, '证据包'));
    await visible(page.getByText(`事件 ${incidentId}`));
    await expectAccessible(page, 'evidence pack');

    const [pack] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: '下载证据包' }).click(),
    ]);
    expect(pack.suggestedFilename()).toMatch(new RegExp(`^evidence-${incidentId}-[0-9a-f]{12}\\.json$`));
    await pack.saveAs(packFile);
    const seal = (JSON.parse(readFileSync(packFile, 'utf8')) as { seal: string }).seal;
    await visible(page.getByRole('status').getByText(`封印值：${seal}`, { exact: false }));

    const [verifier] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: '下载离线核验页' }).click(),
    ]);
    expect(verifier.suggestedFilename()).toBe('evidence-verifier.html');
    await verifier.saveAs(verifierFile);
    await expectAccessible(page, 'evidence pack, downloaded');
    await screenshot(page, 'evidence-pack');

    await page.getByRole('button', { name: 'English' }).click();
    await visible(heading(page, 'Evidence pack'));
    await visible(page.getByRole('button', { name: 'Download the evidence pack' }));
    await expectAccessible(page, 'evidence pack in English');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('verifies the pack opened from disk with the network off, and names the event a one-byte change was made to', async () => {
    const context = await browser.newContext({ offline: true, locale: 'zh-CN' });
    const requests: string[] = [];
    context.on('request', (request) => {
      if (!request.url().startsWith('file:')) requests.push(request.url());
    });
    const problems: string[] = [];
    const page = await context.newPage();
    watch(page, problems);
    await page.goto(pathToFileURL(verifierFile).href);
    await visible(heading(page, '证据包核验'));
    await expectAccessible(page, 'verifier, empty');

    const choose = (page: Page, label: string, name: string, text: string) =>
      page.getByLabel(label).setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
    const packText = readFileSync(packFile, 'utf8');
    await choose(page, '证据包文件（.json）', 'pack.json', packText);
    const result = page.locator('#result');
    await visible(result.getByText(/^核验通过：1 起事件的 \d+ 个事件全部重新计算一致/));
    await visible(page.getByRole('heading', { name: `事件 ${incidentId}`, level: 2 }));
    expect(await page.getByRole('cell', { name: '✓ 一致' }).count()).toBeGreaterThan(1);
    // The duties in words, with the persons the directory names.
    await visible(
      page.getByRole('row', { name: /县级报市级 东城区（110101）.* 已履行 李主任（P-LI） 王副主任（P-WANG）/ }),
    );
    // The seal written in the inspection record: this is the pack it belongs to, and another is not.
    const seal = (JSON.parse(packText) as { seal: string }).seal;
    await page.getByLabel('检查记录中登记的封印值或摘要根（可选）').fill(seal);
    await page.getByRole('button', { name: '核验', exact: true }).click();
    await visible(page.getByText('与登记的值一致（封印值）。'));
    await expectAccessible(page, 'verifier, pack verified');
    await screenshot(page, 'evidence-verifier');
    await page.getByLabel('检查记录中登记的封印值或摘要根（可选）').fill('0'.repeat(64));
    await page.getByRole('button', { name: '核验', exact: true }).click();
    await visible(page.getByText(`登记的值 ${'0'.repeat(64)} 既不是本证据包的封印值，也不是摘要根`, { exact: false }));
    await page.getByLabel('检查记录中登记的封印值或摘要根（可选）').fill('');

    await choose(page, '证据包文件（.json）', 'pack-changed.json', oneByteChanged(packText));
    await visible(result.getByText('核验未通过：发现 2 处问题。'));
    await visible(page.getByText(`事件 ${incidentId} 第 1 个事件：内容重新计算的哈希与存储的哈希不符，该事件被改动。`));
    await visible(page.getByRole('cell', { name: '✗ 断开：内容与哈希不符（内容被改动）' }));
    await expectAccessible(page, 'verifier, pack changed');

    await page.getByRole('button', { name: 'English' }).click();
    await visible(heading(page, 'Evidence pack verifier'));
    await visible(result.getByText('Not verified: 2 problems found.'));
    await visible(
      page.getByText(
        `Incident ${incidentId}, event 1: its content recomputes to a different hash than the one stored — this event was changed.`,
      ),
    );
    await expectAccessible(page, 'verifier in English, pack changed');

    // An incident's log cut short, head and all: the digest still names where it ended.
    const pack = JSON.parse(packText) as { incidents: { events: { seq: number; hash: string }[]; head: object }[] };
    const incident = pack.incidents[0] as (typeof pack.incidents)[number];
    const last = incident.events.length;
    incident.events = incident.events.slice(0, -1);
    const end = incident.events.at(-1) as { seq: number; hash: string };
    incident.head = { seq: end.seq, hash: end.hash };
    await page.getByLabel('Evidence pack file (.json)').setInputFiles({
      name: 'pack-cut.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(pack)),
    });
    await visible(
      page.getByText(`Incident ${incidentId}: the digest recorded its log up to event ${last}`, { exact: false }),
    );

    expect(requests).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });
});
