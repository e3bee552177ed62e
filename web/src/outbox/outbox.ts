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
 *
 * A report's photos follow it: the report names them (hash, size, type, caption), so it is sent
 * first and alone, small enough for any link; once it is delivered, each photo is uploaded to the
 * presigned URL the API gives for its hash — the same object however often it is retried — and
 * marked as sent, with the same backoff when the network fails.
 */
import { computed, signal } from '@preact/signals';
import { createStore, del, get, set, values } from 'idb-keyval';
import { request } from '../api/client';
import type { FieldProblem } from '../api/types';
import { claims, currentToken, session, tokenRefused } from '../auth/session';
import { randomId } from '../lib/ids';
import type { PreparedPhoto } from '../photos/prepare';
import { forgetPhotoBytes, keepPhotoBytes, type OutboxPhoto, photoBytes, photosWaiting } from './photos';
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
  /** The photos the report names, sent after it. */
  readonly photos?: readonly OutboxPhoto[];
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
  /** Photos the body names (in `attachments`), with their captions. */
  readonly photos?: readonly { readonly photo: PreparedPhoto; readonly caption: string }[];
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
  const id = randomId();
  const { photos, ...rest } = entry;
  // The bytes first: an entry on the device always has its photos with it.
  for (const { photo } of photos ?? []) await keepPhotoBytes(id, photo.sha256, photo.blob);
  const saved: OutboxEntry = {
    ...rest,
    ...(photos && photos.length > 0
      ? {
          photos: photos.map(({ photo, caption }) => ({
            sha256: photo.sha256,
            bytes: photo.bytes,
            contentType: photo.contentType,
            name: photo.name,
            caption,
            state: 'waiting' as const,
            attempts: 0,
            nextAttemptAt: now,
          })),
        }
      : {}),
    id,
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
  const entry = await outboxEntry(id);
  if (entry?.photos) await forgetPhotoBytes(id, entry.photos);
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

/** `PUT` answered by S3 (or a network failure), with the headers the signature covers. */
const upload = async (
  target: { readonly url: string; readonly headers: Readonly<Record<string, string>> },
  blob: Blob,
): Promise<number | 'network'> => {
  // The browser sets Content-Length from the body itself (and refuses it as a header); the
  // signature still holds the body to the named length.
  const { 'content-length': _length, ...headers } = target.headers;
  try {
    const answer = await fetch(target.url, { method: 'PUT', headers, body: blob, cache: 'no-store' });
    return answer.status;
  } catch {
    return 'network';
  }
};

interface UploadAnswer {
  readonly status: 'arrived' | 'missing' | 'mismatched';
  readonly upload?: { readonly url: string; readonly headers: Readonly<Record<string, string>> };
}

/** Sends one photo of a delivered report: what it became (`sent`, `refused`, or `waiting` again). */
const sendPhoto = async (entry: OutboxEntry, incidentId: string, photo: OutboxPhoto): Promise<OutboxPhoto> => {
  const now = Date.now();
  const again = (): OutboxPhoto => ({
    ...photo,
    attempts: photo.attempts + 1,
    nextAttemptAt: now + backoffMs(photo.attempts + 1),
  });
  const ask = () =>
    request<UploadAnswer>('POST', `/v1/incidents/${encodeURIComponent(incidentId)}/attachments`, {
      body: { sha256: photo.sha256 },
      keepSessionOn401: true,
    });
  const asked = await ask();
  if (!asked.ok) {
    if (asked.kind === 'network' || asked.status >= 500 || asked.status === 429 || asked.status === 401) {
      if (asked.kind === 'http' && asked.status === 401) tokenRefused();
      return again();
    }
    return { ...photo, state: 'refused', attempts: photo.attempts + 1 };
  }
  // Already stored (an earlier upload whose answer was lost): nothing left to send.
  if (asked.body.status === 'arrived' || !asked.body.upload) return { ...photo, state: 'sent', sentAt: now };
  const blob = await photoBytes(entry.id, photo.sha256);
  if (!blob) return { ...photo, state: 'refused' };
  const status = await upload(asked.body.upload, blob);
  if (status === 200) {
    // Sent only once the server, asked again, finds the named bytes stored.
    const confirmed = await ask();
    if (confirmed.ok && confirmed.body.status === 'arrived') return { ...photo, state: 'sent', sentAt: Date.now() };
    return again();
  }
  if (status === 'network' || status >= 500 || status === 403) return again();
  return { ...photo, state: 'refused', attempts: photo.attempts + 1 };
};

/** Sends the due photos of a delivered report, one at a time, each marked as it goes. */
const sendPhotos = async (entry: OutboxEntry, force: boolean): Promise<void> => {
  const incidentId = (entry.answer as { incidentId?: string } | undefined)?.incidentId ?? entry.incidentId;
  if (!incidentId) return;
  let current = entry;
  for (const photo of photosWaiting(entry.photos)) {
    if (!navigator.onLine) return;
    if (!force && photo.nextAttemptAt > Date.now()) continue;
    const after = await sendPhoto(current, incidentId, photo);
    current = { ...current, photos: (current.photos ?? []).map((p) => (p.sha256 === photo.sha256 ? after : p)) };
    await put(current);
    if (after.state === 'sent') await forgetPhotoBytes(entry.id, [after]);
  }
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
  // Then the photos of what is delivered: a report never waits for its photos.
  for (const entry of await values<OutboxEntry>(store)) {
    if (entry.state !== 'delivered' || photosWaiting(entry.photos).length === 0) continue;
    if (!currentToken() || !belongsToCaller(entry) || !navigator.onLine) continue;
    await sendPhotos(entry, force);
  }
};

const scheduleNext = async (): Promise<void> => {
  clearTimeout(timer);
  const entries = await values<OutboxEntry>(store);
  const due = [
    ...entries.filter((e) => e.state === 'waiting').map((e) => Math.max(e.nextAttemptAt, e.notBefore ?? 0)),
    ...entries
      .filter((e) => e.state === 'delivered')
      .flatMap((e) => photosWaiting(e.photos).map((photo) => photo.nextAttemptAt)),
  ];
  if (due.length === 0) return;
  const next = Math.min(...due);
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
    const done = entry.state === 'delivered' && photosWaiting(entry.photos).length === 0;
    if (done && (entry.deliveredAt ?? 0) < Date.now() - DELIVERED_KEPT_MS) {
      await forgetPhotoBytes(entry.id, entry.photos ?? []);
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
