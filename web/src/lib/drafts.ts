/**
 * What is being typed, kept on the device as it is typed: a lost connection, an expired sign-in or
 * a closed tab never loses a form. A draft is removed once its report is in the outbox.
 */
import { createStore, del, get, set } from 'idb-keyval';

const store = createStore('incident-console-drafts', 'drafts');

export const loadDraft = <T>(key: string): Promise<T | undefined> => get<T>(key, store).catch(() => undefined);

let pending: ReturnType<typeof setTimeout> | undefined;

/** Saves shortly after the last keystroke. */
export const saveDraft = (key: string, value: unknown): void => {
  clearTimeout(pending);
  pending = setTimeout(() => void set(key, value, store).catch(() => undefined), 300);
};

export const dropDraft = async (key: string): Promise<void> => {
  clearTimeout(pending);
  await del(key, store).catch(() => undefined);
};
