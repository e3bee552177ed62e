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

export interface SmsSender {
  /** Throws when the provider does not accept the message, so the caller retries it. */
  send(sms: Sms): Promise<SmsReceipt>;
}
