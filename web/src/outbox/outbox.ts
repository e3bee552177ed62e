/**
 * The outbox: nothing typed is ever lost or sent twice.
 *
 * A report is saved on the device (IndexedDB) the moment it is submitted, with the
 * `Idempotency-Key` it will be sent under, made then and never changed. Sending is a separate step:
 * when the network allows, one tab at a time (a Web Lock), each entry is posted with its key until
 * the API answers. However often it is posted — a lost answer, a closed tab, two tabs — the API
 * gives the first answer back for the same key, so it creates one incident.
 *
 * - a network failure, a 5xx, a 429 (after its `Retry-After`) or a busy 409: kept, tried again
 *   with backoff;
 * - a 401: kept, and the person is asked to sign in again; it is sent once they have;
 * - any other 4xx: kept as refused, with the API's answer, for the person to correct.
 */
import { computed, signal } from '@preact/signals';
import { createStore, del, get, set, values } from 'idb-keyval';
import { request } from '../api/client';
import type { FieldProblem } from '../api/types';
import { claims, currentToken, session, tokenRefused } from '../auth/session';
import { randomId } from '../lib/ids';
import { backoffMs } from './retry';

export type OutboxState = 'saved' | 'sending' | 'waiting' | 'needs-sign-in' | 'delivered' | 'refused';

export type OutboxPath = '/v1/reports' | '/v1/daily-reports';

export interface OutboxFailure {
  readonly kind: 'network' | 'http';
  readonly status?: number;
  readonly code?: string;
  readonly message?: string;
  readonly details?: readonly FieldProblem[];
}

export interface OutboxEntry {
  readonly id: string;
  readonly idempotencyKey: string;
  readonly path: OutboxPath;
  readonly body: unknown;
  /** Whose it is: it is sent only with a token of the same unit and region. */
  readonly owner: { readonly region: string; readonly unit: string };
  /** What the person sees in the list. */
  readonly title: string;
  readonly kind: 'initial' | 'follow-up' | 'final' | 'daily';
  readonly incidentId?: string;
  readonly savedAt: number;
  readonly state: OutboxState;
  readonly attempts: number;
  /** When the backoff would try again; "send now" does not wait for it. */
  readonly nextAttemptAt: number;
  /** Not before this, whatever is asked: the API's `Retry-After`. */
  readonly notBefore?: number;
  readonly lastAttemptAt?: number;
  readonly lastFailure?: OutboxFailure;
  /** The API's answer once delivered. */
  readonly answer?: unknown;
  readonly deliveredAt?: number;
}

const store = createStore('incident-console', 'outbox');
const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel('incident-console-outbox') : undefined;

/** Every entry on this device, newest first. */
export const outbox = signal<readonly OutboxEntry[]>([]);

/**
 * The signed-in unit's entries: on a device several units share, one unit never sees (or sends)
 * another's reports.
 */
export const myOutbox = computed(() => {
  const caller = claims.value;
  return outbox.value.filter((e) => caller && e.owner.unit === caller.unit && e.owner.region === caller.region);
});

const refresh = async (): Promise<void> => {
  const all = (await values<OutboxEntry>(store)).sort((a, b) => b.savedAt - a.savedAt);
  outbox.value = all;
};

const put = async (entry: OutboxEntry): Promise<void> => {
  await set(entry.id, entry, store);
  await refresh();
  channel?.postMessage('changed');
};

const PENDING: readonly OutboxState[] = ['saved', 'sending', 'waiting', 'needs-sign-in'];
export const isPending = (entry: OutboxEntry): boolean => PENDING.includes(entry.state);

export interface NewEntry {
  readonly path: OutboxPath;
  readonly body: unknown;
  readonly title: string;
  readonly kind: OutboxEntry['kind'];
  readonly incidentId?: string;
}

/**
 * Saves a submission on the device, with its idempotency key, and starts sending it — unless the
 * caller starts the sending itself (after moving to the entry's own page, so that a refused token
 * brings the person back there after signing in again).
 */
export const saveToOutbox = async (
  entry: NewEntry,
  options: { readonly send?: boolean } = {},
): Promise<OutboxEntry> => {
  const caller = claims.value;
  const now = Date.now();
  const saved: OutboxEntry = {
    ...entry,
    id: randomId(),
    idempotencyKey: `console-${randomId()}`,
    owner: { region: caller?.region ?? '', unit: caller?.unit ?? '' },
    savedAt: now,
    state: 'saved',
    attempts: 0,
    nextAttemptAt: now,
  };
  await put(saved);
  if (options.send ?? true) void sendOutbox();
  return saved;
};

export const outboxEntry = (id: string): Promise<OutboxEntry | undefined> => get<OutboxEntry>(id, store);

/** Removes an entry the person has dealt with (a refused one they corrected, a delivered one). */
export const removeFromOutbox = async (id: string): Promise<void> => {
  await del(id, store);
  await refresh();
  channel?.postMessage('changed');
};

const belongsToCaller = (entry: OutboxEntry): boolean => {
  const caller = claims.value;
  return caller !== undefined && caller.unit === entry.owner.unit && caller.region === entry.owner.region;
};

const attempt = async (entry: OutboxEntry): Promise<void> => {
  const now = Date.now();
  await put({ ...entry, state: 'sending', lastAttemptAt: now });
  const result = await request<unknown>('POST', entry.path, {
    body: entry.body,
    idempotencyKey: entry.idempotencyKey,
    timeoutMs: 60_000,
    keepSessionOn401: true,
  });
  const after = Date.now();
  if (result.ok) {
    await put({ ...entry, state: 'delivered', answer: result.body, deliveredAt: after, lastAttemptAt: now });
    return;
  }
  const attempts = entry.attempts + 1;
  if (result.kind === 'network') {
    await put({
      ...entry,
      state: 'waiting',
      attempts,
      lastAttemptAt: now,
      nextAttemptAt: after + backoffMs(attempts),
      lastFailure: { kind: 'network' },
    });
    return;
  }
  const failure: OutboxFailure = {
    kind: 'http',
    status: result.status,
    code: result.code,
    message: result.message,
    details: result.details,
  };
  if (result.status === 401) {
    await put({ ...entry, state: 'needs-sign-in', attempts, lastAttemptAt: now, lastFailure: failure });
    tokenRefused();
    return;
  }
  const retryable = result.status >= 500 || result.status === 429 || result.status === 408 || result.code === 'busy';
  if (retryable) {
    const { notBefore: _previous, ...rest } = entry;
    await put({
      ...rest,
      state: 'waiting',
      attempts,
      lastAttemptAt: now,
      nextAttemptAt: after + (result.retryAfterMs ?? backoffMs(attempts)),
      ...(result.retryAfterMs !== undefined ? { notBefore: after + result.retryAfterMs } : {}),
      lastFailure: failure,
    });
    return;
  }
  await put({ ...entry, state: 'refused', attempts, lastAttemptAt: now, lastFailure: failure });
};

let running: Promise<void> | undefined;
let again = false;
let timer: ReturnType<typeof setTimeout> | undefined;

const withLock = async (work: () => Promise<void>): Promise<void> => {
  if (typeof navigator !== 'undefined' && navigator.locks) {
    await navigator.locks.request('incident-console-outbox', work);
  } else {
    await work();
  }
};

const sendDue = async (force: boolean): Promise<void> => {
  // Read under the lock: another tab may have delivered an entry while this one waited for it.
  const entries = (await values<OutboxEntry>(store)).sort((a, b) => a.savedAt - b.savedAt);
  for (const entry of entries) {
    if (!isPending(entry)) continue;
    if (!currentToken() || !belongsToCaller(entry)) {
      if (entry.state !== 'needs-sign-in' && !currentToken()) await put({ ...entry, state: 'needs-sign-in' });
      continue;
    }
    if (!navigator.onLine) {
      if (entry.state === 'sending' || entry.state === 'needs-sign-in') await put({ ...entry, state: 'waiting' });
      continue;
    }
    // An entry left `sending` by a tab that closed mid-request is sent again, under the same key.
    if ((entry.notBefore ?? 0) > Date.now()) continue;
    if (!force && entry.state === 'waiting' && entry.nextAttemptAt > Date.now()) continue;
    await attempt(entry);
  }
};

const scheduleNext = async (): Promise<void> => {
  clearTimeout(timer);
  const waiting = (await values<OutboxEntry>(store)).filter((e) => e.state === 'waiting');
  if (waiting.length === 0) return;
  const next = Math.min(...waiting.map((e) => Math.max(e.nextAttemptAt, e.notBefore ?? 0)));
  timer = setTimeout(() => void sendOutbox(), Math.max(next - Date.now(), 250));
};

let forced = false;

/**
 * Sends what is due now; safe to call at any time, from anywhere, as often as wanted. `force`
 * (the person asked: "send now") does not wait out the backoff, but does wait out a `Retry-After`.
 */
export const sendOutbox = async (force = false): Promise<void> => {
  forced ||= force;
  if (running) {
    again = true;
    return running;
  }
  running = (async () => {
    do {
      again = false;
      const now = forced;
      forced = false;
      await withLock(() => sendDue(now));
    } while (again);
    await scheduleNext();
  })().finally(() => {
    running = undefined;
  });
  return running;
};

const DELIVERED_KEPT_MS = 7 * 24 * 3600_000;

/** Loads the outbox, forgets deliveries older than a week, and sends whenever there is a chance. */
export const startOutbox = async (): Promise<void> => {
  await refresh();
  for (const entry of outbox.value) {
    if (entry.state === 'delivered' && (entry.deliveredAt ?? 0) < Date.now() - DELIVERED_KEPT_MS) {
      await del(entry.id, store);
    }
  }
  await refresh();
  channel?.addEventListener('message', () => void refresh());
  addEventListener('online', () => void sendOutbox());
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') void sendOutbox();
  });
  session.subscribe((current) => {
    if (current) void sendOutbox();
  });
};
