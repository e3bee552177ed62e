/** A delivery subscription on the officer-notifications topic: one officer's channel. */
export interface OfficerSubscription {
  readonly protocol: 'email' | 'sms' | 'https';
  readonly endpoint: string;
  /** Always `{ personId: [id] }`: an officer receives only what is theirs. */
  readonly filterPolicy: { readonly personId: readonly string[] };
  /**
   * The ARN of the queue SNS moves a notification to once it gives up delivering it here (an
   * unreachable webhook, an SMS refused after SNS's retries): the subscription's redrive policy.
   * Absent: SNS drops such a notification, and nobody learns of it.
   */
  readonly deadLetterTarget?: string;
}

export interface SubscriptionRegistry {
  list(): Promise<readonly (OfficerSubscription & { readonly arn: string })[]>;
  /** Subscribes the endpoint with its filter and, when it has one, its dead-letter target. */
  subscribe(subscription: OfficerSubscription): Promise<void>;
  unsubscribe(arn: string): Promise<void>;
}

/**
 * A registry that can also point an existing subscription at a dead-letter queue, in place. The
 * sync never replaces a subscription for that: the owner of an email address or a webhook would
 * have to confirm the new one, and would be told nothing until they did.
 */
export interface DeadLetteringSubscriptionRegistry extends SubscriptionRegistry {
  setDeadLetterTarget(arn: string, deadLetterTarget: string): Promise<void>;
}
