/**
 * The duty desk's live state: the board, kept current by polling the API's cheap "changed since"
 * read every few seconds; one clock for every countdown, on the server's time; and the
 * announcements of a new arrival, a reminder point reached and a deadline missed.
 */
import { computed, effect, signal } from '@preact/signals';
import { byUrgency, nextDeadlineOf } from '../../../../shared/domain/board-order';
import { type ApiFailure, request } from '../../api/client';
import type { BoardAnswer, BoardRow } from '../../api/types';
import { t } from '../../i18n/i18n';
import { durationText, regionName } from '../../lib/words';

/** How often the board asks what changed: well inside the 5 s a new arrival may take to show. */
export const POLL_MS = 2_000;
const PAGE = 100;
const MAX_LIMIT = 500;

const rows = signal<ReadonlyMap<string, BoardRow>>(new Map());
export const boardRows = computed(() => [...rows.value.values()].sort(byUrgency));
export const boardLoaded = signal(false);
export const boardFailure = signal<ApiFailure | undefined>(undefined);
export const boardTotal = signal(0);
export const lastUpdated = signal<string | undefined>(undefined);
const limit = signal(PAGE);

/** Server time minus this device's time, from the last answer: countdowns run on the server's clock. */
const offsetMs = signal(0);
const tick = signal(Date.now());
/** Now, on the server's clock, moving every second while a desk screen is open. */
export const serverNow = computed(() => tick.value + offsetMs.value);

export interface Announcement {
  readonly id: string;
  readonly kind: 'arrival' | 'escalation' | 'reminder' | 'missed';
  readonly text: () => string;
}

export const announcements = signal<readonly Announcement[]>([]);
const announced = new Set<string>();

const SOUND_KEY = 'console.deskSound';
const readSound = (): boolean => {
  try {
    return localStorage.getItem(SOUND_KEY) === 'on';
  } catch {
    return false;
  }
};
/** Off unless the officer turned it on (remembered on this device). */
export const soundOn = signal(readSound());
let audio: AudioContext | undefined;

export const setSound = (on: boolean): void => {
  soundOn.value = on;
  // Created on the officer's own click, so the browser lets it play later.
  if (on) audio ??= new AudioContext();
  try {
    localStorage.setItem(SOUND_KEY, on ? 'on' : 'off');
  } catch {
    // Without storage the choice lasts until the page is closed.
  }
};

const beep = (urgent: boolean): void => {
  if (!soundOn.value || !audio) return;
  const oscillator = audio.createOscillator();
  oscillator.frequency.value = urgent ? 880 : 660;
  oscillator.connect(audio.destination);
  oscillator.start();
  oscillator.stop(audio.currentTime + (urgent ? 0.6 : 0.2));
};

export const subjectOf = (row: Pick<BoardRow, 'regionCode' | 'subtype'>): string =>
  t('desk.board.subject', { place: regionName(row.regionCode), subtype: row.subtype });

const announce = (key: string, kind: Announcement['kind'], text: () => string): void => {
  if (announced.has(key)) return;
  announced.add(key);
  announcements.value = [{ id: key, kind, text }, ...announcements.value].slice(0, 5);
  beep(kind === 'missed' || kind === 'escalation');
};

export const dismiss = (id: string): void => {
  announcements.value = announcements.value.filter((a) => a.id !== id);
};

/** A row needs the office: not yet acknowledged, or a duty of its own still to meet. */
export const needsAction = (row: BoardRow): boolean => row.acknowledgedAt === null || nextDeadlineOf(row) !== undefined;

export const needingAction = computed(() => boardRows.value.filter(needsAction).length);

/** The reminder points and deadlines the clock has just passed, each announced once. */
const checkDeadlines = (now: number): void => {
  for (const row of rows.value.values()) {
    for (const duty of row.duties) {
      if (duty.status !== 'pending' && duty.status !== 'missed') continue;
      const handover = () => t(`desk.handover.${duty.handover}`);
      if (Date.parse(duty.dueAt) < now) {
        announce(`${duty.obligationId}:missed`, 'missed', () =>
          t('desk.board.announce.missed', { subject: subjectOf(row), handover: handover() }),
        );
      } else if (duty.remindAt && Date.parse(duty.remindAt) <= now) {
        announce(`${duty.obligationId}:reminder`, 'reminder', () =>
          t('desk.board.announce.reminder', {
            subject: subjectOf(row),
            handover: handover(),
            left: durationText(Date.parse(duty.dueAt) - serverNow.value),
          }),
        );
      }
    }
  }
};

const merge = (answer: BoardAnswer, first: boolean): void => {
  const next = new Map(first ? [] : rows.value);
  for (const row of answer.items) {
    const known = next.get(row.incidentId);
    if (known && known.version >= row.version) continue;
    if (!known && !first) {
      const grade = () => t(`grade.${row.grade}`);
      if (row.arrival === 'escalation') {
        announce(`${row.incidentId}:arrival`, 'escalation', () =>
          t('desk.board.announce.escalation', { subject: subjectOf(row), grade: grade() }),
        );
      } else {
        announce(`${row.incidentId}:arrival`, 'arrival', () =>
          t('desk.board.announce.arrival', { subject: subjectOf(row), grade: grade() }),
        );
      }
    }
    if (first) announced.add(`${row.incidentId}:arrival`);
    next.set(row.incidentId, row);
  }
  for (const id of answer.removed) next.delete(id);
  rows.value = next;
  if (answer.total !== undefined) boardTotal.value = answer.total;
  offsetMs.value = Date.parse(answer.asOf) - Date.now();
  lastUpdated.value = answer.asOf;
};

let since: string | undefined;
let timer: ReturnType<typeof setTimeout> | undefined;
let ticker: ReturnType<typeof setInterval> | undefined;
let users = 0;
/** Each (re)start of the polling loop; an answer to an older loop's request is dropped. */
let loop = 0;

const poll = async (): Promise<void> => {
  const mine = loop;
  const started = Date.now();
  const first = since === undefined;
  const query = first ? `?limit=${limit.value}` : `?since=${encodeURIComponent(since ?? '')}`;
  const result = await request<BoardAnswer>('GET', `/v1/desk/board${query}`, { timeoutMs: 10_000 });
  if (users === 0 || mine !== loop) return;
  if (result.ok) {
    merge(result.body, first);
    since = result.body.pollSince;
    boardLoaded.value = true;
    boardFailure.value = undefined;
  } else {
    boardFailure.value = result;
  }
  // At a steady rate, not a pause after each answer: a slow answer must not stretch the time a
  // new arrival waits to be asked for.
  timer = setTimeout(() => void poll(), Math.max(POLL_MS - (Date.now() - started), 250));
};

/** Reads more of the board (the most urgent first) and carries on polling from there. */
export const showMore = (): void => {
  limit.value = Math.min(limit.value + PAGE, MAX_LIMIT);
  since = undefined;
  restart();
};

const restart = (): void => {
  loop += 1;
  clearTimeout(timer);
  void poll();
};

export const canShowMore = computed(() => boardTotal.value > rows.value.size && limit.value < MAX_LIMIT);

/**
 * Starts the clock and, with `poll`, the board's polling, for as long as a desk screen is open;
 * the returned function stops them when the last one closes. The page title carries the count of
 * items needing action meanwhile.
 */
export const useDesk = (): (() => void) => {
  users += 1;
  // A browser plays sound only after a gesture on the page: with the sound left on from an earlier
  // visit, the officer's first click or key here unlocks it.
  if (soundOn.value && !audio) {
    const unlock = () => {
      audio ??= new AudioContext();
    };
    document.addEventListener('pointerdown', unlock, { once: true });
    document.addEventListener('keydown', unlock, { once: true });
  }
  if (users === 1) {
    ticker = setInterval(() => {
      tick.value = Date.now();
      checkDeadlines(serverNow.value);
    }, 1_000);
    restart();
  }
  const stopTitle = effect(() => {
    const count = needingAction.value;
    const title = `${t('desk.board.title')} · ${t('app.name')}`;
    document.title = boardLoaded.value && count > 0 ? t('desk.board.titleCount', { count, title }) : title;
  });
  return () => {
    stopTitle();
    users -= 1;
    if (users > 0) return;
    clearInterval(ticker);
    clearTimeout(timer);
    loop += 1;
    since = undefined;
    document.title = t('app.name');
  };
};

/** After an action, ask at once rather than at the next poll. */
export const refreshBoard = (): void => {
  if (users > 0) restart();
};
