// One segment of the DNS session's answer cache (session.ts): a Map with its own LRU list.

/** An entry of a cache segment, in the segment's list from least to most recently used. */
interface LruNode<V> {
  key: string;
  value: V;
  prev: LruNode<V> | null;
  next: LruNode<V> | null;
}

/**
 * One segment of the cache: entries in least-recently-used order (a hit deletes and sets again),
 * the oldest evicted first. A Map finds an entry; a list of its own keeps the order. (The Map's
 * own order, read with `keys().next()`, stepped over every entry deleted since the table was last
 * rebuilt: ~7 us a call at 10,000 entries; an iterator kept across calls to avoid that pinned
 * every table the Map had outgrown while it went unused: RSS grew without bound in a long batch.)
 */
export class LruSegment<V> {
  readonly map = new Map<string, LruNode<V>>();
  oldest: LruNode<V> | null = null;
  newest: LruNode<V> | null = null;

  get size(): number {
    return this.map.size;
  }
  get(key: string): V | undefined {
    return this.map.get(key)?.value;
  }
  /** Adds the entry as the most recent (a key already there keeps its place, as in a Map). */
  set(key: string, value: V): void {
    const known = this.map.get(key);
    if (known) {
      known.value = value;
      return;
    }
    const node: LruNode<V> = { key, value, prev: this.newest, next: null };
    if (this.newest) this.newest.next = node;
    else this.oldest = node;
    this.newest = node;
    this.map.set(key, node);
  }
  delete(key: string): void {
    const node = this.map.get(key);
    if (!node) return;
    this.map.delete(key);
    if (node.prev) node.prev.next = node.next;
    else this.oldest = node.next;
    if (node.next) node.next.prev = node.prev;
    else this.newest = node.prev;
  }
  clear(): void {
    this.map.clear();
    this.oldest = this.newest = null;
  }
  /** Removes and returns the oldest entry; only called when the segment is not empty. */
  evictOldest(): [string, V] {
    const { key, value } = this.oldest!;
    this.delete(key);
    return [key, value];
  }
  /** Evicts the oldest entries down to limit. */
  trim(limit: number): void {
    while (this.map.size > limit) this.evictOldest();
  }
}
