/**
 * The local stand-in for the JWT authorizer remembers the tokens it has verified, so a client
 * sending the same token with every request is not checked again each time; a remembered token
 * still expires when it says, and nothing that failed is ever remembered.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openLocalSigner } from '../../infra/local/auth';

const caller = { sub: 'office-1', role: 'office', region: '110100', level: 'city' } as const;

afterEach(() => {
  vi.useRealTimers();
});

describe('local signer', () => {
  it('takes a token it verified again until it expires, then refuses it', async () => {
    vi.useFakeTimers({ now: Date.parse('2026-12-05T08:00:00Z'), toFake: ['Date'] });
    const signer = await openLocalSigner(mkdtempSync(join(tmpdir(), 'signer-')));
    const token = await signer.sign(caller, 60);
    expect(await signer.verify(token)).toMatchObject({ sub: 'office-1', role: 'office' });
    // What a caller does with the claims it is given does not change what is remembered.
    const claims = await signer.verify(token);
    claims.role = 'inspector';
    expect(await signer.verify(token)).toMatchObject({ role: 'office' });

    vi.setSystemTime(Date.parse('2026-12-05T08:01:01Z'));
    await expect(signer.verify(token)).rejects.toThrow(/exp/);
  });

  it('never remembers a token that failed: another key’s, or an expired one', async () => {
    const signer = await openLocalSigner(mkdtempSync(join(tmpdir(), 'signer-')));
    const other = await openLocalSigner(mkdtempSync(join(tmpdir(), 'signer-')));
    const forged = await other.sign(caller);
    await expect(signer.verify(forged)).rejects.toThrow();
    await expect(signer.verify(forged)).rejects.toThrow();
    const expired = await signer.sign(caller, -10);
    await expect(signer.verify(expired)).rejects.toThrow(/exp/);
    await expect(signer.verify(expired)).rejects.toThrow(/exp/);
  });
});
