/**
 * The officer directory as a batch of notifications reads it: each office read once per batch,
 * instead of once per message that names it (a province office is named by most of a burst's
 * escalations). Deciding a batch on the directory as read after the batch began changes nothing:
 * every event in it happened before then, and who is told is chosen by the event's time, so a
 * version put on record later could only be one that none of these events may use. The SMS
 * worker reads the phones the same way: "the phone on record now" is the phone on record when its
 * batch began, a second or so before each SMS goes out.
 */
import type { DirectoryHistory } from '../domain/officers';
import type { OfficerDirectory } from '../ports/officer-directory';

export interface DirectoryPerBatch {
  readonly directory: OfficerDirectory;
  /** Called as each batch begins: what was read for the batches before is forgotten. */
  newBatch(): void;
}

export const makeDirectoryPerBatch = (directory: OfficerDirectory): DirectoryPerBatch => {
  const read = new Map<string, Promise<DirectoryHistory>>();
  return {
    directory: {
      ofOffice(office) {
        const known = read.get(office);
        if (known) return known;
        const reading = directory.ofOffice(office);
        read.set(office, reading);
        // A failed read is not remembered: the next message that names the office reads it again.
        reading.catch(() => {
          if (read.get(office) === reading) read.delete(office);
        });
        return reading;
      },
      replaceOffices: (...args) => directory.replaceOffices(...args),
    },
    newBatch: () => read.clear(),
  };
};
