/**
 * `npm run bench:timers`: creates at least 1,000 obligations due within the same minute under the
 * drill policy, on the local runtime over HTTP, and measures how late each `DeadlineMissed` is
 * written after its `dueAt`: p50, p99, max, and how many deadlines were never flagged (must be 0).
 *
 * Options: --obligations N (1000), --concurrency C (32).
 */
import { parseArgs } from 'node:util';
import { openLocalSigner } from '../../infra/local/auth';
import { percentile, startRuntimeProcess } from './support';

const { values } = parseArgs({
  options: { obligations: { type: 'string', default: '1000' }, concurrency: { type: 'string', default: '32' } },
});
const total = Number(values.obligations);
const concurrency = Number(values.concurrency);
const COUNTIES = ['110101', '110102', '110105', '110106', '110107', '110108', '110109', '110111'];

const inParallel = async <T>(count: number, width: number, work: (i: number) => Promise<T>): Promise<T[]> => {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await work(i);
      }
    }),
  );
  return results;
};

const main = async (): Promise<void> => {
  console.log(`bench:timers — ${total} obligations under the drill policy, ${concurrency} concurrent submissions`);
  const runtime = await startRuntimeProcess({ POLICY: 'drill' });
  try {
    const signer = await openLocalSigner(runtime.dataDir);
    const tokens = await Promise.all(
      COUNTIES.map((c) => signer.sign({ sub: `bench-${c}`, role: 'reporter', region: c, unit: `U-${c}` })),
    );
    const inspector = await signer.sign({ sub: 'bench-inspector', role: 'inspector', region: '110000' });

    const started = Date.now();
    const created = await inParallel(total, concurrency, async (i) => {
      const county = COUNTIES[i % COUNTIES.length] ?? '110101';
      const now = Date.now();
      const response = await fetch(`${runtime.url}/v1/reports`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens[i % tokens.length]}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          kind: 'initial',
          category: 'accident',
          subtype: 'bench',
          grade: 'IV',
          occurredAt: new Date(now - 60_000).toISOString(),
          learnedAt: new Date(now - 1_000).toISOString(),
          regionCode: county,
          location: { address: `bench ${i}` },
          casualties: { dead: 0, injured: 0, missing: 0 },
          affectedPeople: 0,
          directLossYuan: 0,
          summary: `timer benchmark ${i}`,
          reporter: { name: 'Bench', phone: '+86 10 0000 0000', unit: `U-${county}` },
        }),
      });
      if (response.status !== 201) throw new Error(`report ${i}: ${response.status} ${await response.text()}`);
      const body = (await response.json()) as { incidentId: string; obligations: { dueAt: string }[] };
      return { incidentId: body.incidentId, dueAt: Date.parse(body.obligations[0]?.dueAt ?? '') };
    });
    const dues = created.map((c) => c.dueAt).sort((a, b) => a - b);
    const first = dues[0] ?? 0;
    const last = dues.at(-1) ?? 0;
    console.log(
      `submitted ${total} reports in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
        `deadlines span ${((last - first) / 1000).toFixed(1)} s (${new Date(first).toISOString()} – ${new Date(last).toISOString()})`,
    );

    // Give every timer its deadline plus a generous margin, then read what was recorded.
    const settle = last + 20_000 - Date.now();
    if (settle > 0) await new Promise((resolve) => setTimeout(resolve, settle));
    const lateness = await inParallel(created.length, 16, async (i) => {
      const incident = created[i];
      if (!incident) return undefined;
      const response = await fetch(`${runtime.url}/v1/incidents/${incident.incidentId}/audit`, {
        headers: { authorization: `Bearer ${inspector}` },
      });
      const trail = (await response.json()) as { events: { type: string; at: string; data: { dueAt?: string } }[] };
      const missed = trail.events.find((e) => e.type === 'DeadlineMissed');
      return missed ? Date.parse(missed.at) - Date.parse(missed.data.dueAt ?? '') : undefined;
    });
    const flagged = lateness.filter((l): l is number => l !== undefined).sort((a, b) => a - b);
    const never = lateness.length - flagged.length;
    console.log('\nlateness of DeadlineMissed after dueAt');
    console.log(`  obligations          ${total}`);
    console.log(`  flagged              ${flagged.length}`);
    console.log(`  never flagged        ${never}   (must be 0)`);
    console.log(`  p50                  ${percentile(flagged, 50)} ms`);
    console.log(`  p99                  ${percentile(flagged, 99)} ms   (target ≤ 2000 ms)`);
    console.log(`  max                  ${flagged.at(-1)} ms`);
    if (never > 0) process.exitCode = 1;
  } finally {
    await runtime.stop();
  }
};

await main();
