/** A TimerScheduler that only records what it was asked to start, in order. */
import type { TimerInput, TimerScheduler } from '../../shared/ports/timers';

export class RecordingTimerScheduler implements TimerScheduler {
  readonly #started: TimerInput[] = [];

  async start(timer: TimerInput): Promise<void> {
    this.#started.push(structuredClone(timer));
  }

  /** Every timer start asked for, repeats included. */
  get started(): readonly TimerInput[] {
    return structuredClone(this.#started);
  }
}
