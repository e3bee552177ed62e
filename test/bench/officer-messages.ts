/**
 * What reached the officers in a `bench:pipeline` run, counted where the local runtime leaves it
 * in its data folder: every message published to the officer-notifications topic lands in the
 * officer inbox (`inbox.jsonl`, its queue subscribed to every message), and every SMS the stand-in
 * provider accepted in its outbox (`sms-outbox.jsonl`). The cost model prices these counts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface OfficerMessages {
  /** Messages published to the officer-notifications topic: one per person told. */
  readonly published: number;
  /** SMS the SMS worker sent through the provider (the stand-in here). */
  readonly sms: number;
  /**
   * Published messages for a person with an e-mail address: what SNS delivers to the e-mail
   * subscriptions on AWS. fauxqs keeps e-mail subscriptions but delivers nothing to them.
   */
  readonly email: number;
}

const linesOf = (file: string): string[] =>
  existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];

export const officerMessagesIn = (dataDir: string): OfficerMessages => {
  const inbox = linesOf(join(dataDir, 'inbox.jsonl')).map((line) => JSON.parse(line) as { channels?: string[] });
  return {
    published: inbox.length,
    sms: linesOf(join(dataDir, 'sms-outbox.jsonl')).length,
    email: inbox.filter((message) => message.channels?.includes('email')).length,
  };
};
