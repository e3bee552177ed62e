/**
 * Who is signed in. The ID token lives in memory and in this tab's sessionStorage (so a reload
 * keeps it and closing the tab forgets it), never in localStorage, never in a URL. The console
 * reads the caller's role, region, unit and level from the token's claims — the same claims the
 * API authorises on — and renews the token before it expires.
 */
import { computed, signal } from '@preact/signals';
import { type CallerClaim, type ClaimNames, claimUnder } from '../../../shared/domain/claim-names';
import { config } from '../config';

export type Role = 'reporter' | 'office' | 'inspector';

export interface Claims {
  readonly sub: string;
  readonly role: Role;
  readonly region: string;
  readonly unit?: string;
  readonly level?: 'county' | 'city' | 'province';
  readonly name?: string;
  /** Seconds since the epoch. */
  readonly exp: number;
}

/** How to renew the token: ask the local sign-in again, or use the provider's refresh token. */
export type Renewal =
  | { readonly kind: 'local'; readonly identity: string }
  | { readonly kind: 'oidc'; readonly refreshToken: string };

export interface Session {
  readonly idToken: string;
  readonly claims: Claims;
  readonly renewal: Renewal;
}

const STORAGE_KEY = 'console.session';

const base64UrlDecode = (text: string): string => {
  const base64 = text
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(text.length / 4) * 4, '=');
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
};

/** The claims of a JWT (not verified here: the API verifies every token it is sent). */
export const claimsOf = (token: string, names: ClaimNames = {}): Claims | undefined => {
  try {
    const payload = JSON.parse(base64UrlDecode(token.split('.')[1] ?? '')) as Record<string, unknown>;
    const pick = (name: CallerClaim): unknown => claimUnder(payload, name, names);
    const role = pick('role');
    const region = pick('region');
    if (role !== 'reporter' && role !== 'office' && role !== 'inspector') return undefined;
    const sub = pick('sub');
    if (typeof region !== 'string' || typeof sub !== 'string' || typeof payload.exp !== 'number') {
      return undefined;
    }
    const unit = pick('unit');
    const level = pick('level');
    const name = payload.name;
    return {
      sub,
      role,
      region,
      exp: payload.exp,
      ...(typeof unit === 'string' ? { unit } : {}),
      ...(level === 'county' || level === 'city' || level === 'province' ? { level } : {}),
      ...(typeof name === 'string' ? { name } : {}),
    };
  } catch {
    return undefined;
  }
};

const restore = (): Session | null => {
  try {
    const stored = sessionStorage.getItem(STORAGE_KEY);
    if (!stored) return null;
    const session = JSON.parse(stored) as Session;
    return session.claims.exp * 1000 > Date.now() ? session : null;
  } catch {
    return null;
  }
};

export const session = signal<Session | null>(restore());
export const claims = computed(() => session.value?.claims);
/** Set when the API refused the token: the console asks the person to sign in again. */
export const signInNeeded = signal(false);

export const startSession = (idToken: string, renewal: Renewal): Session | undefined => {
  const auth = config.value?.auth;
  const tokenClaims = claimsOf(idToken, auth?.kind === 'oidc' ? auth.claimNames : undefined);
  if (!tokenClaims) return undefined;
  const next: Session = { idToken, claims: tokenClaims, renewal };
  session.value = next;
  signInNeeded.value = false;
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(next));
  return next;
};

export const endSession = (): void => {
  session.value = null;
  sessionStorage.removeItem(STORAGE_KEY);
};

/** The token to send, if there is one that has not expired. */
export const currentToken = (): string | undefined => {
  const current = session.value;
  if (!current) return undefined;
  return current.claims.exp * 1000 > Date.now() ? current.idToken : undefined;
};

/** The API answered 401: the token is no good. What was being done is kept; the person signs in again. */
export const tokenRefused = (): void => {
  endSession();
  signInNeeded.value = true;
};
