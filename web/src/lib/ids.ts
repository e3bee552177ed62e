/** Random ids made on the device: outbox entries and their `Idempotency-Key`s. */
export const randomId = (): string => crypto.randomUUID();
