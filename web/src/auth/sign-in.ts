/**
 * Signing in and out, and renewing the token before it expires.
 *
 * - Locally (`npm start`): `POST /local/sign-in` mints a token with the local key for one of the
 *   identities `/config.json` lists. It exists in the local runtime only.
 * - On AWS: the identity provider's sign-in page (the user pool's managed login, or the external
 *   issuer the deployment names), authorization code with PKCE. The code and state come
 *   back on `/auth/callback`, are exchanged for tokens, and are then removed from the address bar.
 */
import { config } from '../config';
import { currentToken, endSession, type Renewal, type Session, session, startSession } from './session';

const PKCE_KEY = 'console.pkce';
const RETURN_KEY = 'console.returnTo';
/** Renew this long before the token expires. */
const RENEW_BEFORE_MS = 5 * 60_000;

export const CALLBACK_PATH = '/auth/callback';

const base64Url = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

const randomText = (): string => base64Url(crypto.getRandomValues(new Uint8Array(32)));

/** Where to go back to after signing in (a path of the console, never a token). */
export const rememberReturn = (path: string): void => {
  if (path.startsWith('/') && !path.startsWith('//') && !path.startsWith(CALLBACK_PATH)) {
    sessionStorage.setItem(RETURN_KEY, path);
  }
};

export const takeReturn = (): string => {
  const path = sessionStorage.getItem(RETURN_KEY) ?? '/';
  sessionStorage.removeItem(RETURN_KEY);
  return path.startsWith('/') && !path.startsWith('//') ? path : '/';
};

export type SignInResult = { ok: true; session: Session } | { ok: false; reason: 'network' | 'refused' };

export const localSignIn = async (identity: string): Promise<SignInResult> => {
  let response: Response;
  try {
    response = await fetch('/local/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ identity }),
    });
  } catch {
    return { ok: false, reason: 'network' };
  }
  if (!response.ok) return { ok: false, reason: 'refused' };
  const { idToken } = (await response.json()) as { idToken: string };
  const started = startSession(idToken, { kind: 'local', identity });
  if (started) scheduleRenewal();
  return started ? { ok: true, session: started } : { ok: false, reason: 'refused' };
};

const oidc = () => {
  const auth = config.value?.auth;
  return auth?.kind === 'oidc' ? auth : undefined;
};

const redirectUri = (): string => `${location.origin}${CALLBACK_PATH}`;

/** Leaves for the provider's sign-in page. */
export const oidcSignIn = async (lang: string): Promise<void> => {
  const auth = oidc();
  if (!auth) return;
  const verifier = randomText();
  const state = randomText();
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  sessionStorage.setItem(PKCE_KEY, JSON.stringify({ verifier, state }));
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: auth.clientId,
    redirect_uri: redirectUri(),
    scope: auth.scopes.join(' '),
    state,
    code_challenge: base64Url(digest),
    code_challenge_method: 'S256',
    lang: lang === 'en' ? 'en' : 'zh-CN',
  });
  location.assign(`${auth.authorizationEndpoint}?${query}`);
};

interface TokenAnswer {
  readonly id_token: string;
  readonly refresh_token?: string;
}

const tokenRequest = async (body: Record<string, string>): Promise<TokenAnswer | undefined> => {
  const auth = oidc();
  if (!auth) return undefined;
  try {
    const response = await fetch(auth.tokenEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: auth.clientId, ...body }),
    });
    return response.ok ? ((await response.json()) as TokenAnswer) : undefined;
  } catch {
    return undefined;
  }
};

/** Completes the provider's sign-in on `/auth/callback`; the code never stays in the address bar. */
export const completeOidcSignIn = async (): Promise<SignInResult> => {
  const params = new URLSearchParams(location.search);
  history.replaceState(null, '', CALLBACK_PATH);
  const stored = sessionStorage.getItem(PKCE_KEY);
  sessionStorage.removeItem(PKCE_KEY);
  const pkce = stored ? (JSON.parse(stored) as { verifier: string; state: string }) : undefined;
  const code = params.get('code');
  if (!pkce || !code || params.get('state') !== pkce.state) return { ok: false, reason: 'refused' };
  const answer = await tokenRequest({
    grant_type: 'authorization_code',
    code,
    redirect_uri: redirectUri(),
    code_verifier: pkce.verifier,
  });
  if (!answer?.refresh_token) return { ok: false, reason: 'network' };
  const started = startSession(answer.id_token, { kind: 'oidc', refreshToken: answer.refresh_token });
  if (started) scheduleRenewal();
  return started ? { ok: true, session: started } : { ok: false, reason: 'refused' };
};

/** Gets a fresh token without asking the person; false if that is not possible now. */
export const renew = async (): Promise<boolean> => {
  const renewal: Renewal | undefined = session.value?.renewal;
  if (!renewal) return false;
  if (renewal.kind === 'local') return (await localSignIn(renewal.identity)).ok;
  const answer = await tokenRequest({ grant_type: 'refresh_token', refresh_token: renewal.refreshToken });
  if (!answer) return false;
  const started = startSession(answer.id_token, renewal);
  if (started) scheduleRenewal();
  return started !== undefined;
};

let renewalTimer: ReturnType<typeof setTimeout> | undefined;

/** Renews the token five minutes before it expires (and retries a minute later if offline). */
export const scheduleRenewal = (): void => {
  clearTimeout(renewalTimer);
  const current = session.value;
  if (!current) return;
  const wait = Math.max(current.claims.exp * 1000 - Date.now() - RENEW_BEFORE_MS, 0);
  renewalTimer = setTimeout(async () => {
    if (!(await renew()) && currentToken()) {
      renewalTimer = setTimeout(scheduleRenewal, 60_000);
    }
  }, wait);
};

export const signOut = (): void => {
  clearTimeout(renewalTimer);
  const wasOidc = session.value?.renewal.kind === 'oidc';
  endSession();
  const auth = oidc();
  if (wasOidc && auth?.endSessionEndpoint) {
    // Cognito reads `logout_uri`; OpenID Connect's RP-initiated logout `post_logout_redirect_uri`.
    const back = `${location.origin}/`;
    const query = new URLSearchParams({ client_id: auth.clientId, logout_uri: back, post_logout_redirect_uri: back });
    location.assign(`${auth.endSessionEndpoint}?${query}`);
  }
};
