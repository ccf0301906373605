/**
 * Moves one item a place up or down among its siblings and numbers the list 1..n, so gaps never
 * accumulate. Returns only the items whose position changed (nothing when it is already at the end).
 */
export function moveInList<T extends { id: string; position: number }>(
  siblings: readonly T[],
  id: string,
  direction: 'up' | 'down',
): { item: T; position: number }[] {
  const order = [...siblings]
  const index = order.findIndex((x) => x.id === id)
  const target = direction === 'up' ? index - 1 : index + 1
  if (index < 0 || target < 0 || target >= order.length) return []
  ;[order[index], order[target]] = [order[target]!, order[index]!]
  return order
    .map((item, i) => ({ item, position: i + 1 }))
    .filter(({ item, position }) => item.position !== position)
}
