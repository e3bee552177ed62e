/**
 * A TimerScheduler that runs each timer as an execution of a real state machine definition in
 * aws-local-stepfunctions, as the local runtime does: one execution per obligation, named by its
 * id, so starting one twice is harmless (Step Functions answers ExecutionAlreadyExists).
 */
import { type RunOptions, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import type { TimerInput, TimerScheduler } from '../../shared/ports/timers';

/** A JSON value as the library passes it to and takes it from a Task state. */
export type JsonValue = Parameters<StateMachine['run']>[0];

/** What a Lambda's answer becomes on its way back to Step Functions: JSON, undefined members dropped. */
export const overTheWire = (value: unknown): JsonValue => JSON.parse(JSON.stringify(value)) as JsonValue;

export type TaskHandlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;

export interface TimerExecution {
  readonly input: TimerInput;
  /** The execution's output, or its failure. */
  readonly result: Promise<JsonValue>;
}

export class StateMachineTimerScheduler implements TimerScheduler {
  readonly #machine: StateMachine;
  readonly #handlers: TaskHandlers;
  readonly #executions = new Map<string, TimerExecution & { readonly abort: () => void }>();

  constructor(definition: StateMachineDefinition, handlers: TaskHandlers) {
    this.#machine = new StateMachine(definition);
    this.#handlers = handlers;
  }

  async start(timer: TimerInput): Promise<void> {
    if (this.#executions.has(timer.obligationId)) return;
    const run = this.#machine.run(overTheWire(timer), {
      overrides: { taskResourceLocalHandlers: this.#handlers },
      noThrowOnAbort: true,
    });
    // Marked handled here; the test asserts the outcome through execution().
    run.result.catch(() => undefined);
    this.#executions.set(timer.obligationId, { input: structuredClone(timer), result: run.result, abort: run.abort });
  }

  /** The execution started for an obligation; throws if none was. */
  execution(obligationId: string): TimerExecution {
    const execution = this.#executions.get(obligationId);
    if (!execution) throw new Error(`no timer was started for ${obligationId}`);
    return { input: execution.input, result: execution.result };
  }

  /** The obligations whose timers were started, in order. */
  get names(): readonly string[] {
    return [...this.#executions.keys()];
  }

  /** Stops every execution still waiting, so nothing outlives the test. */
  abortAll(): void {
    for (const execution of this.#executions.values()) execution.abort();
  }
}
