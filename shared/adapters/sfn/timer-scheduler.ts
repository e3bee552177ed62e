/**
 * Deadline timers as Step Functions executions, one per obligation and named by its id: starting
 * an obligation's timer again finds the execution already there and is harmless.
 */
import { ExecutionAlreadyExists, type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { TimerScheduler } from '../../ports/timers';

export const makeStepFunctionsTimerScheduler = (config: {
  readonly client: SFNClient;
  readonly stateMachineArn: string;
}): TimerScheduler => ({
  async start(timer) {
    try {
      await config.client.send(
        new StartExecutionCommand({
          stateMachineArn: config.stateMachineArn,
          name: timer.obligationId,
          input: JSON.stringify(timer),
        }),
      );
    } catch (error) {
      // Same name: the timer exists (running, or finished with its check done). Nothing to do.
      if (error instanceof ExecutionAlreadyExists) return;
      throw error;
    }
  },
});
