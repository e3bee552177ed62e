import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtInPolicies, loadPolicy } from '../../shared/adapters/policy-source';
import { PolicyError } from '../../shared/domain/errors';
import { defaultDrillPolicy, drillPolicyNames, policyFor } from '../../shared/domain/policy/policy';

const validPolicy = {
  name: 'hubei-exercise',
  description: 'A provincial exercise with tighter numbers',
  limits: {
    unitToCounty: '30m',
    countyToCity: '1h',
    cityToProvince: '1h',
    provinceToNational: '1h',
    publicHealthProvinceToNational: '30m',
    skipLevelPhone: '10m',
    skipLevelWritten: '20m',
    naturalDisasterDirect: '1h',
    correction: '1h',
  },
  reminderAt: 0.5,
  overrides: [{ jurisdiction: '420100', grades: ['I'], note: 'Wuhan', limits: { countyToCity: '15m' } }],
};

describe('loadPolicy', () => {
  let dir = '';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'policy-source-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('returns the built-in policies by name', async () => {
    await expect(loadPolicy('national')).resolves.toBe(builtInPolicies.national);
    await expect(loadPolicy('drill')).resolves.toBe(builtInPolicies.drill);
  });

  it('reads and validates a policy file', async () => {
    const path = join(dir, 'valid.json');
    await writeFile(path, JSON.stringify(validPolicy));

    const policy = await loadPolicy(path);

    expect(policy.name).toBe('hubei-exercise');
    expect(policy.limits.countyToCity).toBe(3_600_000);
    expect(policy.overrides[0]?.limits.countyToCity).toBe(900_000);
  });

  it('gives a policy file the policies its drills may follow: itself and the shipped ones', async () => {
    const path = join(dir, 'with-drills.json');
    await writeFile(path, JSON.stringify({ ...validPolicy, drillTimings: 'drill' }));

    const policy = await loadPolicy(path);

    expect(drillPolicyNames(policy)).toEqual(['hubei-exercise', 'national', 'drill']);
    expect(defaultDrillPolicy(policy)).toBe('drill');
    expect(policyFor(policy, { policy: 'drill' })).toBe(builtInPolicies.drill.drillPolicies?.drill);
    expect(policyFor(policy, undefined)).toBe(policy);
    expect(() => policyFor(policy, { policy: 'henan' })).toThrow(/does not know/);
    // Without drill timings of its own, a drill under it drills in real time.
    expect(defaultDrillPolicy(await loadPolicy(join(dir, 'valid.json')))).toBe('hubei-exercise');
  });

  it('refuses drill timings that name no shipped policy', async () => {
    const path = join(dir, 'bad-drills.json');
    await writeFile(path, JSON.stringify({ ...validPolicy, drillTimings: 'henan' }));

    const error = await loadPolicy(path).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(PolicyError);
    expect(error).toHaveProperty(
      'message',
      `policy ${path} names drill timings it cannot have: drillTimings: names henan, which is not a shipped policy`,
    );
  });

  it('names the path of a missing file', async () => {
    const path = join(dir, 'missing.json');

    const error = await loadPolicy(path).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(PolicyError);
    expect(error).toHaveProperty('message', `policy ${path} cannot be read: no such file`);
  });

  it('names the path of a directory', async () => {
    await expect(loadPolicy(dir)).rejects.toThrow(`policy ${dir} cannot be read: is a directory, not a file`);
  });

  it('names the path of a file that is not JSON', async () => {
    const path = join(dir, 'broken.json');
    await writeFile(path, '{ "name": "broken", ');

    const error = await loadPolicy(path).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(PolicyError);
    expect(error).toHaveProperty('message', expect.stringContaining(`policy ${path} is not valid JSON: `));
  });

  it('names the path and every bad entry of an invalid file', async () => {
    const path = join(dir, 'invalid.json');
    const invalid = {
      ...validPolicy,
      limits: { ...validPolicy.limits, countyToCity: '2x' },
      overrides: [{ jurisdiction: '990000', note: 'nowhere', limits: { countyToCity: '1h' } }],
    };
    await writeFile(path, JSON.stringify(invalid));

    const error = await loadPolicy(path).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(PolicyError);
    expect(error).toHaveProperty(
      'message',
      `policy ${path} is invalid: limits.countyToCity: "2x" is not a duration like "2h" or "90m"; ` +
        'overrides[0].jurisdiction: 990000 is not a province or city code',
    );
  });
});
