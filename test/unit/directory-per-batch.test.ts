/**
 * The notification consumer reads each office's directory once per batch: messages of one batch
 * that name the same office share one read, a new batch reads again (so an import is seen by the
 * next batch), and a read that failed is not kept.
 */
import { describe, expect, it } from 'vitest';
import { makeDirectoryPerBatch } from '../../shared/application/directory-per-batch';
import type { DirectoryHistory } from '../../shared/domain/officers';
import type { OfficerDirectory } from '../../shared/ports/officer-directory';

/** A directory that answers each office's read with the number of reads so far, failing when told. */
const countingDirectory = () => {
  const reads: string[] = [];
  let failNext = false;
  const directory: OfficerDirectory = {
    async ofOffice(office) {
      reads.push(office);
      if (failNext) {
        failNext = false;
        throw new Error('throttled');
      }
      return { versions: [], read: reads.length } as unknown as DirectoryHistory;
    },
    replaceOffices: async () => undefined,
  };
  return { directory, reads, failOnce: () => (failNext = true) };
};

describe('makeDirectoryPerBatch', () => {
  it('reads an office once per batch, even for messages handled at the same time', async () => {
    const source = countingDirectory();
    const officers = makeDirectoryPerBatch(source.directory);
    officers.newBatch();
    const [a, b] = await Promise.all([officers.directory.ofOffice('420000'), officers.directory.ofOffice('420000')]);
    await officers.directory.ofOffice('420100');
    expect(a).toBe(b);
    expect(source.reads).toEqual(['420000', '420100']);

    // The next batch reads again: what was imported meanwhile is seen.
    officers.newBatch();
    await officers.directory.ofOffice('420000');
    expect(source.reads).toEqual(['420000', '420100', '420000']);
  });

  it('does not keep a failed read: the next message naming the office reads it again', async () => {
    const source = countingDirectory();
    const officers = makeDirectoryPerBatch(source.directory);
    officers.newBatch();
    source.failOnce();
    await expect(officers.directory.ofOffice('420000')).rejects.toThrow('throttled');
    await expect(officers.directory.ofOffice('420000')).resolves.toMatchObject({ versions: [] });
    expect(source.reads).toEqual(['420000', '420000']);
  });
});
