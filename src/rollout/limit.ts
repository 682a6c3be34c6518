/**
 * Runs `work` over `items` with at most `limit` at once. Once `shouldStop()` turns true no new item starts;
 * items already started finish. Returns the indexes of the items that started.
 */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<void>,
  shouldStop: () => boolean = () => false,
): Promise<number[]> {
  const started: number[] = [];
  let next = 0;
  const lane = async () => {
    while (next < items.length && !shouldStop()) {
      const index = next++;
      started.push(index);
      await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  return started.sort((a, b) => a - b);
}
