/**
 * Review and return in Chromium against the real local runtime (docs/domain.md#review-and-return,
 * docs/web.md#acting): the county's desk returns a unit's report with the fields to correct and a
 * note, and is told beside the button that its own clock keeps running; the unit sees the returned
 * report first, opens the form prefilled, corrects and sends it through the outbox; the desk sees
 * the correction. Under test/fixtures/policies/return-drill.json a correction is due in 5 s: the
 * unit sends its correction once the miss is on record, so it is late, and another return is never
 * answered: the inspector's late and missed lists show both. Both languages, every screen accessible.
 */
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, initialReport, startTestRuntime, type TestRuntime, tokenFor } from '../integration/support';
import {
  COUNTY,
  connectBrowser,
  DESK,
  expectAccessible,
  heading,
  INSPECTOR,
  openConsole,
  signIn,
  UNIT,
  visible,
} from './support';

const POLICY = fileURLToPath(new URL('../fixtures/policies/return-drill.json', import.meta.url));

describe('a report returned for correction, on the desk and in the unit’s app', () => {
  let runtime: TestRuntime;
  let browser: Browser;

  beforeAll(async () => {
    [runtime, browser] = await Promise.all([startTestRuntime(POLICY), connectBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    await runtime?.close();
  });

  it('the desk returns it, the unit corrects and sends it, the desk sees the correction, the inspector the late and the missed one', async () => {
    // PREPARE: the unit's reports, as they arrived; one is returned at once and never answered.
    const reporter = await tokenFor(runtime, { sub: 'u', role: 'reporter', region: '110101', unit: 'DC-JDJ' });
    const report = async (subtype: string) => {
      const created = await call(runtime, 'POST', '/v1/reports', {
        token: reporter,
        body: initialReport('110101', 'DC-JDJ', {
          subtype,
          grade: 'IV',
          casualties: { dead: 1, injured: 2, missing: 0, trapped: 0 },
        }),
      });
      expect(created.status, created.text).toBe(201);
      return (created.body as { incidentId: string }).incidentId;
    };
    /** Waits until the incident's first return is recorded as missed. */
    const missed = async (id: string) => {
      const until = Date.now() + 15_000;
      for (;;) {
        const answer = await call(runtime, 'GET', `/v1/incidents/${id}`, { token: reporter });
        const { obligations } = answer.body as { obligations: { obligationId: string; status: string }[] };
        if (obligations.some((o) => o.obligationId === `${id}-correction1` && o.status === 'missed')) return;
        if (Date.now() > until) throw new Error(`the return of ${id} was not recorded as missed`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    };
    const incidentId = await report('仓库坍塌');
    const neverCorrected = await report('围墙倒塌');
    const countyToken = await tokenFor(runtime, { sub: 'dc', role: 'office', region: '110101', level: 'county' });
    const returned = await call(runtime, 'POST', `/v1/incidents/${neverCorrected}/return`, {
      token: countyToken,
      body: { fields: ['location.address'], note: '地点不具体' },
    });
    expect(returned.status, returned.text).toBe(200);

    // The desk returns it, told that its own clock keeps running.
    const desk = await openConsole(browser, runtime, { viewport: DESK });
    await signIn(desk.page, COUNTY);
    await visible(heading(desk.page, '值班台'));
    await desk.page.goto(`/desk/incidents/${incidentId}`);
    await visible(desk.page.getByRole('heading', { name: '退回修改', level: 3 }));
    await visible(desk.page.getByText(/退回修改不暂停本单位的报告时限：向.*报告仍须在 .* 前完成/));
    await expectAccessible(desk.page, 'incident page with the return form');
    await desk.page.getByRole('button', { name: '退回修改', exact: true }).click();
    await visible(desk.page.getByText('请选择需要更正的内容'));
    await desk.page.getByRole('checkbox', { name: '死亡人数', exact: true }).check();
    await desk.page.getByLabel('退回原因', { exact: true }).fill('死亡人数与现场核实不符');
    await desk.page.getByRole('button', { name: '退回修改', exact: true }).click();
    await visible(desk.page.getByRole('heading', { name: '已退回修改，等待更正', level: 3 }));
    await visible(desk.page.getByText(/已退回DC-JDJ修改，(须在 .* 前报送|更正时限 .* 已过)/).first());
    await expectAccessible(desk.page, 'incident page awaiting a correction');
    await desk.page.getByRole('button', { name: 'English' }).click();
    await visible(desk.page.getByRole('heading', { name: 'Returned for correction, awaiting the correction' }));
    await visible(desk.page.getByText(/Returning the report does not stop your office’s clock/));
    await expectAccessible(desk.page, 'incident page awaiting a correction (en)');
    await desk.page.getByRole('button', { name: '中文' }).click();

    // The unit sees it first on its list, opens the form prefilled, corrects and sends it.
    const unit = await openConsole(browser, runtime);
    await signIn(unit.page, UNIT);
    await visible(unit.page.getByText('有 2 份报告被退回修改，请按退回意见修改后重新报送。'));
    await expectAccessible(unit.page, 'home with returned reports');
    await unit.page.getByRole('link', { name: '查看被退回的报告' }).click();
    await visible(unit.page.getByRole('heading', { name: '被退回修改的报告（2）' }));
    await visible(unit.page.getByText('退回原因：死亡人数与现场核实不符'));
    await visible(unit.page.getByText('需要更正：死亡人数'));
    await expectAccessible(unit.page, 'my incidents with a returned report');
    await unit.page.getByRole('button', { name: 'English' }).click();
    await visible(unit.page.getByRole('heading', { name: 'Reports returned for correction (2)' }));
    await expectAccessible(unit.page, 'my incidents with a returned report (en)');
    await unit.page.getByRole('button', { name: '中文' }).click();
    await unit.page
      .getByRole('listitem')
      .filter({ hasText: '死亡人数与现场核实不符' })
      .getByRole('link', { name: '修改并重新报送' })
      .click();
    await visible(heading(unit.page, /^按退回意见修改报告/));
    const dead = unit.page.getByLabel('死亡人数', { exact: true });
    expect(await dead.inputValue()).toBe('1');
    await visible(unit.page.getByText('退回原因：死亡人数与现场核实不符'));
    await expectAccessible(unit.page, 'the returned report, to correct');
    await dead.fill('2');
    // Sent only once its timer has recorded the miss, so the correction is late however fast this runs.
    await missed(incidentId);
    await unit.page.getByRole('button', { name: '报送更正后的报告' }).click();
    await visible(heading(unit.page, '报告已送达'));

    // The desk sees the correction: the return is answered and the log says so.
    await desk.page.reload();
    await visible(desk.page.getByText(/DC-JDJ报送更正后的报告/));
    await visible(desk.page.getByText(`按退回意见更正的报告（${incidentId}-correction1）`));
    await visible(desk.page.getByRole('heading', { name: '退回修改', level: 3 }));
    await expectAccessible(desk.page, 'incident page after the correction');
    const incident = await call(runtime, 'GET', `/v1/incidents/${incidentId}`, { token: reporter });
    const body = incident.body as { reports: { correcting?: string; figures: { dead: number } }[] };
    expect(body.reports.at(-1)).toMatchObject({ correcting: `${incidentId}-correction1`, figures: { dead: 2 } });

    // The inspector: the correction sent after its 5 s is late; the one never sent is missed.
    const inspect = await openConsole(browser, runtime, { path: '/inspect/missed?kind=correction', viewport: DESK });
    await signIn(inspect.page, INSPECTOR);
    const missedRow = inspect.page.locator(`tr[data-obligation="${neverCorrected}-correction1"]`);
    await visible(missedRow);
    await visible(missedRow.getByText('退回后未报更正'));
    await visible(missedRow.getByText(`依据：退回修改 ${neverCorrected}-correction1，须在时限内报送更正后的报告`));
    await expectAccessible(inspect.page, 'missed list with a correction never sent');
    await inspect.page.goto('/inspect/late?kind=correction');
    const lateRow = inspect.page.locator(`tr[data-obligation="${incidentId}-correction1"]`);
    await visible(lateRow.getByText('退回后未报更正'));
    await inspect.page.getByRole('button', { name: 'English' }).click();
    await visible(lateRow.getByText('Correction after a return'));
    await expectAccessible(inspect.page, 'late list with a late correction (en)');
    expect([...desk.problems, ...unit.problems, ...inspect.problems]).toEqual([]);
    await Promise.all([desk.context.close(), unit.context.close(), inspect.context.close()]);
  });
});
