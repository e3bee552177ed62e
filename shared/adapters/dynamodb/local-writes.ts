/**
 * Word, inside one process, that it has just written to DynamoDB Local: the local twin's stream
 * poller reads the stream at once on it instead of at its next idle read, so it can read seldom
 * while nothing happens without making any write wait for it. The commit barrier's clients (the
 * local runtime's, `commit-barrier.ts`) announce their writes; on AWS nothing announces or listens.
 *
 * Kept on `globalThis`: a handler imported by file URL and the runtime that imported it must
 * share it even where a loader gives the two their own copy of this module.
 */
const LISTENERS = Symbol.for('incident-pipeline.local-write-listeners');
const registry = globalThis as { [LISTENERS]?: Set<() => void> };
registry[LISTENERS] ??= new Set();
const listeners = registry[LISTENERS];

/** Calls `listener` after every announced write until the returned function is called. */
export const onLocalWrite = (listener: () => void): (() => void) => {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
};

/** Tells every listener that a write has been answered (and, for a transaction, committed). */
export const announceLocalWrite = (): void => {
  for (const listener of listeners) listener();
};
