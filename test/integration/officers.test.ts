/**
 * The officer directory: `npm run officers -- import FILE` against the running local runtime, and
 * offices reading their own directory over HTTP.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, runScript, startTestRuntime, type TestRuntime, tokenFor } from './support';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/officers/${name}`, import.meta.url));
const excelFile = (name: string) => fileURLToPath(new URL(`../fixtures/excel/${name}`, import.meta.url));

describe('the officer directory', () => {
  let runtime: TestRuntime;

  const importFile = (file: string, ...options: string[]) => runScript(runtime, 'officers', 'import', file, ...options);

  beforeAll(async () => {
    runtime = await startTestRuntime();
  });

  afterAll(async () => {
    await runtime?.close();
  });

  it('refuses a bad file whole, naming every bad row by its line', async () => {
    const result = await importFile(fixture('broken.csv'));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('was not imported');
    expect(result.stderr).toMatch(/line 3: office: is not a GB\/T 2260 region code/);
    expect(result.stderr).toMatch(/line 4: roles\.0: /);
    expect(result.stderr).toMatch(/line 4: email: is not an email address/);
    expect(result.stderr).toMatch(/line 6: shift of P-9 names nobody of office 110101/);
    expect(result.stderr).toMatch(/line 2: office 110101 names nobody as directly-responsible/);
    expect(result.stderr).toMatch(/line 2: office 110101: nobody is on duty from 20:00 to 08:00/);
    // Nothing from the good rows was written either.
    const office = await tokenFor(runtime, { sub: 'dc', role: 'office', region: '110101', level: 'county' });
    const read = await call(runtime, 'GET', '/v1/offices/110101/officers', { token: office });
    expect((read.body as { officers: unknown[] }).officers).toEqual([]);
  });

  it('imports a valid directory, which offices of the jurisdiction can read, with who is on duty now', async () => {
    const result = await importFile(fixture('dongcheng.json'));
    expect(result.stdout).toContain('imported 4 officers and 2 shifts for 1 offices');
    expect(result.code).toBe(0);

    const city = await tokenFor(runtime, { sub: 'bj', role: 'office', region: '110100', level: 'city' });
    // Who is on duty now is read from the clock: a read that straddles a shift change (08:00 or
    // 20:00 China time) is made again, so the one asserted is the one the runtime saw.
    const dayShift = () => {
      const chinaHour = (new Date().getUTCHours() + 8) % 24;
      return chinaHour >= 8 && chinaHour < 20;
    };
    let before: boolean;
    let after: boolean;
    let read: Awaited<ReturnType<typeof call>>;
    do {
      before = dayShift();
      read = await call(runtime, 'GET', '/v1/offices/110101/officers', { token: city });
      after = dayShift();
    } while (before !== after);
    expect(read.status).toBe(200);
    const body = read.body as { officers: { personId: string }[]; roster: unknown[]; onDutyNow: string[] };
    expect(body.officers.map((o) => o.personId).sort()).toEqual(['P-LI', 'P-QIAN', 'P-WANG', 'P-ZHAO']);
    expect(body.roster).toHaveLength(2);
    expect(body.onDutyNow).toEqual([before ? 'P-ZHAO' : 'P-QIAN']);

    const otherCity = await tokenFor(runtime, { sub: 'sh', role: 'office', region: '310100', level: 'city' });
    expect((await call(runtime, 'GET', '/v1/offices/110101/officers', { token: otherCity })).status).toBe(403);
  });
  it('imports Excel’s plain CSV from Chinese Windows (GB18030), names with commas, quotes and line breaks intact', async () => {
    // ACT: told the wrong encoding it refuses, naming it; left to detect it, it imports.
    const wrong = await importFile(excelFile('officers-dongcheng.gb18030.csv'), '--encoding', 'utf-8');
    const result = await importFile(excelFile('officers-dongcheng.gb18030.csv'));

    // ASSESS
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/the file is not UTF-8 text \(line 2 is not\)/);
    expect(result.stdout).toContain('imported 4 officers and 2 shifts for 1 offices');
    expect(result.stdout).toContain('(read as GB18030)');
    expect(result.code).toBe(0);
    const county = await tokenFor(runtime, { sub: 'dc', role: 'office', region: '110101', level: 'county' });
    const read = await call(runtime, 'GET', '/v1/offices/110101/officers', { token: county });
    expect((read.body as { officers: { name: string }[] }).officers.map((o) => o.name).sort()).toEqual(
      ['李主任, 东城区应急局', '王副主任 "老王"', '赵值班\n值班室', '钱值班'].sort(),
    );
  });

  it('takes a file effective later, showing the version in effect until then, and refuses one effective in the past', async () => {
    // PREPARE: the GB18030 directory is in effect now (the test before imported it).
    const county = await tokenFor(runtime, { sub: 'dc', role: 'office', region: '110101', level: 'county' });
    const read = async () =>
      (await call(runtime, 'GET', '/v1/offices/110101/officers', { token: county })).body as {
        officers: { name: string }[];
        since: string | null;
      };
    const inEffect = await read();
    const tomorrow = `${new Date(Date.now() + 86_400_000).toISOString().slice(0, 19)}Z`;

    // ACT
    const ahead = await importFile(fixture('dongcheng.json'), '--effective', tomorrow);
    const past = await importFile(fixture('dongcheng.json'), '--effective', '2026-01-01T08:00:00+08:00');
    const noOffset = await importFile(fixture('dongcheng.json'), '--effective', '2026-12-31T08:00:00');

    // ASSESS: the new version waits for its time; the one in effect is still shown, with its start.
    expect(ahead.code).toBe(0);
    expect(ahead.stdout).toContain(`in effect from ${new Date(tomorrow).toISOString()}`);
    expect(await read()).toEqual(inEffect);
    expect(inEffect.since).not.toBeNull();
    expect(inEffect.officers.map((o) => o.name)).toContain('钱值班');
    expect(past.code).toBe(1);
    expect(past.stderr).toMatch(/effective: 2026-01-01T00:00:00\.000Z is before now/);
    expect(noOffset.code).toBe(2);
    expect(noOffset.stderr).toMatch(/--effective must be an instant with its offset/);
  });
});
