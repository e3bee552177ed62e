/**
 * The inspector's console in Chromium, against one real local runtime on the audit drill's policy
 * (the drill's limits with offices' windows of 8 s, so the escalations come quickly). Three
 * counties of Beijing receive an incident each: Dongcheng forwards at once, Xicheng only after the
 * pipeline has escalated past it, Chaoyang never; Tianjin receives one too. The late and missed
 * lists show exactly the rows the API lists, filtered and as CSV; the punctuality table and chart
 * show the API's figures; a finding recorded in the console is in the incident's chain; a log
 * tampered in DynamoDB Local shows as broken and the others intact; Tianjin's incident is nowhere
 * in a Beijing inspector's screens; every screen passes axe-core; both languages render.
 */
import { text } from 'node:stream/consumers';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_REGION, localCredentials } from '../../infra/local/aws-local';
import { eventSk, incidentPk } from '../../shared/adapters/dynamodb/keys';
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
  DESK,
  expectAccessible,
  heading,
  INSPECTOR,
  openConsole,
  screenshot,
  signIn,
  visible,
} from './support';

const POLICY = fileURLToPath(new URL('../fixtures/policies/audit-drill.json', import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Row {
  readonly obligationId: string | null;
  readonly incident: { readonly id: string } | null;
}
interface OfficeFigures {
  readonly office: { readonly code: string };
  readonly held: number;
  readonly onTimeRate: number | null;
  readonly medianDelayMs: number | null;
  readonly p90DelayMs: number | null;
}

describe('the inspector’s console in Chromium', () => {
  let runtime: TestRuntime;
  let browser: Browser;
  let inspector: string;
  const ids = { onTime: '', late: '', never: '', tianjin: '' };

  const api = async <T>(path: string): Promise<T> => {
    const answer = await call(runtime, 'GET', path, { token: inspector });
    expect(answer.status, answer.text).toBe(200);
    return answer.body as T;
  };
  /** The obligations a list shows, as its rows carry them. */
  const shownRows = (page: Page) =>
    page.locator('table[data-list] tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-obligation')));
  const open = async (path: string) => {
    const desk = await openConsole(browser, runtime, { path, viewport: DESK });
    await signIn(desk.page, INSPECTOR);
    return desk;
  };

  beforeAll(async () => {
    [runtime, browser] = await Promise.all([startTestRuntime(POLICY, { sweepIntervalMs: 1_000 }), connectBrowser()]);
    await importDongchengOfficers(runtime);
    inspector = await tokenFor(runtime, { sub: 'insp-bj', role: 'inspector', region: '110000' });
    const report = async (county: string, unit: string) => {
      const token = await tokenFor(runtime, { sub: unit, role: 'reporter', region: county, unit });
      const answer = await call(runtime, 'POST', '/v1/reports', {
        token,
        body: initialReport(county, unit, { grade: 'IV' }),
      });
      expect(answer.status, answer.text).toBe(201);
      return (answer.body as { incidentId: string }).incidentId;
    };
    const forward = async (county: string, incidentId: string) => {
      const token = await tokenFor(runtime, { sub: `o-${county}`, role: 'office', region: county, level: 'county' });
      const answer = await call(runtime, 'POST', `/v1/incidents/${incidentId}/forward`, { token, body: {} });
      expect(answer.status, answer.text).toBe(200);
    };
    [ids.onTime, ids.late, ids.never, ids.tianjin] = await Promise.all([
      report('110101', 'U-DC'),
      report('110102', 'U-XC'),
      report('110105', 'U-CY'),
      report('120101', 'U-TJ'),
    ]);
    await forward('110101', ids.onTime);
    // Xicheng and Chaoyang stay silent until the pipeline has escalated past them.
    const escalated = async (id: string) => {
      const until = Date.now() + 30_000;
      for (;;) {
        const { obligations } = await api<{ obligations: { escalatedAt?: string }[] }>(`/v1/incidents/${id}`);
        if (obligations[0]?.escalatedAt) return;
        if (Date.now() > until) throw new Error(`${id} was not escalated`);
        await sleep(250);
      }
    };
    await Promise.all([escalated(ids.late), escalated(ids.never)]);
    await forward('110102', ids.late);
  });

  afterAll(async () => {
    await browser?.close();
    await runtime?.close();
  });

  it('lists exactly the late and missed duties the API lists, filtered and as CSV, in both languages', async () => {
    const { page, context, problems } = await open('/');
    await visible(heading(page, '督查'));
    await page.getByRole('navigation').getByRole('link', { name: '迟报', exact: true }).click();
    await visible(heading(page, '迟报清单'));
    const late = await api<{ items: Row[] }>('/v1/audit/late?region=110000');
    await visible(page.getByRole('link', { name: ids.late }));
    expect(await shownRows(page)).toEqual(late.items.map((r) => r.obligationId ?? ''));
    expect(late.items.map((r) => r.incident?.id)).toContain(ids.late);
    await visible(page.getByRole('cell', { name: /《生产安全事故报告和调查处理条例》/ }));
    await expectAccessible(page, 'late list');
    await screenshot(page, 'inspect-late');

    // Filtered to Xicheng: the API's rows for the office, and the CSV is the API's CSV of them.
    await page.getByLabel('部门').selectOption('110102');
    await page.getByRole('button', { name: '筛选', exact: true }).click();
    await page.waitForURL(/office=110102/);
    const filtered = await api<{ items: Row[] }>('/v1/audit/late?region=110000&office=110102');
    await visible(page.getByText(`第 1 页，${filtered.items.length} 条`, { exact: false }));
    expect(await shownRows(page)).toEqual(filtered.items.map((r) => r.obligationId ?? ''));
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: '下载 CSV' }).click(),
    ]);
    // Read through the connection: the run's Chromium keeps the file on its side.
    const csv = await text(await download.createReadStream());
    const apiCsv = await call(runtime, 'GET', '/v1/audit/late?region=110000&office=110102&format=csv&limit=200', {
      token: inspector,
    });
    expect(csv).toBe(apiCsv.text);
    expect(csv).toContain(ids.late);
    expect(csv).not.toContain(ids.onTime);

    await page.getByRole('navigation').getByRole('link', { name: '漏报', exact: true }).click();
    await visible(heading(page, '漏报清单'));
    const missed = await api<{ items: Row[] }>('/v1/audit/missed?region=110000');
    await visible(page.getByRole('link', { name: ids.never }));
    expect(await shownRows(page)).toEqual(missed.items.map((r) => r.obligationId ?? ''));
    await expectAccessible(page, 'missed list');
    // Nothing of Tianjin in a Beijing inspector's lists.
    expect(await page.getByText(ids.tianjin).count()).toBe(0);

    await page.getByRole('button', { name: 'English' }).click();
    await visible(heading(page, 'Missed reports'));
    await visible(page.getByRole('columnheader', { name: 'Deadline and rule' }));
    await expectAccessible(page, 'missed list in English');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows each office’s punctuality as the API figures it, one click from its late duties', async () => {
    const { page, context, problems } = await open('/inspect/offices');
    await visible(heading(page, '各部门报告及时率'));
    const { offices } = await api<{ offices: OfficeFigures[] }>('/v1/audit/offices?region=110000');
    for (const code of ['110101', '110102', '110105']) {
      const figures = offices.find((o) => o.office.code === code);
      const row = page.locator(`tr[data-office="${code}"]`);
      const rate = figures?.onTimeRate;
      await visible(row);
      expect(await row.locator('[data-figure="rate"]').textContent()).toBe(
        rate === null || rate === undefined ? '—' : `${Math.round(rate * 1000) / 10}%`,
      );
    }
    // The chart's table holds the same rates, office by office (those that held any duty).
    const charted = offices.filter((o) => o.held > 0);
    expect(charted.length).toBe(3);
    expect(await page.locator('figure[aria-labelledby="on-time-title"] tbody td').allTextContents()).toEqual(
      charted.map((o) => String(o.onTimeRate === null ? 0 : Math.round(o.onTimeRate * 1000) / 10)),
    );
    await visible(page.getByRole('img', { name: /按时完成率/ }));
    await expectAccessible(page, 'punctuality');
    await screenshot(page, 'inspect-punctuality');
    await page.getByRole('link', { name: '西城区的迟报' }).click();
    await page.waitForURL(/\/inspect\/late\?office=110102/);
    await visible(page.getByRole('link', { name: ids.late }));
    expect(problems).toEqual([]);
    await context.close();
  });

  it('records a finding into the incident’s chain, and shows a tampered chain as broken and the others intact', async () => {
    const { page, context, problems } = await open(`/inspect/incidents/${ids.never}`);
    await visible(heading(page, `事件 ${ids.never} 的证据`));
    await visible(page.getByText(/本机重新计算：全部 \d+ 条记录的哈希链完好/));
    await page.getByLabel('认定依据').fill('村委会先于企业两小时报告了该事故。');
    await page.getByLabel('责任单位或部门').fill('U-CY');
    await page.getByRole('button', { name: '记录认定' }).click();
    await visible(page.getByText(/认定已记入事件记录第 \d+ 条/));
    const seq = Number((await page.getByText(/认定已记入事件记录第 \d+ 条/).textContent())?.match(/\d+/)?.[0]);
    const trail = await api<{ events: { seq: number; type: string }[]; verification: { intact: boolean } }>(
      `/v1/incidents/${ids.never}/audit`,
    );
    expect(trail.events.find((e) => e.seq === seq)?.type).toBe('InspectionFinding');
    expect(trail.verification.intact).toBe(true);
    await visible(page.locator(`li[data-seq="${seq}"]`).getByText('✓ 哈希链至此完好'));
    await visible(page.getByRole('complementary').getByText(/^谎报 · /));
    await expectAccessible(page, 'incident as evidence');
    await screenshot(page, 'inspect-incident');

    // Dongcheng's first event changed in DynamoDB Local, behind the API's back.
    const dynamodb = new DynamoDBClient({
      endpoint: runtime.endpoints.dynamodb,
      region: LOCAL_REGION,
      credentials: localCredentials,
    });
    await dynamodb.send(
      new UpdateItemCommand({
        TableName: runtime.resources.tables.incidents,
        Key: { pk: { S: incidentPk(ids.onTime) }, sk: { S: eventSk(1) } },
        UpdateExpression: 'SET #at = :at',
        ExpressionAttributeNames: { '#at': 'at' },
        ExpressionAttributeValues: { ':at': { S: '2020-01-01T00:00:00.000Z' } },
      }),
    );
    await page.getByRole('navigation').getByRole('link', { name: '核验' }).click();
    await visible(heading(page, '核验审计记录'));
    await page.getByRole('button', { name: '开始核验' }).click();
    await visible(page.getByText(/核验完成：共 3 条链/), 30_000);
    await visible(page.getByText(/完好 2 条，损坏 1 条/));
    const broken = page.locator(`tr[data-broken="${ids.onTime}"]`);
    await visible(broken.getByRole('cell', { name: '1', exact: true }));
    await visible(broken.getByText('hash-mismatch'));
    expect(await page.locator('tr[data-broken]').count()).toBe(1);
    await expectAccessible(page, 'verification');

    // The browser's own recomputation names the same event.
    await broken.getByRole('link', { name: ids.onTime }).click();
    await visible(page.getByText('本机重新计算：哈希链在第 1 条断裂（hash-mismatch）。'));
    await visible(page.locator('li[data-seq="1"]').getByText('✗ 哈希链在此之前或此处断裂'));

    // Tianjin's incident is not the Beijing inspector's to read.
    await page.goto(`/inspect/incidents/${ids.tianjin}`);
    await visible(page.getByRole('alert').first());
    expect(await page.getByText('✓ 哈希链至此完好').count()).toBe(0);

    await page.goto('/inspect/candidates');
    await visible(heading(page, '疑似谎报、瞒报的事件'));
    await visible(page.getByText(/已检查 \d+ 起事件/));
    await expectAccessible(page, 'candidates');
    await page.getByRole('button', { name: 'English' }).click();
    await visible(heading(page, 'Candidates for a false or concealed report'));
    expect(problems).toEqual([]);
    await context.close();
  });
});
