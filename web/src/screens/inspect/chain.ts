/**
 * An incident's hash chain recomputed in the browser, by the same rules the server and the offline
 * verifier judge it by (`shared/domain/chain-rules.ts`), hashing with Web Crypto — so what the
 * inspector's screen says holds does not rest on the server's word alone.
 */
import { type Chained, type ChainVerdict, hashedText, judgeChain } from '../../../../shared/domain/chain-rules';
import { sha256 } from '../../lib/sha256';

export const recomputeChain = async (events: readonly Chained[]): Promise<ChainVerdict> => {
  const hashes = await Promise.all(events.map((event) => sha256(hashedText(event))));
  const byEvent = new Map(events.map((event, i) => [event, hashes[i] as string]));
  return judgeChain(events, (event) => byEvent.get(event) as string);
};

/** Whether the chain holds up to and including event `seq`: every event before the first broken one. */
export const holdsAt = (verdict: ChainVerdict, seq: number): boolean => verdict.intact || seq < verdict.brokenAtSeq;
