/**
 * `npm run officers -- import FILE` loads the officer directory (JSON or CSV, by the file's
 * ending) into the local pipeline: every row is checked first, and a bad row stops the import
 * with its line named — nothing is half-imported. Uses the running runtime's DynamoDB Local if
 * there is one, otherwise starts one on DATA_DIR.
 *
 * With a runtime running, it then syncs the officers' subscriptions on its officer-notifications
 * topic in fauxqs, as the import function does on AWS, and prints what changed. Without one there
 * is nothing to sync: fauxqs, and the subscriptions in it, live only while `npm start` runs.
 *
 * Unlike the import function it subscribes without a dead-letter queue: fauxqs keeps email, SMS and
 * webhook subscriptions but never delivers to them (nor gives up on them), so the local runtime has
 * no officer-delivery dead-letter queue to name.
 */
import { readFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { importCommandLine } from './import-command-line';

const usage =
  'usage: npm run officers -- import FILE [--encoding utf-8|gb18030] [--effective ISO-INSTANT]   (FILE is .json or .csv; effective now if not given)';
const { file, encoding, effective } = importCommandLine(usage);

const { ListTopicsCommand, SNSClient } = await import('@aws-sdk/client-sns');
const { makeDynamoOfficerDirectory } = await import('../../shared/adapters/dynamodb/officer-directory');
const { makeSnsSubscriptionRegistry } = await import('../../shared/adapters/sns/officer-subscriptions');
const { makeImportOfficers, SubscriptionSyncFailed } = await import('../../shared/application/officers');
const { DomainError } = await import('../../shared/domain/errors');
const { systemClock } = await import('../../shared/adapters/system');
const { decodeFile } = await import('../../shared/schemas/csv');
const { directoryRows } = await import('../../shared/schemas/officers');
const { LOCAL_REGION, localCredentials } = await import('./aws-local');
const { connectToLocalDynamoDb } = await import('./local-dynamodb-connection');
const { tables, topics } = await import('../resources');
type SubscriptionChange = import('../../shared/application/officer-subscriptions').SubscriptionChange;

/**
 * The running runtime's officer-notifications topic in fauxqs. runtime.json names the messaging
 * endpoint and the tables but not the topics; a topic's name carries the same prefix as the
 * tables' (tests namespace each runtime's resources), so it is found among fauxqs's topics by it.
 */
const runningOfficerTopic = async (dataDir: string, officersTable: string) => {
  const { messaging } = JSON.parse(readFileSync(join(dataDir, 'runtime.json'), 'utf8')) as { messaging?: string };
  if (!messaging) return undefined;
  const client = new SNSClient({ endpoint: messaging, region: LOCAL_REGION, credentials: localCredentials });
  const prefix = officersTable.endsWith(tables.officers.localName)
    ? officersTable.slice(0, -tables.officers.localName.length)
    : '';
  const name = `${prefix}${topics.officerNotifications.localName}`;
  let token: string | undefined;
  do {
    const page = await client.send(new ListTopicsCommand({ NextToken: token }));
    const topicArn = page.Topics?.find((t) => t.TopicArn?.endsWith(`:${name}`))?.TopicArn;
    if (topicArn) return { client, topicArn };
    token = page.NextToken;
  } while (token);
  client.destroy();
  return undefined;
};

const CHANGE_MARK = { added: '+', updated: '~', removed: '-' } as const;

const changeLine = ({ change, subscription }: SubscriptionChange): string =>
  `  ${CHANGE_MARK[change]} ${subscription.protocol} ${subscription.endpoint} ` +
  `for ${subscription.filterPolicy.personId.join(', ') || 'nobody'}` +
  (change === 'updated' ? ` (undelivered notifications now go to ${subscription.deadLetterTarget})` : '');

// The bytes as they are, so that a GB18030 file is read as GB18030, not as broken UTF-8.
const decoded = decodeFile(readFileSync(file), encoding);
const { rows, problems } = decoded.ok
  ? directoryRows(decoded.text, extname(file).toLowerCase() === '.csv' ? 'csv' : 'json')
  : { rows: [], problems: [decoded.problem] };
// Said only when it was not UTF-8, so that an office's GB18030 export is seen to be read as such.
const readAs = decoded.ok && decoded.encoding !== 'utf-8' ? ` (read as ${decoded.encoding.toUpperCase()})` : '';
const dataDir = resolve(process.env.DATA_DIR ?? '.data');
const connection = await connectToLocalDynamoDb(dataDir);
const changes: SubscriptionChange[] = [];
let topic: Awaited<ReturnType<typeof runningOfficerTopic>>;
try {
  // Only a running runtime has a fauxqs, and only it announces its tables.
  if (connection.tables?.officers) topic = await runningOfficerTopic(dataDir, connection.tables.officers);
  const { client } = connection;
  const table = connection.table('officers');
  const importOfficers = makeImportOfficers({
    directory: makeDynamoOfficerDirectory({ client, table }),
    clock: systemClock,
    ...(topic ? { subscriptions: makeSnsSubscriptionRegistry(topic) } : {}),
    onSubscriptionChange: (change) => changes.push(change),
  });
  const result = await importOfficers(rows, problems, effective ? { effectiveAt: effective } : {});
  console.log(
    `imported ${result.officers} officers and ${result.shifts} shifts for ${result.offices} offices from ${file}${readAs}, in effect from ${result.effectiveAt}`,
  );
  if (result.subscriptions) {
    const { added, kept, removed } = result.subscriptions;
    console.log(`subscriptions on officer-notifications: ${added} added, ${kept} kept, ${removed} removed`);
    for (const change of changes) console.log(changeLine(change));
  } else {
    console.log('subscriptions not synced: no local runtime (`npm start`) is running, and only it has fauxqs');
  }
} catch (error) {
  if (error instanceof SubscriptionSyncFailed) {
    console.error(error.message);
    if (changes.length > 0) console.error('changed before it failed:');
    for (const change of changes) console.error(changeLine(change));
    process.exitCode = 1;
  } else if (error instanceof DomainError) {
    console.error(error.message);
    for (const detail of error.details ?? []) console.error(`  ${detail.problem}`);
    process.exitCode = 1;
  } else {
    throw error;
  }
} finally {
  topic?.client.destroy();
  await connection.stop();
}
