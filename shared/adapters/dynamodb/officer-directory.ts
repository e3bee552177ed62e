/**
 * The officer directory in the Officers table, with its history: `OFFICE#<code>` holds one item
 * per version of the office (`AS_OF#<effectiveAt>`, its officers and roster whole), so one query
 * answers who was responsible and on duty at any instant. An office's directory is a few dozen
 * people and shifts, far inside an item's 400 KB. A version is only ever added, never changed.
 */
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { BEFORE_HISTORY, type DirectoryVersion, type Officer, type Shift } from '../../domain/officers';
import type { OfficerDirectory } from '../../ports/officer-directory';
import { directoryVersionSk, officePk } from './keys';
import { readVersions, withoutKeys } from './versions';

type Item = Record<string, unknown>;

/**
 * The office's items from before the directory kept history (`OFFICER#` and `SHIFT#`), as the
 * version in effect before every other: they were the directory then, and are not rewritten.
 */
const versionBeforeHistory = (items: readonly Item[]): DirectoryVersion | undefined => {
  const officers = items.filter((i) => String(i.sk).startsWith('OFFICER#')).map((i) => withoutKeys<Officer>(i));
  const roster = items.filter((i) => String(i.sk).startsWith('SHIFT#')).map((i) => withoutKeys<Shift>(i));
  return officers.length + roster.length > 0 ? { effectiveAt: BEFORE_HISTORY, officers, roster } : undefined;
};

export const makeDynamoOfficerDirectory = (config: {
  readonly client: DynamoDBDocumentClient;
  readonly table: string;
}): OfficerDirectory => {
  const { client, table } = config;

  return {
    async ofOffice(office) {
      const { versions, before } = await readVersions<DirectoryVersion>(client, table, officePk(office));
      const first = versionBeforeHistory(before);
      return { versions: first ? [first, ...versions] : versions };
    },

    async replaceOffices(offices, officers, roster, effectiveAt) {
      // One item per office: an office's new version is written whole or not at all, and a reader
      // finds either the version before it or this one, never half of it.
      for (const office of offices) {
        const version: DirectoryVersion = {
          effectiveAt: effectiveAt.toISOString(),
          officers: officers.filter((o) => o.office === office),
          roster: roster.filter((s) => s.office === office),
        };
        await client.send(
          new PutCommand({
            TableName: table,
            Item: { pk: officePk(office), sk: directoryVersionSk(effectiveAt), ...version },
          }),
        );
      }
    },
  };
};
