import { chunkBatch, requestsToRetry, runBatch, withContentType } from '../../src/tenant/batch';
import { DEFAULT_RETRY_POLICY } from '../../src/tenant/retry';
import { silentLogger, type RetryRuntime } from '../../src/tenant/retryingSend';
import type { BatchRequest, BatchResponse } from '../../src/tenant/types';

const get = (id: string, dependsOn?: string[]): BatchRequest => ({
  id,
  method: 'GET',
  url: `/users/${id}`,
  ...(dependsOn ? { dependsOn } : {}),
});
const ids = (chunks: BatchRequest[][]) => chunks.map((c) => c.map((r) => r.id));

function runtime(sleeps: number[]): RetryRuntime {
  return {
    policy: DEFAULT_RETRY_POLICY,
    attemptTimeoutMs: 1000,
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0,
    now: () => 0,
    logger: silentLogger,
  };
}

describe('chunkBatch', () => {
  const n = (count: number, prefix = 'r') => Array.from({ length: count }, (_, i) => get(`${prefix}${i + 1}`));

  it.each([
    [1, [1]],
    [20, [20]],
    [21, [20, 1]],
    [25, [20, 5]],
    [40, [20, 20]],
    [41, [20, 20, 1]],
  ])('%p independent requests → chunks of %p', (count, sizes) => {
    expect(chunkBatch(n(count)).map((c) => c.length)).toEqual(sizes);
  });

  it('keeps a dependsOn chain in one chunk, moving it whole to the next chunk', () => {
    const reqs = [...n(18), get('a'), get('b', ['a']), get('c', ['b'])];
    expect(ids(chunkBatch(reqs))).toEqual([[...n(18).map((r) => r.id)], ['a', 'b', 'c']]);
  });

  it('groups requests linked through a shared dependency, ids case-insensitive', () => {
    const reqs = [get('a'), get('x'), get('b', ['a']), get('c', ['A'])];
    expect(ids(chunkBatch(reqs, 3))).toEqual([['a', 'b', 'c'], ['x']]);
  });

  it('refuses a chain longer than a batch rather than running it out of order', () => {
    const chain = Array.from({ length: 21 }, (_, i) => get(`c${i}`, i ? [`c${i - 1}`] : undefined));
    expect(() => chunkBatch(chain)).toThrow(/dependsOn chain of 21/);
  });

  it('refuses duplicate ids (Graph fails the whole batch) and unknown dependencies', () => {
    expect(() => chunkBatch([get('a'), get('A')])).toThrow(/Duplicate/);
    expect(() => chunkBatch([get('a', ['zz'])])).toThrow(/unknown id 'zz'/);
  });
});

describe('withContentType', () => {
  it('adds Content-Type only when a body is present and none is set', () => {
    expect(withContentType(get('a')).headers).toBeUndefined();
    expect(withContentType({ id: '1', method: 'POST', url: '/x', body: {} }).headers).toEqual({
      'Content-Type': 'application/json',
    });
    expect(
      withContentType({ id: '1', method: 'POST', url: '/x', body: {}, headers: { 'content-type': 'text/plain' } })
        .headers,
    ).toEqual({
      'content-type': 'text/plain',
    });
  });
});

describe('requestsToRetry', () => {
  it('resends throttled requests and the dependents that failed only because of them', () => {
    const sent = [get('a'), get('b', ['a']), get('c'), get('d', ['c']), get('e')];
    const res = new Map<string, BatchResponse>([
      ['a', { id: 'a', status: 429 }],
      ['b', { id: 'b', status: 424 }],
      ['c', { id: 'c', status: 403 }],
      ['d', { id: 'd', status: 424 }],
      ['e', { id: 'e', status: 200 }],
    ]);
    const retry = requestsToRetry(sent, res);
    expect(retry.map((r) => r.id)).toEqual(['a', 'b']);
    expect(retry[1].dependsOn).toEqual(['a']);
  });

  it('drops dependencies that already succeeded', () => {
    const sent = [get('a'), get('b', ['a'])];
    const res = new Map<string, BatchResponse>([
      ['a', { id: 'a', status: 204 }],
      ['b', { id: 'b', status: 503 }],
    ]);
    expect(requestsToRetry(sent, res)).toEqual([{ id: 'b', method: 'GET', url: '/users/b' }]);
  });
});

describe('runBatch', () => {
  it('resends only the inner 429 after its Retry-After and returns answers in request order', async () => {
    const posts: string[][] = [];
    const sleeps: number[] = [];
    let throttled = false;
    const post = async (reqs: BatchRequest[]): Promise<BatchResponse[]> => {
      posts.push(reqs.map((r) => r.id));
      // Graph may answer out of order.
      return reqs
        .map((r) => {
          if (r.id === '2' && !throttled) {
            throttled = true;
            return {
              id: r.id,
              status: 429,
              headers: { 'Retry-After': '4' },
              body: { error: { code: 'TooManyRequests', message: 'x' } },
            };
          }
          return { id: r.id, status: 200, body: { id: `user-${r.id}` } };
        })
        .reverse();
    };
    const out = await runBatch([get('1'), get('2'), get('3')], post, runtime(sleeps));
    expect(posts).toEqual([['1', '2', '3'], ['2']]);
    expect(sleeps).toEqual([4000]);
    expect(out.map((r) => [r.id, r.status, (r.body as { id: string }).id])).toEqual([
      ['1', 200, 'user-1'],
      ['2', 200, 'user-2'],
      ['3', 200, 'user-3'],
    ]);
  });

  it('waits for the longest inner Retry-After when several are throttled', async () => {
    const sleeps: number[] = [];
    let round = 0;
    const post = async (reqs: BatchRequest[]): Promise<BatchResponse[]> => {
      round++;
      return reqs.map((r, i) =>
        round === 1 ? { id: r.id, status: 429, headers: { 'retry-after': String(i + 2) } } : { id: r.id, status: 204 },
      );
    };
    await runBatch([get('a'), get('b'), get('c')], post, runtime(sleeps));
    expect(sleeps).toEqual([4000]);
  });

  it('leaves a 429 in the answer when its Retry-After does not fit the budget', async () => {
    const sleeps: number[] = [];
    let posts = 0;
    const post = async (reqs: BatchRequest[]): Promise<BatchResponse[]> => {
      posts++;
      return reqs.map((r) => ({ id: r.id, status: 429, headers: { 'Retry-After': '120' } }));
    };
    const out = await runBatch([get('a')], post, runtime(sleeps));
    expect(posts).toBe(1);
    expect(sleeps).toEqual([]);
    expect(out[0]).toMatchObject({ id: 'a', status: 429, headers: { 'Retry-After': '120' } });
  });

  it('stops after the attempt limit', async () => {
    const sleeps: number[] = [];
    let posts = 0;
    const post = async (reqs: BatchRequest[]): Promise<BatchResponse[]> => {
      posts++;
      return reqs.map((r) => ({ id: r.id, status: 503, headers: { 'Retry-After': '1' } }));
    };
    const out = await runBatch([get('a')], post, runtime(sleeps));
    expect(posts).toBe(DEFAULT_RETRY_POLICY.maxAttempts);
    expect(sleeps).toHaveLength(DEFAULT_RETRY_POLICY.maxAttempts - 1);
    expect(out[0].status).toBe(503);
  });

  it('sends 25 requests as two batches of 20 and 5', async () => {
    const sizes: number[] = [];
    const post = async (reqs: BatchRequest[]) => {
      sizes.push(reqs.length);
      return reqs.map((r) => ({ id: r.id, status: 200 }));
    };
    const out = await runBatch(
      Array.from({ length: 25 }, (_, i) => get(`u${i}`)),
      post,
      runtime([]),
    );
    expect(sizes).toEqual([20, 5]);
    expect(out.map((r) => r.id)).toEqual(Array.from({ length: 25 }, (_, i) => `u${i}`));
  });

  it('sends nothing for no requests', async () => {
    const post = jest.fn();
    expect(await runBatch([], post, runtime([]))).toEqual([]);
    expect(post).not.toHaveBeenCalled();
  });
});
