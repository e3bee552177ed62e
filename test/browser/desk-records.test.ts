/**
 * The duty desk's summaries, duty periods and zero reports, and people, in Chromium against the
 * real local runtime on the drill policy: the summaries screen shows what the API answers for the
 * province, a city and a county, reached through the region tree, and for a span of days; an
 * overlapping duty period is refused with the period named; the zero-report grid marks a unit that
 * filed and, once the cut-off passes, the units that missed it, without a reload, and a city
 * narrows it to a district; the people screen lists the office's officers and who is on duty;
 * every screen passes axe-core, in Chinese and in English.
 *
 * The runtime runs in this process, so faking `Date` here moves the clock its handlers read (as in
 * the zero-report integration test), and the page's clock is installed at the same time: the test
 * starts two minutes before a 16:00 cut-off and steps past it instead of waiting for one.
 */
import { readFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LOCAL_REGION, localCredentials } from '../../infra/local/aws-local';
import { makeDocumentClient } from '../../shared/adapters/dynamodb/document-client';
import { makeDynamoOfficerDirectory } from '../../shared/adapters/dynamodb/officer-directory';
import { makeDynamoUnitRegistry } from '../../shared/adapters/dynamodb/unit-registry';
import { systemClock } from '../../shared/adapters/system';
import { makeImportOfficers } from '../../shared/application/officers';
import { makeImportUnits } from '../../shared/application/units';
import { directoryRows } from '../../shared/schemas/officers';
import { unitRows } from '../../shared/schemas/zero-reports';
import { call, initialReport, startTestRuntime, type TestRuntime, tokenFor } from '../integration/support';
import {
  CITY,
  COUNTY,
  connectBrowser,
  DESK,
  expectAccessible,
  heading,
  openConsole,
  PROVINCE,
  screenshot,
  signIn,
  visible,
} from './support';

/** 15:58 on 1 July 2031 in Beijing: two minutes before the day's 16:00 cut-off. */
const START = new Date('2031-07-01T07:58:00.000Z');
const CUTOFF = Date.parse('2031-07-01T08:00:00.000Z');

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');

// `Date` is faked, so waits in the test itself are measured on the monotonic clock.
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const until = async (what: string, probe: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> => {
  const end = performance.now() + timeoutMs;
  while (!(await probe())) {
    if (performance.now() > end) throw new Error(`not reached in ${timeoutMs} ms: ${what}`);
    await sleep(100);
  }
};

interface Figures {
  readonly incidents: number;
  readonly dead: number;
  readonly injured: number;
}

/** The figure a totals list shows under a name. */
const figure = (page: Page, name: string) =>
  page
    .getByRole('term')
    .filter({ hasText: new RegExp(`^${name}$`) })
    .locator('xpath=following-sibling::dd[1]');

describe('the duty desk’s summaries, zero reports and people in Chromium', () => {
  let runtime: TestRuntime;
  let browser: Browser;
  const tokens: Record<string, string> = {};
  let periodId: string;

  const summaryOf = async (region: string): Promise<Figures> =>
    ((await call(runtime, 'GET', `/v1/summaries/${region}`, { token: tokens.province })).body as { totals: Figures })
      .totals;

  beforeAll(async () => {
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true, now: START });
    [runtime, browser] = await Promise.all([
      startTestRuntime('drill', { zeroReportCheckIntervalMs: 250 }),
      connectBrowser(),
    ]);
    const client = makeDocumentClient(
      new DynamoDBClient({ region: LOCAL_REGION, credentials: localCredentials, endpoint: runtime.endpoints.dynamodb }),
    );
    const table = runtime.resources.tables.officers;
    await makeImportOfficers({ directory: makeDynamoOfficerDirectory({ client, table }), clock: systemClock })(
      directoryRows(fixture('officers/dongcheng.json'), 'json').rows,
    );
    await makeImportUnits({ registry: makeDynamoUnitRegistry({ client, table }) })(
      unitRows(fixture('units/beijing.csv'), 'csv').rows,
    );
    client.destroy();

    tokens.province = await tokenFor(runtime, { sub: 'bj-p', role: 'office', region: '110000', level: 'province' });
    tokens.county = await tokenFor(runtime, { sub: 'dongcheng', role: 'office', region: '110101', level: 'county' });
    const reporter = (region: string, unit: string) =>
      tokenFor(runtime, { sub: `r-${unit}`, role: 'reporter', region, unit });
    tokens['DC-JDJ'] = await reporter('110101', 'DC-JDJ');
    tokens['XC-JR'] = await reporter('110102', 'XC-JR');

    // A grade III incident in Dongcheng and a grade IV one in Xicheng.
    for (const [region, unit, casualties] of [
      ['110101', 'DC-JDJ', { dead: 3, injured: 2, missing: 1, trapped: 0 }],
      ['110102', 'XC-JR', { dead: 0, injured: 4, missing: 0, trapped: 0 }],
    ] as const) {
      const answer = await call(runtime, 'POST', '/v1/reports', {
        token: tokens[unit],
        body: initialReport(region, unit, { casualties }),
      });
      expect(answer.status, answer.text).toBe(201);
    }
    await until('both incidents rolled up into Beijing', async () => (await summaryOf('110000')).incidents === 2);

    const period = await call(runtime, 'POST', '/v1/duty-periods', {
      token: tokens.county,
      body: { region: '110101', firstDate: '2031-07-01', lastDate: '2031-07-02', cutoffHour: 16, reason: '汛期值守' },
    });
    expect(period.status, period.text).toBe(201);
    periodId = (period.body as { periodId: string }).periodId;
    const filed = await call(runtime, 'POST', '/v1/daily-reports', {
      token: tokens['DC-JDJ'],
      body: { periodId, date: '2031-07-01', nothingToReport: true },
    });
    expect(filed.status, filed.text).toBe(201);
  });

  /** Imports the Beijing registry with one unit moved to another county, effective now. */
  const moveUnit = async (unitId: string, county: string) => {
    const client = makeDocumentClient(
      new DynamoDBClient({ region: LOCAL_REGION, credentials: localCredentials, endpoint: runtime.endpoints.dynamodb }),
    );
    const rows = unitRows(fixture('units/beijing.csv'), 'csv').rows.map((row) =>
      (row.value as { unitId: string }).unitId === unitId
        ? { ...row, value: { ...(row.value as object), county } }
        : row,
    );
    await makeImportUnits({ registry: makeDynamoUnitRegistry({ client, table: runtime.resources.tables.officers }) })(
      rows,
    );
    client.destroy();
  };

  afterAll(async () => {
    await browser?.close();
    await runtime?.close();
    vi.useRealTimers();
  });

  it('shows the figures the API answers for the province, a city and a county, down the region tree', async () => {
    const { page, context, problems } = await openConsole(browser, runtime, { clock: new Date(), viewport: DESK });
    await signIn(page, PROVINCE);
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '汇总统计' }).click();
    await visible(heading(page, '汇总统计'));

    for (const [region, link] of [
      ['110000', undefined],
      ['110100', '北京市市辖区'],
      ['110101', '东城区'],
    ] as const) {
      if (link) await page.getByRole('link', { name: link, exact: true }).click();
      const api = await summaryOf(region);
      await visible(page.getByRole('navigation', { name: '地区层级' }).getByText(link ?? '北京市'));
      await until(
        `the ${region} totals on screen`,
        async () => (await figure(page, '事件数').textContent()) === String(api.incidents),
      );
      expect(await figure(page, '死亡').textContent()).toBe(String(api.dead));
      expect(await figure(page, '受伤').textContent()).toBe(String(api.injured));
      await visible(page.getByRole('img', { name: /每日伤亡人数/ }));
      await expectAccessible(page, `summaries of ${region}`);
      if (region === '110000') await screenshot(page, 'desk-summaries');
    }
    // Dongcheng alone: its three dead, not Xicheng's injured.
    expect(await figure(page, '死亡').textContent()).toBe('3');
    expect(await figure(page, '受伤').textContent()).toBe('2');
    // The charts' figures are also a table.
    await page.getByText('以表格查看：按类别和级别的事件数').click();
    await visible(page.getByRole('cell', { name: '1' }));
    // Back up the tree.
    await page.getByRole('navigation', { name: '地区层级' }).getByRole('link', { name: '北京市', exact: true }).click();
    await until('the province again', async () => (await figure(page, '事件数').textContent()) === '2');
    // A span of days without an incident: the API's figures for it, zero.
    await page.getByLabel('从（含）', { exact: true }).fill('2031-07-02');
    await page.getByRole('button', { name: '按此时段统计' }).click();
    const later = (
      (await call(runtime, 'GET', '/v1/summaries/110000?from=2031-07-02', { token: tokens.province })).body as {
        totals: Figures;
      }
    ).totals;
    expect(later.incidents).toBe(0);
    await until('the span on screen', async () => (await figure(page, '事件数').textContent()) === '0');
    await visible(page.getByText(/^2031-07-02 至 …/));
    await page.getByRole('link', { name: '全部时间' }).click();
    await until('all days again', async () => (await figure(page, '事件数').textContent()) === '2');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('marks who filed and, once the cut-off passes, who missed it; refuses an overlapping period, naming it', async () => {
    const { page, context, problems } = await openConsole(browser, runtime, { clock: new Date(), viewport: DESK });
    await signIn(page, COUNTY);
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '零报告' }).click();
    await visible(heading(page, '值守期与零报告'));
    const grid = page.getByRole('table', { name: '东城区各报告单位每日零报告情况' });
    const row = (unit: string) => grid.getByRole('row').filter({ hasText: unit });
    await visible(row('东华门街道办事处').getByRole('cell', { name: '已报' }));
    await visible(row('和平里社区居委会').getByRole('cell', { name: '未到截止' }).first());
    await expectAccessible(page, 'zero reports before the cut-off');

    // The cut-off passes; the check records the misses. The grid reads again by itself.
    vi.setSystemTime(CUTOFF + 3 * 60_000);
    await page.clock.fastForward('05:00');
    await visible(row('和平里社区居委会').getByRole('cell', { name: '漏报' }), 15_000);
    await visible(row('东华门街道办事处').getByRole('cell', { name: '已报' }));
    expect(await grid.getByRole('cell', { name: '漏报' }).count()).toBe(4);
    const missed = await call(runtime, 'GET', `/v1/duty-periods/${periodId}/zero-reports?region=110101`, {
      token: tokens.county,
    });
    expect(JSON.stringify(missed.body)).toContain('"missed"');
    await expectAccessible(page, 'zero reports after the cut-off');
    await screenshot(page, 'desk-zero-reports');

    // 王府井百货集团 moves to Xicheng now: its missed first day stays here, its second is not owed here.
    await moveUnit('DC-YJ', '110102');
    await page.clock.fastForward('00:31');
    const moved = row('王府井百货集团');
    await visible(moved.getByRole('cell', { name: '未在本地登记' }), 15_000);
    expect(await moved.getByRole('cell', { name: '漏报' }).count()).toBe(1);
    await expectAccessible(page, 'zero reports after a unit moved away');

    // An overlapping period: the API refuses it, and the form says with which period.
    await page.getByLabel('开始日期', { exact: true }).fill('2031-07-02');
    await page.getByLabel('结束日期', { exact: true }).fill('2031-07-03');
    await page.getByLabel('事由', { exact: true }).fill('防汛应急响应');
    await page.getByRole('button', { name: '启用值守期' }).click();
    const refusal = await visible(page.getByRole('alert').filter({ hasText: '重叠' }));
    expect(await refusal.textContent()).toContain('“汛期值守”（东城区，2031-07-01 至 2031-07-02）');
    expect(await refusal.textContent()).toContain(periodId);
    await expectAccessible(page, 'overlapping period refused');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows a city desk the county’s period, and narrows the grid to one district', async () => {
    const { page, context, problems } = await openConsole(browser, runtime, { clock: new Date(), viewport: DESK });
    await signIn(page, CITY);
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '零报告' }).click();
    // The city's grid of Dongcheng's period is Dongcheng's five units.
    const grid = await visible(page.getByRole('table', { name: '东城区各报告单位每日零报告情况' }));
    expect(await grid.getByRole('rowheader').count()).toBe(5);
    await page.getByLabel('查看地区', { exact: true }).selectOption({ label: '西城区' });
    await page.getByRole('button', { name: '查看', exact: true }).click();
    await visible(page.getByText('这个值守期不涉及西城区的报告单位。'));
    await expectAccessible(page, 'zero reports of a city');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('lists the office’s officers and who is on duty now', async () => {
    const { page, context, problems } = await openConsole(browser, runtime, { clock: new Date(), viewport: DESK });
    await signIn(page, COUNTY);
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '人员值班' }).click();
    await visible(heading(page, '人员与值班'));
    // 16:03 in Beijing: the day shift (08:00–20:00).
    const onDuty = page.getByRole('region', { name: '当前值班' });
    await visible(onDuty.getByText('赵值班'));
    expect(await onDuty.getByText('钱值班').count()).toBe(0);
    const directory = page.getByRole('table', { name: '人员名录' });
    for (const name of ['李主任', '王副主任', '赵值班', '钱值班'])
      await visible(directory.getByRole('rowheader', { name }));
    await visible(directory.getByRole('row').filter({ hasText: '李主任' }).getByText('第一责任人'));
    // The version shown says since when it is in effect: earlier ones stay on record.
    await visible(page.getByText(/^此版本名录自 .+（北京时间） 起生效；此前各版本保留备查/));
    await expectAccessible(page, 'people');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('renders every desk screen in English too', async () => {
    const { page, context, problems } = await openConsole(browser, runtime, {
      clock: new Date(),
      viewport: DESK,
      lang: 'en',
    });
    await signIn(page, /Dongcheng emergency management bureau \(county\)/, 'Sign in');
    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    for (const [link, title, text] of [
      ['Summaries', 'Summaries', 'Incidents per day'],
      ['Zero reports', 'Duty periods and zero reports', 'Missed'],
      ['People on duty', 'People and duty roster', 'On duty now'],
    ] as const) {
      await nav.getByRole('link', { name: link }).click();
      await visible(heading(page, title));
      await visible(page.getByText(text).first());
      await expectAccessible(page, `${title} (en)`);
    }
    // The day a unit moved away is not owed here, said in English too.
    await nav.getByRole('link', { name: 'Zero reports' }).click();
    await visible(page.getByRole('cell', { name: 'Not registered here' }).first());
    expect(problems).toEqual([]);
    await context.close();
  });
});
