/** The command-line entry points, run as a person runs them. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLocalSigner } from '../../infra/local/auth';
import { localToolScripts } from './local-tools';
import { runScript } from './support';

describe('npm run token', () => {
  let dataDir: string;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'incident-pipeline-token-'));
  });

  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  const token = (...args: string[]) =>
    spawnSync('npm', ['run', '--silent', 'token', '--', ...args], {
      env: { ...process.env, DATA_DIR: dataDir },
      encoding: 'utf8',
    });

  it('prints only a JWT that the local authorizer accepts, with the claims asked for', async () => {
    const result = token('--role', 'reporter', '--region', '110101', '--unit', 'U-1');
    expect(result.status).toBe(0);
    const jwt = result.stdout.trim();
    expect(jwt).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const claims = await (await openLocalSigner(dataDir)).verify(jwt);
    expect(claims).toMatchObject({ role: 'reporter', region: '110101', unit: 'U-1' });
  });

  it('refuses a token that could never be used, saying why', () => {
    const cityAsCounty = token('--role', 'office', '--region', '110100', '--level', 'county');
    expect(cityAsCounty.status).toBe(2);
    expect(cityAsCounty.stderr).toContain('city-level region');
    const noUnit = token('--role', 'reporter', '--region', '110101');
    expect(noUnit.status).toBe(2);
    expect(noUnit.stderr).toContain('unit');
    const unknown = token('--role', 'inspector', '--region', '990000');
    expect(unknown.status).toBe(2);
    expect(unknown.stdout).toBe('');
  });
});

describe('npm start with a bad policy file', () => {
  it('stops before starting anything, naming every bad entry', () => {
    const dir = mkdtempSync(join(tmpdir(), 'incident-pipeline-policy-'));
    try {
      const file = join(dir, 'policy.json');
      writeFileSync(
        file,
        JSON.stringify({
          name: 'broken',
          description: 'a policy with two mistakes',
          reminderAt: 0.75,
          limits: {
            unitToCounty: '1h',
            countyToCity: '2x',
            cityToProvince: '2h',
            provinceToNational: '2h',
            publicHealthProvinceToNational: '1h',
            skipLevelPhone: '30m',
            skipLevelWritten: '1h',
            naturalDisasterDirect: '2h',
            correction: '1h',
          },
          overrides: [{ jurisdiction: '990000', note: 'nowhere', limits: { countyToCity: '1h' } }],
        }),
      );
      const result = spawnSync('npm', ['start'], {
        env: { ...process.env, POLICY: file, PORT: '0', DATA_DIR: dir },
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(file);
      expect(result.stderr).toContain('limits.countyToCity');
      expect(result.stderr).toContain('overrides[0].jurisdiction');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('npm start on engines already running', () => {
  it('refuses one engine without the other, before starting anything', () => {
    const dir = mkdtempSync(join(tmpdir(), 'incident-pipeline-engines-'));
    try {
      const result = spawnSync('npm', ['start'], {
        env: { ...process.env, DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000', PORT: '0', DATA_DIR: dir },
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('DYNAMODB_ENDPOINT and MESSAGING_ENDPOINT go together');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// The other files run the tools as built by the global setup (runScript): here each runs through
// its own `npm run` script too, and the two answer alike.
describe('the command-line tools, through npm run and as the tests run them', () => {
  it.each(Object.keys(localToolScripts()))('npm run %s', async (script) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'incident-pipeline-tool-'));
    try {
      const npm = spawnSync('npm', ['run', '--silent', script, '--', '--no-such-option'], {
        env: { ...process.env, DATA_DIR: dataDir },
        encoding: 'utf8',
      });
      const built = await runScript({ dataDir }, script, '--no-such-option');
      expect(npm.status).toBe(2);
      expect(npm.stderr).toContain(`usage: npm run ${script}`);
      expect(built).toEqual({ code: npm.status, stdout: npm.stdout, stderr: npm.stderr });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
