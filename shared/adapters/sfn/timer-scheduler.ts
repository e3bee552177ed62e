/**
 * Deadline timers as Step Functions executions, one per obligation and deadline, named by
 * {@link timerName}: starting a timer again finds the execution already there and is harmless.
 */
import { ExecutionAlreadyExists, type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { type TimerScheduler, timerName } from '../../ports/timers';

export const makeStepFunctionsTimerScheduler = (config: {
  readonly client: SFNClient;
  readonly stateMachineArn: string;
}): TimerScheduler => ({
  async start(timer) {
    try {
      await config.client.send(
        new StartExecutionCommand({
          stateMachineArn: config.stateMachineArn,
          name: timerName(timer),
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
