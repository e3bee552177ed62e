/**
 * The realistic mix `bench:pipeline` drives through the local runtime under the drill policy:
 * initial reports spread over a province's reporting regions on an open-loop schedule, a share of
 * them followed by a follow-up and a share closed by a final report, some units reporting late;
 * each county office forwards on time, late (after its deadline, once escalated past) or never,
 * and a city forwards at once what its county forwarded on time. Every report carries an
 * Idempotency-Key, as the web console's outbox sends it.
 */
import { openLocalSigner } from '../../infra/local/auth';
import { parentOf } from '../../shared/domain/regions/regions';
import { reportingRegionsWithin } from '../../shared/domain/zero-reports';
import type { BenchRuntime } from './support';

export interface MixOptions {
  readonly reports: number;
  /** Initial reports a second, sent on schedule whether or not earlier ones are answered. */
  readonly rate: number;
  readonly province: string;
  /** Shares of incidents given a follow-up, and a final report. */
  readonly followUps: number;
  readonly finals: number;
  /** Share of initial reports sent after the unit's own limit (20 s in the drill). */
  readonly lateUnits: number;
  /** How long after the initial report a late office forwards: past the drill's 15 s deadline. */
  readonly lateForwardAtMs: number;
  /** Whether offices forward at all (`false`: initial reports only, for the roll-up alone). */
  readonly officesAct: boolean;
}

export const DEFAULT_MIX: Omit<MixOptions, 'reports' | 'rate'> = {
  province: '420000',
  followUps: 0.3,
  finals: 0.2,
  lateUnits: 0.1,
  lateForwardAtMs: 18_000,
  officesAct: true,
};

export type Fate = 'on-time' | 'late' | 'silent';

export interface MixResult {
  /** Accepted reports (201) by kind. */
  readonly accepted: { readonly initial: number; readonly 'follow-up': number; readonly final: number };
  /** Accepted office forwards by fate. */
  readonly forwards: Readonly<Record<Fate, number>>;
  /** When each initial report was accepted (ms since the epoch), in order. */
  readonly acceptedAt: readonly number[];
  readonly failed: number;
  readonly sentInMs: number;
  readonly incidents: readonly { readonly id: string; readonly county: string; readonly fate: Fate }[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Spreads `index` over [0, 1) evenly and deterministically, so shares are exact over a run. */
const share = (index: number, salt: number): number => (((index * 0.618_033_988_75 + salt) % 1) + 1) % 1;

export const driveMix = async (
  runtime: Pick<BenchRuntime, 'url' | 'dataDir'>,
  options: MixOptions,
): Promise<MixResult> => {
  const regions = [...reportingRegionsWithin(options.province)];
  const signer = await openLocalSigner(runtime.dataDir);
  const reporterOf = new Map<string, string>();
  const officeOf = new Map<string, string>();
  for (const region of regions) {
    reporterOf.set(
      region,
      await signer.sign({ sub: `bench-${region}`, role: 'reporter', region, unit: `U-${region}` }),
    );
    officeOf.set(region, await signer.sign({ sub: `office-${region}`, role: 'office', region, level: 'county' }));
    const city = parentOf(region);
    if (city && city.level === 'city' && !officeOf.has(city.code)) {
      officeOf.set(
        city.code,
        await signer.sign({ sub: `office-${city.code}`, role: 'office', region: city.code, level: 'city' }),
      );
    }
  }
  const post = (path: string, token: string, body: unknown, key?: string): Promise<Response> =>
    fetch(`${runtime.url}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        ...(key ? { 'idempotency-key': key } : {}),
      },
      body: JSON.stringify(body),
    });

  const accepted = { initial: 0, 'follow-up': 0, final: 0 };
  const forwards: Record<Fate, number> = { 'on-time': 0, late: 0, silent: 0 };
  const acceptedAt: number[] = [];
  const incidents: { id: string; county: string; fate: Fate }[] = [];
  let failed = 0;
  const fail = async (what: string, response: Response | Error) => {
    failed += 1;
    if (failed <= 3) {
      console.error(
        `${what}: ${response instanceof Error ? response.message : `${response.status} ${await response.text()}`}`,
      );
    }
  };

  const report = (i: number, region: string, kind: 'initial' | 'follow-up' | 'final', incidentId?: string) => {
    const now = Date.now();
    const late = kind === 'initial' && share(i, 0.3) < options.lateUnits;
    return post(
      '/v1/reports',
      reporterOf.get(region) as string,
      {
        kind,
        ...(incidentId ? { incidentId } : {}),
        category: i % 3 === 0 ? 'natural-disaster' : 'accident',
        subtype: 'flood burst',
        occurredAt: new Date(now - 60_000).toISOString(),
        learnedAt: new Date(now - (late ? 30_000 : 5_000)).toISOString(),
        regionCode: region,
        location: { address: `bench ${i}` },
        casualties: { dead: kind === 'initial' ? i % 2 : (i % 2) + 1, injured: i % 4, missing: 0 },
        affectedPeople: 10 + (i % 50),
        directLossYuan: 1_000 * (i % 20),
        summary: `pipeline benchmark ${i} (${kind})`,
        reporter: { name: 'Bench', phone: '+86 27 0000 0000', unit: `U-${region}` },
      },
      `bench-${i}-${kind}`,
    );
  };

  const forward = async (id: string, office: string, fate: Fate): Promise<boolean> => {
    const response = await post(`/v1/incidents/${id}/forward`, officeOf.get(office) as string, {}).catch(
      (error: Error) => error,
    );
    if (response instanceof Error) {
      await fail(`forward ${id}`, response);
      return false;
    }
    if (response.status === 200) {
      forwards[fate] += 1;
      return true;
    }
    // Already forwarded, escalated past, or not this office's duty: not a failure of the pipeline.
    await response.body?.cancel();
    return false;
  };

  /** Everything that happens to incident `i` after its initial report was accepted. */
  const lifeOf = async (i: number, id: string, region: string): Promise<void> => {
    const fate = (['on-time', 'late', 'silent'] as const)[i % 3] ?? 'silent';
    incidents.push({ id, county: region, fate });
    const city = parentOf(region);
    const steps: Promise<void>[] = [];
    if (!options.officesAct) {
      // Nobody forwards.
    } else if (fate === 'on-time') {
      steps.push(
        (async () => {
          if ((await forward(id, region, fate)) && city?.level === 'city') await forward(id, city.code, fate);
        })(),
      );
    } else if (fate === 'late') {
      steps.push(sleep(options.lateForwardAtMs).then(async () => void (await forward(id, region, fate))));
    }
    const more: ('follow-up' | 'final')[] = [];
    if (share(i, 0.1) < options.followUps) more.push('follow-up');
    if (share(i, 0.7) < options.finals) more.push('final');
    steps.push(
      (async () => {
        for (const kind of more) {
          await sleep(2_000);
          const response = await report(i, region, kind, id).catch((error: Error) => error);
          if (!(response instanceof Error) && response.status === 201) {
            accepted[kind] += 1;
            await response.body?.cancel();
          } else await fail(`${kind} ${i}`, response);
        }
      })(),
    );
    await Promise.all(steps);
  };

  const started = Date.now();
  const lives: Promise<void>[] = [];
  for (let i = 0; i < options.reports; i++) {
    // Open loop: report i is sent at its time whether or not earlier ones are answered.
    const wait = started + (i * 1000) / options.rate - Date.now();
    if (wait > 0) await sleep(wait);
    const region = regions[i % regions.length] as string;
    lives.push(
      report(i, region, 'initial').then(
        async (response) => {
          if (response.status !== 201) return fail(`report ${i}`, response);
          acceptedAt.push(Date.now());
          accepted.initial += 1;
          const { incidentId } = (await response.json()) as { incidentId: string };
          await lifeOf(i, incidentId, region);
        },
        (error: Error) => fail(`report ${i}`, error),
      ),
    );
  }
  const sentInMs = Date.now() - started;
  await Promise.all(lives);
  acceptedAt.sort((a, b) => a - b);
  return { accepted, forwards, acceptedAt, failed, sentInMs, incidents };
};
