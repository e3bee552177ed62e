/**
 * The local twins of the event sources and schedules of `infra/workers.ts`: the Step Functions
 * service the timers run on, the stream poller that feeds the fan-out, a poller per consumer
 * queue, the intervals of the scheduled workers (the deadline sweeper, the zero-report cut-off
 * check), and the re-arming of timers lost with the last stop.
 * Each calls the same handler file its Lambda runs.
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
import { makeIncidentStore } from '../../shared/adapters/dynamodb';
import { EVENT_SK_PREFIX } from '../../shared/adapters/dynamodb/keys';
import { makeStepFunctionsTimerScheduler } from '../../shared/adapters/sfn/timer-scheduler';
import { makeRearmTimers } from '../../shared/application/escalation';
import type { IncidentEvent } from '../../shared/domain/incident';
import type { Policy } from '../../shared/domain/policy/policy';
import { type WorkerName, workerFunctions } from '../workers';
import { LOCAL_REGION, localCredentials } from './aws-local';
import { describeEvent } from './event-log';
import { deliveredToSqs } from './fauxqs';
import { lambdaContext } from './lambda-context';
import type { LocalResources } from './provision';
import { startQueuePoller } from './queue-poller';
import { LOCAL_STATE_MACHINE_ARN, startLocalStepFunctions } from './step-functions';
import { startStreamPoller } from './stream-poller';

type WorkerHandler = (event: unknown, context: Context) => Promise<unknown>;

/** A quarter of the policy's shortest limit, kept between 1 s and 60 s. */
const defaultSweepInterval = (policy: Policy): number =>
  Math.max(1_000, Math.min(60_000, Math.min(...Object.values(policy.limits)) / 4));

export interface LocalWorkersContext {
  readonly resources: LocalResources;
  readonly dynamodbEndpoint: string;
  readonly dynamodb: DynamoDBClient;
  readonly sqs: SQSClient;
  readonly policy: Policy;
  readonly log: (line: string) => void;
  readonly loadHandler: <H>(entry: string) => Promise<H>;
  readonly sweepIntervalMs?: number;
  /** How often the zero-report cut-off check runs; by default its schedule on AWS (every minute). */
  readonly zeroReportCheckIntervalMs?: number;
  readonly skipRearm?: boolean;
  /** Where the officer inbox is kept (`inbox.jsonl`), for `npm run inbox`. */
  readonly dataDir: string;
}

export interface LocalWorkers {
  readonly sweepIntervalMs: number;
  readonly zeroReportCheckIntervalMs: number;
  timers(): Record<'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED', number>;
  stop(): Promise<void>;
}

/** Starts every worker; the handlers' environment must already point at the local engines. */
export const startLocalWorkers = async (context: LocalWorkersContext): Promise<LocalWorkers> => {
  const cleanups: (() => Promise<void>)[] = [];
  const stop = async (): Promise<void> => {
    while (cleanups.length > 0) await cleanups.pop()?.();
  };
  try {
    // The state machine's task runs the timer handler; the other workers need the state
    // machine's endpoint in their environment before they load.
    const worker = async (name: WorkerName) => {
      const handler = await context.loadHandler<WorkerHandler>(workerFunctions[name].entry);
      return (event: unknown) => handler(event, lambdaContext(name, 60_000));
    };
    const timerTask = await worker('obligationTimer');
    const stepFunctions = await startLocalStepFunctions({
      task: timerTask,
      onFailure: (name, error) => context.log(`timer ${name} failed: ${error}`),
    });
    cleanups.push(stepFunctions.stop);
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_SFN: stepFunctions.endpoint,
      ESCALATION_STATE_MACHINE_ARN: LOCAL_STATE_MACHINE_ARN,
    });

    const publishEvents = await worker('publishEvents');
    const { Table } = await context.dynamodb.send(
      new DescribeTableCommand({ TableName: context.resources.tables.incidents }),
    );
    if (!Table?.LatestStreamArn) throw new Error('the Incidents table has no stream');
    const streamPoller = await startStreamPoller({
      endpoint: context.dynamodbEndpoint,
      streamArn: Table.LatestStreamArn,
      batchSize: workerFunctions.publishEvents.source.batchSize,
      // Only what is appended from now on: what was appended before is covered by re-arming the
      // timers below and by rebuilding the projections from the log.
      startAt: 'LATEST',
      consumer: async (event: DynamoDBStreamEvent) => {
        for (const record of event.Records) {
          const image = record.dynamodb?.NewImage;
          if (record.eventName !== 'INSERT' || !image) continue;
          const item = unmarshall(image as Record<string, AttributeValue>);
          if (typeof item.sk === 'string' && item.sk.startsWith(EVENT_SK_PREFIX)) {
            context.log(describeEvent(item as unknown as IncidentEvent));
          }
        }
        return (await publishEvents(event)) as { batchItemFailures?: { itemIdentifier: string }[] };
      },
      onParked: (record, error) => context.log(`stream record ${record.dynamodb?.SequenceNumber} parked: ${error}`),
    });
    // Pollers stop together: each may be in a one-second long poll, and they do not depend on one another.
    const pollers: { stop(): Promise<void> }[] = [streamPoller];
    cleanups.push(async () => {
      await Promise.all(pollers.map((p) => p.stop()));
    });

    for (const [name, def] of Object.entries(workerFunctions) as [WorkerName, (typeof workerFunctions)[WorkerName]][]) {
      if (def.source.kind !== 'queue') continue;
      const queue = context.resources.queues[def.source.queue];
      const consumer = await worker(name);
      const poller = startQueuePoller({
        client: context.sqs,
        queueUrl: queue.url,
        queueArn: queue.arn,
        batchSize: def.source.batchSize,
        batchingWindowMs: 'batchingWindowSeconds' in def.source ? def.source.batchingWindowSeconds * 1000 : 0,
        consumer: async (event) => (await consumer(event)) as { batchItemFailures?: { itemIdentifier: string }[] },
      });
      pollers.push(poller);
    }

    // Timers live in memory here: give every pending obligation its timer back.
    const sfnClient = new SFNClient({
      region: LOCAL_REGION,
      credentials: localCredentials,
      endpoint: stepFunctions.endpoint,
    });
    cleanups.push(async () => sfnClient.destroy());
    if (!context.skipRearm) {
      const rearm = makeRearmTimers({
        incidents: makeIncidentStore({ INCIDENTS_TABLE: context.resources.tables.incidents }),
        scheduler: makeStepFunctionsTimerScheduler({ client: sfnClient, stateMachineArn: LOCAL_STATE_MACHINE_ARN }),
        policy: context.policy,
      });
      const armed = await rearm();
      if (armed > 0) context.log(`re-armed ${armed} deadline timer${armed === 1 ? '' : 's'} of pending obligations`);
    }

    const sweepIntervalMs = context.sweepIntervalMs ?? defaultSweepInterval(context.policy);
    const scheduled = async (name: WorkerName, intervalMs: number, report: (result: unknown) => void = () => {}) => {
      const run = await worker(name);
      // One run at a time, as an overlapping run would only queue behind the same conditional writes.
      let running: Promise<void> | undefined;
      const timer = setInterval(() => {
        if (running) return;
        running = run({ source: 'local.scheduler', 'detail-type': 'Scheduled Event' })
          .then(report)
          .catch((error: unknown) => context.log(`${name} failed: ${(error as Error).message}`))
          .finally(() => {
            running = undefined;
          });
      }, intervalMs);
      cleanups.push(async () => {
        clearInterval(timer);
        // Let a run in progress finish before the engines it writes to go away.
        await running;
      });
    };
    await scheduled('sweepDeadlines', sweepIntervalMs);
    const zeroReportCheckIntervalMs =
      context.zeroReportCheckIntervalMs ?? workerFunctions.checkZeroReports.source.everyMinutes * 60_000;
    await scheduled('checkZeroReports', zeroReportCheckIntervalMs, (result) => {
      const { missed = 0, notified = 0 } = (result ?? {}) as { missed?: number; notified?: number };
      if (missed > 0 || notified > 0) {
        context.log(`zero reports: ${missed} missed at the cut-off, ${notified} county offices told`);
      }
    });

    // The officer inbox: every notification as it is sent, on the console and in a file that
    // `npm run inbox -- --office CODE` reads.
    const inboxFile = join(context.dataDir, 'inbox.jsonl');
    const inbox = startQueuePoller({
      client: context.sqs,
      queueUrl: context.resources.queues.officerInbox.url,
      queueArn: context.resources.queues.officerInbox.arn,
      batchSize: 10,
      consumer: async (event) => {
        for (const record of event.Records) {
          const n = JSON.parse(deliveredToSqs(record.body)) as {
            personId: string;
            role: string;
            office: string;
            text: string;
          };
          appendFileSync(inboxFile, `${JSON.stringify({ receivedAt: new Date().toISOString(), ...n })}\n`);
          context.log(`notify ${n.personId} (${n.role}, ${n.office}): ${n.text}`);
        }
        return { batchItemFailures: [] };
      },
    });
    pollers.push(inbox);

    return { sweepIntervalMs, zeroReportCheckIntervalMs, timers: () => stepFunctions.counts(), stop };
  } catch (error) {
    await stop();
    throw error;
  }
};
