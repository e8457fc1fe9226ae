/**
 * Values kept while what they are made from stays the same: the app re-renders every animation frame, and a
 * chart redraws whenever its `series` is a new array, so the series of a run set's charts (and its summary
 * panels) are made again only when a member logged something new.
 */
const slots = new WeakMap<object, Map<string, { key: string; value: unknown }>>();

/** The value `make()` gave for (owner, slot) while `key` stays the same; made again when it changes. */
export function memoized<T>(owner: object, slot: string, key: string, make: () => T): T {
  let byName = slots.get(owner);
  if (!byName) slots.set(owner, (byName = new Map()));
  const kept = byName.get(slot);
  if (kept && kept.key === key) return kept.value as T;
  const value = make();
  byName.set(slot, { key, value });
  return value;
}
