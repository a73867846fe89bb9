// The controller workqueue with client-go's semantics: deduplication, one worker per key at a
// time, re-queue of keys added while being worked on, per-key exponential backoff that ranks
// behind new work, delayed adds, shutdown, and client-go's metric names.
import t from 'tap';
import { Registry } from 'prom-client';
import { FakeClock, settle } from '../lib/client/clock.js';
import { TokenBucket } from '../lib/client/token-bucket.js';
import { DelayingQueue } from '../lib/client/workqueue/delaying-queue.js';
import { WorkQueue } from '../lib/client/workqueue/queue.js';
import { BucketRateLimiter, defaultControllerRateLimiter, ItemExponentialFailureRateLimiter } from '../lib/client/workqueue/rate-limiters.js';
import { RateLimitingQueue } from '../lib/client/workqueue/rate-limiting-queue.js';

t.test('a key added many times is queued once; added while worked on, it comes back after done', async (t) => {
  const queue = new WorkQueue();
  queue.add('ns/a');
  queue.add('ns/b');
  queue.add('ns/a');
  t.equal(queue.len(), 2);

  const first = await queue.get();
  t.equal(first, 'ns/a');
  queue.add('ns/a'); // changed again while a worker holds it
  t.equal(queue.len(), 1, 'not queued a second time while being processed');
  t.equal(await queue.get(), 'ns/b');

  // 2. no second worker gets ns/a until the first is done
  let second: string | undefined;
  void queue.get().then((key) => (second = key));
  await settle();
  t.equal(second, undefined);
  queue.done('ns/a');
  await settle();
  t.equal(second, 'ns/a', 'handed out again once the first worker finished');
});

t.test('waiting workers get keys as they arrive, in order; shutdown ends them', async (t) => {
  const queue = new WorkQueue();
  const got: (string | undefined)[] = [];
  const workers = [queue.get(), queue.get(), queue.get()].map((p) => p.then((key) => got.push(key)));
  queue.add('x');
  queue.add('y');
  await settle();
  t.same(got, ['x', 'y']);
  queue.shutDown();
  await Promise.all(workers);
  t.same(got, ['x', 'y', undefined]);
  queue.add('z');
  t.equal(queue.len(), 0, 'adds after shutdown are ignored');
});

t.test('shutDownWithDrain waits for keys in progress', async (t) => {
  const queue = new WorkQueue();
  queue.add('k');
  const key = await queue.get();
  let drained = false;
  const drain = queue.shutDownWithDrain().then(() => (drained = true));
  await settle();
  t.equal(drained, false);
  queue.done(key!);
  await drain;
  t.equal(drained, true);
});

t.test('addAfter: a key becomes ready after its delay; an earlier ready time wins', async (t) => {
  const clock = new FakeClock();
  const queue = new DelayingQueue({ clock });
  queue.addAfter('later', 1000);
  queue.addAfter('later', 5000); // later than the one waiting: ignored
  queue.addAfter('soon', 200);
  queue.addAfter('now', 0);
  t.equal(queue.len(), 1);
  await clock.advance(199);
  t.equal(queue.len(), 1);
  await clock.advance(1);
  t.equal(queue.len(), 2);
  await clock.advance(800);
  t.equal(queue.len(), 3);
  t.same([await queue.get(), await queue.get(), await queue.get()], ['now', 'soon', 'later']);
  t.equal(queue.waitingCount(), 0);
});

t.test('retries back off exponentially per key and rank behind new work', async (t) => {
  const clock = new FakeClock();
  const queue = new RateLimitingQueue({ clock, rateLimiter: new ItemExponentialFailureRateLimiter(100, 1000) });
  queue.add('failing');
  const key = (await queue.get())!;
  queue.addRateLimited(key); // 100 ms
  queue.done(key);
  queue.add('fresh');
  t.equal(await queue.get(), 'fresh', 'new work first');
  queue.done('fresh');
  await clock.advance(100);
  t.equal(await queue.get(), 'failing');
  t.equal(queue.numRequeues('failing'), 1);

  // 200, 400, 800, then capped at 1000
  const delays: number[] = [];
  for (let i = 0; i < 4; i++) {
    queue.addRateLimited('failing');
    queue.done('failing');
    const before = clock.now();
    let ready = false;
    const next = queue.get().then(() => (ready = true));
    while (!ready) await clock.advance(50);
    await next;
    delays.push(clock.now() - before);
  }
  t.same(delays, [200, 400, 800, 1000]);
  queue.forget('failing');
  t.equal(queue.numRequeues('failing'), 0, 'forget resets the backoff');
});

t.test('the default controller limiter: 5 ms doubling per key, 10 qps / 100 burst overall', async (t) => {
  const clock = new FakeClock();
  const limiter = defaultControllerRateLimiter(clock);
  t.same([limiter.when('a'), limiter.when('a'), limiter.when('a')], [5, 10, 20]);
  const bucket = new BucketRateLimiter(10, 100, clock);
  const delays = Array.from({ length: 102 }, () => bucket.when());
  t.same(delays.slice(0, 100), Array(100).fill(0), 'a burst of 100 is free');
  t.same(delays.slice(100).map(Math.round), [100, 200], 'then 10 a second');
});

t.test('token bucket: qps and burst as client-go counts them', async (t) => {
  const clock = new FakeClock();
  const bucket = new TokenBucket(5, 2, clock);
  t.same([bucket.reserve(), bucket.reserve()], [0, 0]);
  t.equal(Math.round(bucket.reserve()), 200);
  await clock.advance(1000);
  t.equal(bucket.reserve(), 0, 'refilled (up to the burst) while idle');
  t.equal(new TokenBucket(0, 0, clock).reserve(), 0, 'qps 0 is unlimited');
  t.throws(() => new TokenBucket(5, 0, clock), /burst must be at least 1/);
});

t.test('metrics carry client-go names and the queue name', async (t) => {
  const clock = new FakeClock();
  const metrics = new Registry();
  const queue = new RateLimitingQueue({ name: 'pods', clock, metrics, rateLimiter: new ItemExponentialFailureRateLimiter(10, 100) });
  queue.add('a');
  queue.add('b');
  await clock.advance(2000);
  const a = (await queue.get())!;
  await clock.advance(3000);
  queue.addRateLimited(a);
  queue.done(a);
  const b = (await queue.get())!; // b stays in progress
  await clock.advance(4000);

  const value = async (name: string): Promise<number | undefined> => {
    const metric = await metrics.getSingleMetric(name)!.get();
    return metric.values.find((v) => v.labels.name === 'pods')?.value;
  };
  t.equal(await value('workqueue_adds_total'), 3, 'a, b, and a again after its retry delay');
  t.equal(await value('workqueue_depth'), 1, 'a waits again');
  t.equal(await value('workqueue_retries_total'), 1);
  t.equal(await value('workqueue_unfinished_work_seconds'), 4, 'b has been in progress for 4 s');
  t.equal(await value('workqueue_longest_running_processor_seconds'), 4);
  const text = await metrics.metrics();
  t.match(text, /workqueue_queue_duration_seconds_sum\{name="pods"\} 7/, 'a waited 2 s, b 5 s');
  t.match(text, /workqueue_work_duration_seconds_count\{name="pods"\} 1/);
  queue.done(b);
  queue.shutDown();
});
