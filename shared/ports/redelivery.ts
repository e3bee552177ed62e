/** A message a queue handed to its consumer, as far as retrying it goes. */
export interface QueuedMessage {
  readonly queueArn: string;
  readonly receiptHandle: string;
  /** How many times the queue has handed it out, this time included. */
  readonly receiveCount: number;
}

/** When a queue delivers a failed message again, and how often it will. */
export interface Redelivery {
  /**
   * The deliveries the queue makes before it parks a message in its dead-letter queue, from its
   * redrive policy; undefined when it has none.
   */
  maxReceives(queueArn: string): Promise<number | undefined>;
  /** Puts off the message's next delivery until `seconds` from now. */
  delay(message: QueuedMessage, seconds: number): Promise<void>;
}
