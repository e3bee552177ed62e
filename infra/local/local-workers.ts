/**
 * The local twins of the event sources of `infra/workers.ts`: every worker is driven by the kind of
 * its source, as AWS drives it — the Step Functions service runs the escalation state machine's
 * tasks, a stream poller per stream consumer, a queue poller per queue consumer, an interval per
 * scheduled worker — and the timers lost with the last stop are re-armed. Each driver calls the
 * same handler file its Lambda runs.
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Context, DynamoDBStreamEvent, SQSEvent } from 'aws-lambda';
import { makeIncidentStore } from '../../shared/adapters/dynamodb';
import { eventFromStreamRecord } from '../../shared/adapters/dynamodb/stream-events';
import { attributeWritesTo } from '../../shared/adapters/dynamodb/write-counter';
import { makeStepFunctionsTimerScheduler } from '../../shared/adapters/sfn/timer-scheduler';
import { makeRearmTimers } from '../../shared/application/escalation';
import type { Policy } from '../../shared/domain/policy/policy';
import { incidentEventSchema } from '../../shared/schemas/events';
import type { QueueName } from '../resources';
import { entriesOf } from '../stacks/records';
import { type WorkerDef, type WorkerName, type WorkerSource, workerFunctions } from '../workers';
import { LOCAL_REGION, localCredentials } from './aws-local';
import { describeEvent } from './event-log';
import { lambdaContext } from './lambda-context';
import type { LocalResources } from './provision';
import { startQueuePoller } from './queue-poller';
import { LOCAL_STATE_MACHINE_ARN, type LocalStepFunctions, startLocalStepFunctions } from './step-functions';
import { startStreamPoller } from './stream-poller';

type WorkerHandler = (event: unknown, context: Context) => Promise<unknown>;
/** A worker's handler, called as its Lambda would be. */
type Invoke = (event: unknown) => Promise<unknown>;
/** What a stream or queue consumer answers: the records to retry. */
type BatchResponse = { batchItemFailures?: { itemIdentifier: string }[] } | undefined;

/**
 * How often the SMS delivery reports are pulled here: the stand-in provider has each report as soon
 * as it accepts the message, so a minute, as on AWS, would only keep a person waiting for it.
 */
const SMS_REPORT_PULL_INTERVAL_MS = 2_000;

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
  /**
   * How many consumers poll a queue at once, as Lambda scales an SQS event source out to several
   * concurrent invocations on AWS; one each by default.
   */
  readonly consumersPerQueue?: Partial<Record<QueueName, number>>;
}

export interface LocalWorkers {
  readonly sweepIntervalMs: number;
  timers(): Record<'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED', number>;
  stop(): Promise<void>;
}

export type SourceKind = WorkerSource['kind'];

/** A worker of `infra/workers.ts` whose source is of kind `K`. */
export interface LocalWorker<K extends SourceKind> {
  readonly name: WorkerName;
  readonly source: Extract<WorkerSource, { kind: K }>;
}

/** What drivers share: the twin's settings and engines, and the workers' handlers. */
export interface DriverContext {
  readonly twin: LocalWorkersContext;
  readonly stepFunctions: LocalStepFunctions;
  /** How often a scheduled worker runs here. */
  readonly intervalMs: (worker: LocalWorker<'schedule'>) => number;
  readonly handlerOf: (name: WorkerName) => Promise<Invoke>;
}

/** What a driver leaves running until the twin stops. */
export interface Running {
  stop(): Promise<void>;
}

/** How the twin invokes the workers fed by one kind of source, as AWS would. */
export interface LocalDriver<K extends SourceKind> {
  /** Starts invoking `workers`: every worker of `infra/workers.ts` whose source is of this kind. */
  drive(workers: readonly LocalWorker<K>[], context: DriverContext): Promise<Running>;
}

/** A kind of source that never fires on its own, so nothing drives its workers: says who invokes them. */
export interface NotDriven {
  readonly notDriven: string;
}

export type LocalDrivers = { readonly [K in SourceKind]: LocalDriver<K> | NotDriven };

// Pollers and schedules stop together: a poller may be in a one-second long poll, and they do not
// depend on one another.
const stoppedTogether = (running: readonly Running[]): Running => ({
  stop: async () => {
    await Promise.all(running.map((r) => r.stop()));
  },
});

/** One console line per event appended to the incident log, so a person sees the chain move. */
const logAppendedEvents = (event: DynamoDBStreamEvent, log: (line: string) => void): void => {
  for (const record of event.Records) {
    const parsed = incidentEventSchema.safeParse(eventFromStreamRecord(record));
    if (parsed.success) log(describeEvent(parsed.data));
  }
};

const stateMachineDriver: LocalDriver<'state-machine'> = {
  async drive(workers, { stepFunctions, handlerOf }) {
    // One state machine, the escalation, whose Task states all run one function.
    const [task, ...others] = workers;
    if (!task || others.length > 0) {
      throw new Error(`the escalation state machine runs one worker's tasks; infra/workers.ts names ${workers.length}`);
    }
    stepFunctions.bindTask(await handlerOf(task.name));
    // The service itself outlives its task: it is stopped with the twin.
    return { stop: async () => undefined };
  },
};

const streamDriver: LocalDriver<'stream'> = {
  async drive(workers, { twin, handlerOf }) {
    const pollers: Running[] = [];
    for (const { name, source } of workers) {
      const consumer = await handlerOf(name);
      const { Table } = await twin.dynamodb.send(
        new DescribeTableCommand({ TableName: twin.resources.tables[source.table] }),
      );
      if (!Table?.LatestStreamArn) throw new Error(`the ${source.table} table has no stream`);
      pollers.push(
        await startStreamPoller({
          endpoint: twin.dynamodbEndpoint,
          streamArn: Table.LatestStreamArn,
          batchSize: source.batchSize,
          // Only what is appended from now on: what was appended before is covered by re-arming the
          // timers and by rebuilding the projections from the log.
          startAt: 'LATEST',
          consumer: async (event) => {
            if (source.table === 'incidents') logAppendedEvents(event, twin.log);
            return (await consumer(event)) as BatchResponse;
          },
          onParked: (record, error) => twin.log(`stream record ${record.dynamodb?.SequenceNumber} parked: ${error}`),
        }),
      );
    }
    return stoppedTogether(pollers);
  },
};

const queueDriver: LocalDriver<'queue'> = {
  async drive(workers, { twin, handlerOf }) {
    const pollers: Running[] = [];
    for (const { name, source } of workers) {
      const queue = twin.resources.queues[source.queue];
      const consumer = await handlerOf(name);
      const consumers = twin.consumersPerQueue?.[source.queue] ?? 1;
      for (let n = 0; n < consumers; n++) {
        pollers.push(
          startQueuePoller({
            client: twin.sqs,
            queueUrl: queue.url,
            queueArn: queue.arn,
            batchSize: source.batchSize,
            batchingWindowMs: (source.batchingWindowSeconds ?? 0) * 1000,
            consumer: async (event: SQSEvent) => (await consumer(event)) as BatchResponse,
          }),
        );
      }
    }
    return stoppedTogether(pollers);
  },
};

/** What a scheduled run's result is worth a console line, by worker. */
const scheduledRunLines: Partial<Record<WorkerName, (result: unknown) => string | undefined>> = {
  checkZeroReports: (result) => {
    const { missed = 0, notified = 0 } = (result ?? {}) as { missed?: number; notified?: number };
    return missed > 0 || notified > 0
      ? `zero reports: ${missed} missed at the cut-off, ${notified} county offices told`
      : undefined;
  },
  recordSmsReports: (result) => {
    const { recorded = 0, failed = 0 } = (result ?? {}) as { recorded?: number; failed?: number };
    return recorded > 0 ? `sms reports: ${recorded} recorded, ${failed} not delivered` : undefined;
  },
};

const scheduleDriver: LocalDriver<'schedule'> = {
  async drive(workers, { twin, handlerOf, intervalMs }) {
    const schedules: Running[] = [];
    for (const worker of workers) {
      const run = await handlerOf(worker.name);
      const line = scheduledRunLines[worker.name];
      // One run at a time, as an overlapping run would only queue behind the same conditional writes.
      let running: Promise<void> | undefined;
      const timer = setInterval(() => {
        if (running) return;
        running = run({ source: 'local.scheduler', 'detail-type': 'Scheduled Event' })
          .then((result) => {
            const said = line?.(result);
            if (said) twin.log(said);
          })
          .catch((error: unknown) => twin.log(`${worker.name} failed: ${(error as Error).message}`))
          .finally(() => {
            running = undefined;
          });
      }, intervalMs(worker));
      schedules.push({
        stop: async () => {
          clearInterval(timer);
          // Let a run in progress finish before the engines it writes to go away.
          await running;
        },
      });
    }
    return stoppedTogether(schedules);
  },
};

/**
 * The twin's driver for every kind of source a worker can have, keyed by kind: a kind added to
 * `WorkerSource` does not compile until it is given a driver here, or declared as not driven.
 * They start in the order written: the timer worker is bound to the state machine before the queue
 * consumer that starts timers runs.
 */
export const localDrivers: LocalDrivers = {
  'state-machine': stateMachineDriver,
  stream: streamDriver,
  queue: queueDriver,
  schedule: scheduleDriver,
  'on-demand': {
    notDriven: 'an operator invokes it: locally `npm run reconcile`, `npm run migrate-heads` and `npm run officers`',
  },
};

/** The workers of `infra/workers.ts` whose source is of kind `kind`. */
const workersFedBy = <K extends SourceKind>(kind: K): LocalWorker<K>[] => {
  const isOfKind = (source: WorkerSource): source is Extract<WorkerSource, { kind: K }> => source.kind === kind;
  return entriesOf<WorkerName, WorkerDef>(workerFunctions).flatMap(([name, def]) =>
    isOfKind(def.source) ? [{ name, source: def.source }] : [],
  );
};

/** Starts the driver of one kind of source on every worker of that kind, unless it is not driven. */
const drive = async <K extends SourceKind>(
  kind: K,
  driver: LocalDrivers[K],
  context: DriverContext,
): Promise<Running | undefined> => ('notDriven' in driver ? undefined : driver.drive(workersFedBy(kind), context));

/** Starts every worker; the handlers' environment must already point at the local engines. */
export const startLocalWorkers = async (context: LocalWorkersContext): Promise<LocalWorkers> => {
  const cleanups: (() => Promise<void>)[] = [];
  const stop = async (): Promise<void> => {
    while (cleanups.length > 0) await cleanups.pop()?.();
  };
  try {
    const stepFunctions = await startLocalStepFunctions({
      onFailure: (name, error) => context.log(`timer ${name} failed: ${error}`),
    });
    cleanups.push(stepFunctions.stop);
    // What the drivers and the inbox leave running; stopped before the service the timers run on.
    const running: Running[] = [];
    cleanups.push(() => stoppedTogether(running).stop());
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_SFN: stepFunctions.endpoint,
      ESCALATION_STATE_MACHINE_ARN: LOCAL_STATE_MACHINE_ARN,
    });

    // The sweeper is the safety net for lost timers: it runs as often as the policy's shortest
    // window needs (seconds, in a drill), not once a minute as on AWS.
    const sweepIntervalMs = context.sweepIntervalMs ?? defaultSweepInterval(context.policy);
    const intervalsMs: Partial<Record<WorkerName, number>> = {
      sweepDeadlines: sweepIntervalMs,
      recordSmsReports: SMS_REPORT_PULL_INTERVAL_MS,
      ...(context.zeroReportCheckIntervalMs !== undefined
        ? { checkZeroReports: context.zeroReportCheckIntervalMs }
        : {}),
    };
    // The handlers of the driven workers, imported together before the drivers take them one by
    // one (as the runtime imports the API's: each import a round trip under Vitest).
    const loading = new Map(
      entriesOf(localDrivers)
        .flatMap(([kind, driver]) => ('notDriven' in driver ? [] : workersFedBy(kind)))
        .map(({ name }) => [name, context.loadHandler<WorkerHandler>(workerFunctions[name].entry)] as const),
    );
    await Promise.all(loading.values());
    const drivers: DriverContext = {
      twin: context,
      stepFunctions,
      intervalMs: (worker) => intervalsMs[worker.name] ?? worker.source.everyMinutes * 60_000,
      handlerOf: async (name) => {
        const handler = await (loading.get(name) ?? context.loadHandler<WorkerHandler>(workerFunctions[name].entry));
        return (event) => attributeWritesTo(name, () => handler(event, lambdaContext(name, 60_000)));
      },
    };
    for (const [kind, driver] of entriesOf(localDrivers)) {
      const started = await drive(kind, driver, drivers);
      if (started) running.push(started);
    }

    // Timers live in memory here: give every pending obligation its timer back, now that the
    // stream poller is there to pass on what the overdue ones append.
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

    // The officer inbox: every notification as it is sent, on the console and in a file that
    // `npm run inbox -- --office CODE` reads.
    const inboxFile = join(context.dataDir, 'inbox.jsonl');
    running.push(
      startQueuePoller({
        client: context.sqs,
        queueUrl: context.resources.queues.officerInbox.url,
        queueArn: context.resources.queues.officerInbox.arn,
        batchSize: 10,
        consumer: async (event) => {
          for (const record of event.Records) {
            const n = JSON.parse(record.body) as {
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
      }),
    );

    return { sweepIntervalMs, timers: () => stepFunctions.counts(), stop };
  } catch (error) {
    await stop();
    throw error;
  }
};
