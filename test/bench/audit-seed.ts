/**
 * The history the inspectors' benchmarks read (`bench:audit`, and the inspector's part of
 * `bench:web`): reports spread over the counties given, on a runtime with the fast drill's
 * deadlines of seconds; a third of the county offices forward at once, a third after their
 * deadline, a third stay silent and are escalated past. It returns once nothing is pending, when
 * the history is final.
 */
import { openLocalSigner } from '../../infra/local/auth';
import type { BenchRuntime } from './support';

const CONCURRENCY = 16;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `work` over `items` with at most CONCURRENCY in flight. */
const pool = async <T>(items: readonly T[], work: (item: T, index: number) => Promise<void>): Promise<void> => {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < items.length) {
        const index = next++;
        await work(items[index] as T, index);
      }
    }),
  );
};

export const seedAuditHistory = async (
  runtime: Pick<BenchRuntime, 'url' | 'dataDir'>,
  options: { readonly total: number; readonly region: string; readonly counties: readonly string[] },
) => {
  const { total, region, counties } = options;
  const signer = await openLocalSigner(runtime.dataDir);
  const inspector = await signer.sign({ sub: 'bench-inspector', role: 'inspector', region: region });
  const reporterOf = new Map<string, string>();
  const officeOf = new Map<string, string>();
  for (const county of counties) {
    reporterOf.set(
      county,
      await signer.sign({ sub: `u-${county}`, role: 'reporter', region: county, unit: `U-${county}` }),
    );
    officeOf.set(county, await signer.sign({ sub: `o-${county}`, role: 'office', region: county, level: 'county' }));
  }
  const api = async (method: 'GET' | 'POST', path: string, token: string, body?: unknown): Promise<Response> =>
    fetch(`${runtime.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });

  /**
   * A county office's forward. On a machine shared with other work a forward now and then fails
   * with a 5xx; it is sent again, as the console would, and a refusal after such a failure means
   * the first one landed.
   */
  const forward = async (id: string, county: string): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      const answer = await api('POST', `/v1/incidents/${id}/forward`, officeOf.get(county) as string, {});
      if (answer.status === 200 || (attempt > 1 && answer.status === 409)) return;
      const text = await answer.text();
      if (answer.status < 500 || attempt >= 3) throw new Error(`forward ${id}: ${answer.status} ${text}`);
      console.error(`forward ${id}: ${answer.status} ${text} — sent again`);
    }
  };

  // Seed: reports, then the county offices' answers (on time, late, or never).
  const seeded: { id: string; county: string; fate: 'on-time' | 'late' | 'silent' }[] = [];
  const seedStarted = Date.now();
  await pool(
    Array.from({ length: total }, (_, i) => i),
    async (i) => {
      const county = counties[i % counties.length] as string;
      const now = Date.now();
      const response = await api('POST', '/v1/reports', reporterOf.get(county) as string, {
        kind: 'initial',
        category: 'accident',
        subtype: 'workshop fire',
        grade: 'IV',
        occurredAt: new Date(now - 20 * 60_000).toISOString(),
        learnedAt: new Date(now - 10 * 60_000).toISOString(),
        regionCode: county,
        location: { address: `bench ${i}` },
        casualties: { dead: 0, injured: i % 3, missing: 0 },
        affectedPeople: 5,
        directLossYuan: 10_000,
        summary: `audit benchmark ${i}`,
        reporter: { name: 'Bench', phone: '+86 10 0000 0000', unit: `U-${county}` },
      });
      if (response.status !== 201) throw new Error(`report ${i}: ${response.status} ${await response.text()}`);
      const { incidentId } = (await response.json()) as { incidentId: string };
      const fate = (['on-time', 'late', 'silent'] as const)[i % 3] ?? 'silent';
      seeded.push({ id: incidentId, county, fate });
      if (fate === 'on-time') await forward(incidentId, county);
    },
  );
  // The late ones answer once their 3 s window has passed (escalated past or not, a forward is recorded).
  await sleep(4_000);
  await pool(
    seeded.filter((s) => s.fate === 'late'),
    ({ id, county }) => forward(id, county),
  );
  // Wait until no obligation is pending anywhere: the history is then final.
  for (const deadline = Date.now() + 180_000; ; ) {
    const offices = (await (await api('GET', `/v1/audit/offices?region=${region}`, inspector)).json()) as {
      offices: { pending: number }[];
    };
    const pending = offices.offices.reduce((n, o) => n + o.pending, 0);
    if (pending === 0) break;
    if (Date.now() > deadline) throw new Error(`${pending} obligations still pending after 180 s`);
    await sleep(1_000);
  }
  console.log(`seeded in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s`);
  return { inspector, api };
};
