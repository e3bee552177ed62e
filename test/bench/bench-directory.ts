/**
 * The officer directory `bench:pipeline` loads before its mix, as a deployment has one: every
 * office of the province (the province's, each city's, each county's) with its first and its
 * directly responsible person and a 24-hour duty roster of three eight-hour shifts, each person
 * with a phone and an e-mail address. It goes in through the project's own import path
 * (`npm run officers -- import FILE`, against the running runtime), so the officers' subscriptions
 * are synced as an import syncs them and the SMS go through the local stand-in provider.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { childrenOf, regionOf } from '../../shared/domain/regions/regions';
import type { BenchRuntime } from './support';

const repositoryRoot = resolve(import.meta.dirname, '../..');

/** The province and every region below it: each has an office. */
const officesWithin = (province: string): string[] => {
  const found: string[] = [];
  const visit = (code: string) => {
    found.push(code);
    for (const child of childrenOf(code)) visit(child.code);
  };
  visit(province);
  return found;
};

const SHIFTS = [
  { from: '00:00', to: '08:00' },
  { from: '08:00', to: '16:00' },
  { from: '16:00', to: '00:00' },
] as const;

/** The directory file's content (the import's JSON form) for every office of `province`. */
export const benchDirectory = (province: string) => {
  const officers: Record<string, unknown>[] = [];
  const roster: Record<string, string>[] = [];
  let phone = 0;
  const person = (office: string, id: string, name: string, roles: string[]) => {
    phone += 1;
    const personId = `${office}-${id}`;
    officers.push({
      office,
      personId,
      name: `${regionOf(office).name}${name}`,
      roles,
      email: `${id.toLowerCase()}@${office}.yjgl.example.cn`,
      // Mobile numbers the stand-in provider accepts: +86 and eleven digits.
      sms: `+8613${String(phone).padStart(9, '0')}`,
    });
    return personId;
  };
  for (const office of officesWithin(province)) {
    person(office, 'FIRST', '主要负责人', ['first-responsible']);
    person(office, 'DIRECT', '分管负责人', ['directly-responsible']);
    SHIFTS.forEach((shift, n) => {
      const personId = person(office, `DUTY${n + 1}`, `值班员${n + 1}`, ['duty-officer']);
      roster.push({ office, personId, ...shift });
    });
  }
  return { officers, roster };
};

/**
 * Writes the directory of `province` into the runtime's data folder and imports it with
 * `npm run officers -- import`; answers what the command printed, or throws with it.
 */
export const importBenchDirectory = async (
  runtime: Pick<BenchRuntime, 'dataDir'>,
  province: string,
): Promise<string> => {
  const file = join(runtime.dataDir, 'bench-officers.json');
  writeFileSync(file, JSON.stringify(benchDirectory(province)));
  return new Promise((done, fail) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'infra/local/officers-cli.ts', 'import', file],
      { cwd: repositoryRoot, env: { ...process.env, DATA_DIR: runtime.dataDir }, timeout: 300_000 },
      (error, stdout, stderr) =>
        error ? fail(new Error(`the officer import failed: ${stderr || error.message}`)) : done(stdout),
    );
  });
};
