import type { IncidentEvent } from '../domain/incident';

/** Hands appended events to the fan-out (the incident-events topic). */
export interface EventPublisher {
  publish(events: readonly IncidentEvent[]): Promise<void>;
}
