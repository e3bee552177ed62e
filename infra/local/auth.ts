/**
 * The local stand-in for the Cognito-backed JWT authorizer: an ES256 key created on first start
 * and kept in the data folder, used to sign tokens (`npm run token`) and to verify them on every
 * request, so handlers receive the same claims they would on AWS.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type JWK, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import type { Caller } from '../../shared/schemas/claims';

export const LOCAL_ISSUER = 'urn:incident-pipeline:local';
export const LOCAL_AUDIENCE = 'incident-pipeline';
const ALG = 'ES256';

export interface LocalSigner {
  readonly keyFile: string;
  sign(caller: Caller, ttlSeconds?: number): Promise<string>;
  /** Verifies signature, issuer, audience and expiry; returns the claims. Throws if any fails. */
  verify(token: string): Promise<Record<string, unknown>>;
}

interface StoredKey {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

const loadOrCreateKey = async (dataDir: string): Promise<{ keyFile: string; stored: StoredKey }> => {
  const keyFile = join(dataDir, 'signing-key.json');
  if (existsSync(keyFile)) return { keyFile, stored: JSON.parse(readFileSync(keyFile, 'utf8')) as StoredKey };
  mkdirSync(dataDir, { recursive: true });
  const { privateKey, publicKey } = await generateKeyPair(ALG, { extractable: true });
  const stored: StoredKey = {
    kid: randomUUID(),
    privateJwk: await exportJWK(privateKey),
    publicJwk: await exportJWK(publicKey),
  };
  // 0600: the key mints any role's token; keep it to this user.
  writeFileSync(keyFile, JSON.stringify(stored, null, 2), { mode: 0o600, flag: 'wx' });
  return { keyFile, stored };
};

/**
 * How many verified tokens are remembered. A console, a phone's outbox or a load test sends the same
 * token with every request, and checking its ES256 signature again each time was the largest single
 * cost of a request here (about a millisecond of CPU). A token this key verified once stays valid
 * until it expires, which is checked on every use; a token that failed is never remembered.
 */
const VERIFIED_KEPT = 1_000;

/** Opens (creating on first use) the signing key in `dataDir`. */
export const openLocalSigner = async (dataDir: string): Promise<LocalSigner> => {
  const { keyFile, stored } = await loadOrCreateKey(dataDir);
  const privateKey = await importJWK(stored.privateJwk, ALG);
  const publicKey = await importJWK(stored.publicJwk, ALG);
  const verified = new Map<string, JWTPayload>();
  return {
    keyFile,
    async sign(caller, ttlSeconds = 12 * 3600) {
      const { sub, ...claims } = caller;
      return new SignJWT(claims)
        .setProtectedHeader({ alg: ALG, kid: stored.kid, typ: 'JWT' })
        .setSubject(sub)
        .setIssuer(LOCAL_ISSUER)
        .setAudience(LOCAL_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(privateKey);
    },
    async verify(token) {
      const known = verified.get(token);
      if (known && typeof known.exp === 'number' && known.exp * 1000 > Date.now()) return { ...known };
      const { payload } = await jwtVerify(token, publicKey, {
        issuer: LOCAL_ISSUER,
        audience: LOCAL_AUDIENCE,
        algorithms: [ALG],
      });
      // Started afresh when full: the tokens in use are verified again once, and kept again.
      if (verified.size >= VERIFIED_KEPT) verified.clear();
      verified.set(token, payload);
      return { ...payload } as Record<string, unknown>;
    },
  };
};
