/**
 * Sends one SMS through a provider that delivers in mainland China. Providers send only texts made
 * from a template approved in advance (its id), filled with parameters, under an approved sign
 * name (the `【…】` the recipient sees), so that is what a message is here.
 */

export interface Sms {
  /** The recipient, in E.164 (`+8613800000000`). */
  readonly phone: string;
  /** The approved template's id. */
  readonly templateId: string;
  /** The template's parameters, in its order. */
  readonly params: readonly string[];
  /**
   * Ours, not the recipient's: the provider hands it back with the message's delivery report, so a
   * report finds its way to the log that recorded the sending (the incident's id).
   */
  readonly context?: string;
}

/** The provider's answer for one message it accepted: its id, and its own word on the sending. */
export interface SmsReceipt {
  /** Which provider, e.g. `tencent-cloud`. */
  readonly provider: string;
  /** The provider's id for the message (Tencent Cloud's `SerialNo`), to match its delivery report. */
  readonly messageId: string;
  /** The provider's status code and description (`Ok`, `send success`). */
  readonly code: string;
  readonly description: string;
}

/** The provider's word, some time after the sending, on whether the handset received a message. */
export interface SmsDeliveryReport {
  readonly provider: string;
  /** The id the provider gave the message when it accepted it ({@link SmsReceipt.messageId}). */
  readonly messageId: string;
  readonly status: 'delivered' | 'failed';
  /** When the handset received it, or the network gave up (ISO 8601). */
  readonly reportedAt: string;
  /** The provider's code and words (Tencent Cloud: `DELIVRD`, or the carrier's error code). */
  readonly code: string;
  readonly description: string;
  /** The message's {@link Sms.context}, as it was sent. */
  readonly context?: string;
}

export interface SmsSender {
  /** Throws when the provider does not accept the message, so the caller retries it. */
  send(sms: Sms): Promise<SmsReceipt>;
  /**
   * The delivery reports the provider has not handed out yet, at most `limit` of them. A pull takes
   * them: the provider does not give the same report to a later pull.
   */
  pullReports(limit: number): Promise<readonly SmsDeliveryReport[]>;
}
