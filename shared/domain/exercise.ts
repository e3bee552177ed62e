/**
 * Telling an exercise from a real report (docs/domain.md#drills), by the drill's mark that its head
 * and every event carry. Apart from `drills.ts` because every reader of real figures needs it,
 * the web console too, and drills themselves need Node's hashing.
 */
import type { DrillMark } from './incident';

/** Whether something — a head, an event's scope — carries a drill's mark: an exercise, not a real report. */
export const isExercise = (marked: { readonly drill?: DrillMark | undefined }): boolean => marked.drill !== undefined;

/**
 * How a notification about an exercise opens, in both languages an officer reads: 【演练】 and
 * [Drill], so nobody mistakes a drill for an emergency, on any channel.
 */
export const DRILL_PREFIX = '【演练】[Drill] ';

/** `text` as an officer is told it: prefixed {@link DRILL_PREFIX} when it concerns an exercise. */
export const toldAs = (scope: { readonly drill?: DrillMark | undefined }, text: string): string =>
  isExercise(scope) ? `${DRILL_PREFIX}${text}` : text;

/** Whether a message was told as about an exercise ({@link toldAs}): a channel that rewords it keeps the mark. */
export const isToldAsExercise = (text: string): boolean => text.startsWith(DRILL_PREFIX);
