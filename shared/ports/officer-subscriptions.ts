/** A delivery subscription on the officer-notifications topic: one officer's channel. */
export interface OfficerSubscription {
  readonly protocol: 'email' | 'sms' | 'https';
  readonly endpoint: string;
  /** Always `{ personId: [id] }`: an officer receives only what is theirs. */
  readonly filterPolicy: { readonly personId: readonly string[] };
}

export interface SubscriptionRegistry {
  list(): Promise<readonly (OfficerSubscription & { readonly arn: string })[]>;
  subscribe(subscription: OfficerSubscription): Promise<void>;
  unsubscribe(arn: string): Promise<void>;
}
