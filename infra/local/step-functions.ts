/**
 * The local twin of Step Functions for the escalation state machine: a small HTTP endpoint that
 * speaks the StartExecution / DescribeExecution / StopExecution JSON protocol, so the handlers'
 * SFN client works unchanged, and runs each execution with aws-local-stepfunctions on the SAME
 * definition the CDK stack deploys, its Task states bound to the same timer handler.
 *
 * Executions live in memory: a restart loses them, which is why the runtime re-arms a timer for
 * every pending obligation when it starts.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { StateMachine } from 'aws-local-stepfunctions';
import { escalationDefinition, TASK_STATES } from '../state-machines/escalation';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './aws-local';

export const LOCAL_STATE_MACHINE_ARN = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:escalation`;
const LOCAL_TIMER_FUNCTION_ARN = `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:obligation-timer`;

export type TaskHandler = (input: unknown) => Promise<unknown>;
type TaskStateHandler = NonNullable<
  NonNullable<NonNullable<Parameters<StateMachine['run']>[1]>['overrides']>['taskResourceLocalHandlers']
>[string];

type Status = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';

interface Execution {
  readonly arn: string;
  readonly name: string;
  readonly input: string;
  readonly startDate: Date;
  status: Status;
  output?: string;
  error?: string;
  abort: () => void;
}

export interface LocalStepFunctions {
  readonly endpoint: string;
  /**
   * Binds the Task states to the handler that runs them (the timer worker's), as the stack binds its
   * function. Until then no execution starts.
   */
  bindTask(task: TaskHandler): void;
  /** For tests and the console: executions by status. */
  counts(): Record<Status, number>;
  /** Forgets running executions without running them to the end, as a crash would. */
  stop(): Promise<void>;
}

const readJson = (req: IncomingMessage): Promise<Record<string, unknown>> =>
  new Promise((resolve, reject) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on('end', () => {
      try {
        resolve(body ? (JSON.parse(body) as Record<string, unknown>) : {});
      } catch (error) {
        reject(error);
      }
    });
    req.on('error', reject);
  });

class ServiceError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export const startLocalStepFunctions = async (
  options: { readonly onFailure?: (name: string, error: string) => void } = {},
): Promise<LocalStepFunctions> => {
  // Not validated again at each start: validating compiles the whole ASL schema (about a third of a
  // second of CPU per runtime), and the infrastructure suite already validates this very definition
  // (test/infra/workers.test.ts), with a canary that shows its validator rejects a bad one.
  const machine = new StateMachine(escalationDefinition(LOCAL_TIMER_FUNCTION_ARN) as never, {
    validationOptions: { noValidate: true },
  });
  const executions = new Map<string, Execution>();
  let handlers: Record<string, TaskStateHandler> | undefined;

  const start = (body: Record<string, unknown>) => {
    const name = String(body.name ?? '');
    const input = String(body.input ?? '{}');
    if (body.stateMachineArn !== LOCAL_STATE_MACHINE_ARN) {
      throw new ServiceError('StateMachineDoesNotExist', `no state machine ${String(body.stateMachineArn)}`);
    }
    if (!handlers) throw new ServiceError('InvalidDefinition', 'no handler is bound to the Task states yet');
    if (!/^[\w-]{1,80}$/.test(name)) throw new ServiceError('InvalidName', `invalid execution name ${name}`);
    const existing = executions.get(name);
    if (existing) {
      // As on AWS: the same name and input while running is the same execution; anything else is a clash.
      if (existing.status === 'RUNNING' && existing.input === input) {
        return { executionArn: existing.arn, startDate: existing.startDate.getTime() / 1000 };
      }
      throw new ServiceError('ExecutionAlreadyExists', `execution ${name} already exists`);
    }
    const run = machine.run(JSON.parse(input), {
      overrides: { taskResourceLocalHandlers: handlers },
      noThrowOnAbort: true,
    });
    const execution: Execution = {
      arn: `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:execution:escalation:${name}`,
      name,
      input,
      startDate: new Date(),
      status: 'RUNNING',
      abort: run.abort,
    };
    executions.set(name, execution);
    run.result.then(
      (output) => {
        if (execution.status !== 'RUNNING') return;
        execution.status = output === null ? 'ABORTED' : 'SUCCEEDED';
        execution.output = JSON.stringify(output);
      },
      (error: unknown) => {
        execution.status = 'FAILED';
        execution.error = (error as Error).message;
        options.onFailure?.(name, execution.error);
      },
    );
    return { executionArn: execution.arn, startDate: execution.startDate.getTime() / 1000 };
  };

  const byArn = (arn: unknown): Execution => {
    const name = String(arn).split(':').at(-1) ?? '';
    const execution = executions.get(name);
    if (!execution) throw new ServiceError('ExecutionDoesNotExist', `no execution ${String(arn)}`);
    return execution;
  };

  const operations: Record<string, (body: Record<string, unknown>) => unknown> = {
    StartExecution: start,
    DescribeExecution: (body) => {
      const e = byArn(body.executionArn);
      return {
        executionArn: e.arn,
        stateMachineArn: LOCAL_STATE_MACHINE_ARN,
        name: e.name,
        status: e.status,
        startDate: e.startDate.getTime() / 1000,
        input: e.input,
        ...(e.output ? { output: e.output } : {}),
        ...(e.error ? { error: 'States.Failed', cause: e.error } : {}),
      };
    },
    StopExecution: (body) => {
      const e = byArn(body.executionArn);
      if (e.status === 'RUNNING') {
        e.status = 'ABORTED';
        e.abort();
      }
      return { stopDate: Date.now() / 1000 };
    },
  };

  const server: Server = createServer((req, res) => {
    const operation = String(req.headers['x-amz-target'] ?? '').replace(/^AWSStepFunctions\./, '');
    readJson(req)
      .then((body) => {
        const run = operations[operation];
        if (!run) throw new ServiceError('UnknownOperationException', `${operation} is not supported locally`);
        // The operation runs before anything is written, so a failing one still gets its error answer.
        const answer = JSON.stringify(run(body));
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(answer);
      })
      .catch((error: unknown) => {
        const type = error instanceof ServiceError ? error.type : 'InternalFailure';
        res.writeHead(error instanceof ServiceError ? 400 : 500, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify({ __type: type, message: (error as Error).message }));
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    bindTask: (task) => {
      // The library types task input and output as JSON values; the timer handler's are JSON too.
      const handler = task as unknown as TaskStateHandler;
      handlers = { [TASK_STATES.remind]: handler, [TASK_STATES.check]: handler };
    },
    counts: () => {
      const counts: Record<Status, number> = { RUNNING: 0, SUCCEEDED: 0, FAILED: 0, ABORTED: 0 };
      for (const e of executions.values()) counts[e.status] += 1;
      return counts;
    },
    stop: async () => {
      for (const e of executions.values()) {
        if (e.status === 'RUNNING') {
          e.status = 'ABORTED';
          e.abort();
        }
      }
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
};
