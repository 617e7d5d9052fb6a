// The batch's heap guard, with a scripted heap: when it collects, and that it follows the live data.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HEAP_HEADROOM_BYTES, heapGuard } from '../../src/heap.ts';

const MB = 1024 * 1024;

const scripted = (live: number) => {
  const heap = { used: live, live, collections: 0 };
  const guard = heapGuard(64 * MB, {
    gc: () => {
      heap.collections++;
      heap.used = heap.live;
    },
    used: () => heap.used,
  });
  /** n results, each leaving `garbage` bytes behind. */
  const results = (n: number, garbage: number) => {
    for (let i = 0; i < n; i++) {
      heap.used += garbage;
      guard();
    }
  };
  return { heap, results };
};

describe('heap guard', () => {
  it('collects when the heap in use passes the bound, looking every 5 results', () => {
    const { heap, results } = scripted(20 * MB);
    results(4, 20 * MB);
    assert.equal(heap.collections, 0, 'not before the fifth result');
    results(1, 0);
    assert.equal(heap.collections, 1);
    assert.equal(heap.used, 20 * MB);
    results(10, 1 * MB);
    assert.equal(heap.collections, 1, 'under the bound: no collection');
  });

  it('leaves headroom over what a collection left, so a large live set does not collect after every few results', () => {
    const { heap, results } = scripted(60 * MB);
    results(5, 1 * MB);
    assert.equal(heap.collections, 1, 'over the bound: collects, and learns the live data');
    const steps = HEAP_HEADROOM_BYTES / MB;
    results(steps - 5, 1 * MB);
    assert.equal(heap.collections, 1, 'within the headroom');
    results(10, 1 * MB);
    assert.equal(heap.collections, 2);
  });

  it('does nothing without gc: never even reads the heap in use', () => {
    let reads = 0;
    const guard = heapGuard(1, {
      gc: null,
      used: () => {
        reads++;
        return 1e12;
      },
    });
    for (let i = 0; i < 20; i++) guard();
    assert.equal(reads, 0);
  });
});
