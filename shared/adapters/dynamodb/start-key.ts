/**
 * A list's cursor is where the previous page ended: the key DynamoDB handed back, given to the
 * client, and handed to DynamoDB again as the next query's start key. It came through a client, so
 * it must be checked to be exactly a key that query can return — of its index, its partition,
 * inside its key condition's range — or DynamoDB refuses it (a 500 to the caller: "the provided
 * starting key does not match the range key predicate") or the page starts where the query does
 * not reach. Every paged list checks its cursor here.
 */
import { ValidationError } from '../../domain/errors';

/** What one attribute of a start key must be: nothing if it is, or what is wrong with it. */
export type KeyRule = (value: string) => string | undefined;

const NOT_OF_THIS_LIST = 'is not a cursor of this list';

/** The caller's cursor is not one of this query, for `problem`. */
export const cursorRefused = (problem: string): ValidationError =>
  new ValidationError('the cursor does not belong to this query', [
    { field: 'cursor', problem: `${problem}; start again without it` },
  ]);

export const equalTo =
  (expected: string, problem = NOT_OF_THIS_LIST): KeyRule =>
  (value) =>
    value === expected ? undefined : problem;

export const startingWith =
  (prefix: string, problem = NOT_OF_THIS_LIST): KeyRule =>
  (value) =>
    value.startsWith(prefix) ? undefined : problem;

/** A sort key inside the query's `BETWEEN :from AND :to`. */
export const between =
  (from: string, to: string): KeyRule =>
  (value) =>
    value >= from && value <= to ? undefined : 'lies outside this query’s from/to';

/**
 * Refuses `after` unless it has exactly the attributes `rules` names, each as its rule says; the
 * rules are checked in order, so the first problem named is the first one listed.
 * @throws ValidationError naming the cursor
 */
export const checkStartKey = (
  after: Readonly<Record<string, string>>,
  rules: Readonly<Record<string, KeyRule>>,
): void => {
  const keys = Object.keys(after).sort();
  const expected = Object.keys(rules).sort();
  if (keys.length !== expected.length || keys.some((key, i) => key !== expected[i])) {
    throw cursorRefused(NOT_OF_THIS_LIST);
  }
  for (const [attribute, rule] of Object.entries(rules)) {
    const problem = rule(after[attribute] ?? '');
    if (problem !== undefined) throw cursorRefused(problem);
  }
};
