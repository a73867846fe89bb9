// Answers as application/vnd.kubernetes.protobuf must be the bytes kube-apiserver writes, so that
// client-go (kube-scheduler, kube-controller-manager) reads them. test/fixtures/protobuf/golden.json
// holds what Go's own serializers write for each case in cases.json (regenerate with
// `cd tools/protobuf-golden && go run . ../../test/fixtures/protobuf` after editing cases.json).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import t from 'tap';
import { FrameSplitter } from '../lib/api/frames.js';
import type { KubeObject } from '../lib/api/object.js';
import { createProtobufDecoder, decodeProtobufObject, decodeProtobufResponse, decodeProtobufWatchEvent, protobufAvailable } from '../lib/api/protobuf/decode.js';
import { createProtobufEncoder, encodeProtobufObject, encodeProtobufWatchEvent, protobufEncodable, type WatchEventObject } from '../lib/api/protobuf/encode.js';
import { ENVELOPE_PREFIX, PROTOBUF_WATCH_MEDIA_TYPE } from '../lib/api/protobuf/envelope.js';
import { compareGoStrings, JsonProtoConverter } from '../lib/api/protobuf/from-json.js';
import { formatGoDuration, parseGoDuration } from '../lib/api/protobuf/go-duration.js';
import { parseGoTime } from '../lib/api/protobuf/go-time.js';
import { loadSchema } from '../lib/api/protobuf/schema.js';
import { DEFAULT_SCHEMA_DIR } from '../lib/api/protobuf/schema-files.js';
import { ProtoJsonConverter } from '../lib/api/protobuf/to-json.js';
import { apiVersionOf, RESOURCES } from '../lib/api/resources.js';
import { isStatusError, type StatusError } from '../lib/api/status.js';
import { ROOT } from './helpers/paths.js';
import { ALL_VALID, stored } from './validation-fixtures.js';

interface GoldenCase {
  name: string;
  object?: KubeObject;
  watch?: WatchEventObject;
  /** Go's JSON drops detail its protobuf keeps (a pointer set to the zero time is null in JSON), so JSON → bytes cannot match. */
  lossyJson?: boolean;
}

interface Golden {
  name: string;
  protobuf: string;
  json: unknown;
}

const FIXTURES = join(ROOT, 'test', 'fixtures', 'protobuf');
const cases = JSON.parse(readFileSync(join(FIXTURES, 'cases.json'), 'utf8')) as GoldenCase[];
const goldens = JSON.parse(readFileSync(join(FIXTURES, 'golden.json'), 'utf8')) as Golden[];

/** Go's JSON writes null for zero Times and nil slices and maps; the decoder leaves them out (the same to a reader). */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, item]) => item !== null)
      .map(([key, item]) => [key, withoutNulls(item)]),
  );
}

function statusOf(fn: () => unknown): StatusError | undefined {
  try {
    fn();
  } catch (error) {
    if (isStatusError(error)) return error;
    throw error;
  }
  return undefined;
}

function encodeCase(c: GoldenCase): Buffer {
  return c.watch ? encodeProtobufWatchEvent(c.watch) : encodeProtobufObject(c.object!);
}

/** A golden watch case is one frame: the length prefix, then the event. */
function decodeCase(c: GoldenCase, bytes: Buffer): unknown {
  if (!c.watch) return decodeProtobufResponse(bytes);
  const frames = new FrameSplitter().push(bytes);
  if (frames.length !== 1) throw new Error(`expected one frame, got ${frames.length}`);
  return decodeProtobufWatchEvent(frames[0]!);
}

t.test('the golden files were generated from the current cases', async (t) => {
  t.strictSame(
    goldens.map((g) => g.name),
    cases.map((c) => c.name),
    'regenerate golden.json: cd tools/protobuf-golden && go run . ../../test/fixtures/protobuf',
  );
});

t.test('objects, lists, Status, discovery and watch events encode to the bytes Go writes', async (t) => {
  if (!protobufAvailable()) {
    t.fail(`the protobuf schema is not built in ${DEFAULT_SCHEMA_DIR}: run \`npm run build\` with access to the Go module proxy`);
    return;
  }
  cases.forEach((c, i) => {
    t.test(c.name, async (t) => {
      const golden = goldens[i]!;
      const goBytes = Buffer.from(golden.protobuf, 'base64');
      // Hex, so a failure shows where the bytes part.
      t.equal(encodeCase(c).toString('hex'), goBytes.toString('hex'), 'the JSON case encodes to Go bytes');
      const goJson = withoutNulls(golden.json);
      t.strictSame(decodeCase(c, goBytes), goJson, "Go's bytes decode to Go's JSON");
      if (!c.lossyJson) {
        const again = c.watch ? encodeProtobufWatchEvent(goJson as WatchEventObject) : encodeProtobufObject(goJson as KubeObject);
        t.equal(again.toString('hex'), goBytes.toString('hex'), "Go's JSON for the object encodes to the same bytes");
      }
    });
  });
});

t.test('every served kind that speaks protobuf, and its list, has a golden case', async (t) => {
  const kinds = new Set(cases.map((c) => c.object && `${c.object.apiVersion} ${c.object.kind}`));
  // CustomResourceDefinitions are served as JSON only for now (the apiextensions protobuf schema is not built).
  for (const r of RESOURCES.filter((info) => info.protobuf !== false)) {
    t.ok(kinds.has(`${apiVersionOf(r)} ${r.kind}`), `${r.kind} has a golden case`);
    t.ok(protobufEncodable(apiVersionOf(r), r.listKind), `${r.listKind} is encodable`);
  }
});

t.test('each served kind reads back from protobuf as the JSON Go writes for it, and stays there', { skip: !protobufAvailable() && 'the protobuf schema is not built' }, async (t) => {
  for (const make of ALL_VALID) {
    const object = stored(make());
    const once = decodeProtobufResponse(encodeProtobufObject(object));
    const twice = decodeProtobufResponse(encodeProtobufObject(once));
    t.strictSame(twice, once, `${object.kind}: decode(encode(x)) is a fixed point`);
    t.equal(encodeProtobufObject(once).toString('hex'), encodeProtobufObject(object).toString('hex'), `${object.kind}: the same bytes either way`);
    const list = { apiVersion: object.apiVersion!, kind: `${object.kind}List`, metadata: { resourceVersion: '9' }, items: [object] };
    const { apiVersion: _a, kind: _k, ...item } = once;
    t.strictSame(decodeProtobufResponse(encodeProtobufObject(list)), { ...list, items: [item] }, `${object.kind}List: items lose apiVersion and kind, as in Kubernetes`);
  }
});

t.test('what Go writes on the wire, field by field', { skip: !protobufAvailable() && 'the protobuf schema is not built' }, async (t) => {
  const root = loadSchema(DEFAULT_SCHEMA_DIR).root;
  const envelope = (bytes: Buffer): { typeMeta: { apiVersion: string; kind: string }; raw: Uint8Array; contentType: string; contentEncoding: string } => {
    t.ok(bytes.subarray(0, 4).equals(ENVELOPE_PREFIX), 'starts with k8s\\0');
    const unknown = root.lookupType('k8s.io.apimachinery.pkg.runtime.Unknown');
    return unknown.toObject(unknown.decode(bytes.subarray(4)), { defaults: true }) as ReturnType<typeof envelope>;
  };

  t.test('the envelope names apiVersion and kind; content type and encoding are written empty', async (t) => {
    const bytes = encodeProtobufObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } });
    const { typeMeta, contentType, contentEncoding } = envelope(bytes);
    t.strictSame({ typeMeta, contentType, contentEncoding }, { typeMeta: { apiVersion: 'v1', kind: 'ConfigMap' }, contentType: '', contentEncoding: '' });
    t.ok(bytes.subarray(-4).equals(Buffer.from([0x1a, 0x00, 0x22, 0x00])), 'the empty strings are on the wire, as Go writes non-pointer fields');
  });

  t.test('a missing non-pointer struct is written as its zeros; a missing pointer is not written', async (t) => {
    const pod = root.lookupType('k8s.io.api.core.v1.Pod');
    const bytes = envelope(encodeProtobufObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } })).raw;
    const message = pod.toObject(pod.decode(bytes)) as { spec?: Record<string, unknown>; status?: unknown };
    t.ok(message.status !== undefined, 'status is written');
    t.equal(message.spec?.restartPolicy, '', 'a non-pointer string is written empty');
    t.equal(message.spec?.hostNetwork, false, 'a non-pointer bool is written false');
    t.notOk('activeDeadlineSeconds' in (message.spec ?? {}), 'a nil pointer is not written');
  });

  t.test('a watch frame is a bare WatchEvent whose object is a full envelope', async (t) => {
    const object = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', resourceVersion: '5' }, data: { a: 'b' } };
    const frame = encodeProtobufWatchEvent({ type: 'MODIFIED', object });
    t.equal(frame.readUInt32BE(0), frame.length - 4, 'a 4-byte big-endian length prefix');
    t.notOk(frame.subarray(4, 8).equals(ENVELOPE_PREFIX), 'the event itself has no envelope');
    const watchEvent = root.lookupType('k8s.io.apimachinery.pkg.apis.meta.v1.WatchEvent');
    const event = watchEvent.toObject(watchEvent.decode(frame.subarray(4))) as { type: string; object: { raw: Uint8Array } };
    t.equal(event.type, 'MODIFIED');
    t.ok(Buffer.from(event.object.raw).equals(encodeProtobufObject(object)), 'the raw object is the enveloped object');
    t.equal(PROTOBUF_WATCH_MEDIA_TYPE, 'application/vnd.kubernetes.protobuf;stream=watch');
  });

  t.test('frames split wherever the chunks break', async (t) => {
    const events = [
      { type: 'ADDED', object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' } } },
      { type: 'DELETED', object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'b' } } },
    ];
    const stream = Buffer.concat(events.map(encodeProtobufWatchEvent));
    const splitter = new FrameSplitter();
    const bodies = [...splitter.push(stream.subarray(0, 7)), ...splitter.push(stream.subarray(7, 30)), ...splitter.push(stream.subarray(30))];
    t.strictSame(
      bodies.map((body) => decodeProtobufWatchEvent(body)),
      events.map((e) => ({ ...e, object: { ...e.object, spec: {}, status: {} } })),
    );
    t.equal(splitter.buffered, 0);
  });

  t.test('an enveloped WatchEvent (meta.k8s.io/v1) round-trips with its object enveloped', async (t) => {
    const event = { apiVersion: 'meta.k8s.io/v1', kind: 'WatchEvent', type: 'ADDED', object: { apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Success', code: 200 } };
    t.strictSame(decodeProtobufResponse(encodeProtobufObject(event)), event);
  });

  t.test('Time drops sub-second digits and MicroTime keeps microseconds, as their JSON does; the zero time is an empty message', async (t) => {
    const lease = root.lookupType('k8s.io.api.coordination.v1.Lease');
    const bytes = envelope(
      encodeProtobufObject({
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: 'l', creationTimestamp: '2024-05-01T12:00:00.5+02:00' },
        spec: { renewTime: '2024-05-01T10:00:00.123456789Z', acquireTime: '0001-01-01T00:00:00.000000Z' },
      }),
    ).raw;
    const message = lease.toObject(lease.decode(bytes), { longs: Number }) as {
      metadata: { creationTimestamp: unknown };
      spec: { renewTime: unknown; acquireTime: unknown };
    };
    t.strictSame(message.metadata.creationTimestamp, { seconds: 1714557600, nanos: 0 });
    t.strictSame(message.spec.renewTime, { seconds: 1714557600, nanos: 123_456_000 });
    t.strictSame(message.spec.acquireTime, {}, 'a set pointer to the zero time is written, empty');
  });
});

t.test('kinds without a protobuf form are refused with 406, as kube-apiserver refuses them', { skip: !protobufAvailable() && 'the protobuf schema is not built' }, async (t) => {
  const table = { apiVersion: 'meta.k8s.io/v1', kind: 'Table', columnDefinitions: [], rows: [] };
  const refused: KubeObject[] = [table, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }, { kind: 'Pod', metadata: { name: 'p' } }];
  for (const object of refused) {
    const error = statusOf(() => encodeProtobufObject(object));
    t.equal(error?.code, 406, `${object.kind}: 406`);
    t.equal(error?.reason, 'NotAcceptable');
    t.match(error?.message, /no protobuf form/);
    t.equal(protobufEncodable(object.apiVersion ?? '', object.kind ?? ''), false, `${object.kind} is not offered as protobuf`);
  }
  t.equal(protobufEncodable('v1', 'Pod'), true);
  t.equal(protobufEncodable('v1', 'Status'), true);
  t.equal(protobufEncodable('meta.k8s.io/v1', 'PartialObjectMetadataList'), true);
});

t.test('an object that does not fit its schema is a 500 naming the field', { skip: !protobufAvailable() && 'the protobuf schema is not built' }, async (t) => {
  const cases: [unknown, RegExp][] = [
    [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { nodeName: 5 } }, /PodSpec\.nodeName.*expected a string, got 5/],
    [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { activeDeadlineSeconds: 1.5 } }, /activeDeadlineSeconds.*expected an integer/],
    [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: ['a'] } }, /ObjectMeta\.labels.*expected an object/],
    [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', creationTimestamp: 'yesterday' } }, /Time.*RFC 3339/],
    [{ apiVersion: 'v1', kind: 'Pod', metadata: 'p' }, /ObjectMeta.*expected an object/],
  ];
  for (const [object, message] of cases) {
    const error = statusOf(() => encodeProtobufObject(object as KubeObject));
    t.equal(error?.code, 500);
    t.equal(error?.reason, 'InternalError');
    t.match(error?.message, message);
  }
});

t.test('request bodies still take only request kinds; responses take lists and Status too', { skip: !protobufAvailable() && 'the protobuf schema is not built' }, async (t) => {
  const list = encodeProtobufObject({ apiVersion: 'v1', kind: 'PodList', metadata: {}, items: [] });
  t.match(statusOf(() => decodeProtobufObject(list))?.message, /no kind "PodList" is registered/);
  t.strictSame(decodeProtobufResponse(list), { apiVersion: 'v1', kind: 'PodList', metadata: {}, items: [] }, 'an empty list keeps items: []');
  const versions = { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '10.0.0.1:6443' }] };
  t.strictSame(decodeProtobufResponse(encodeProtobufObject(versions)), { apiVersion: '', ...versions }, 'APIVersions travels without an apiVersion, as at /api');
});

t.test('without a built schema the encoder answers 406 and says how to build it', async (t) => {
  const empty = mkdtempSync(join(tmpdir(), 'rudder-no-proto-'));
  t.teardown(() => rmSync(empty, { recursive: true, force: true }));
  const encoder = createProtobufEncoder(empty);
  t.equal(encoder.available(), false);
  t.equal(encoder.encodable('v1', 'Pod'), false);
  const error = statusOf(() => encoder.encode({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } }));
  t.equal(error?.code, 406);
  t.equal(error?.reason, 'NotAcceptable');
  t.match(error?.message, /built without protobuf support/);
  t.match(error?.message, /npm run build/);
  t.match(error?.message, /application\/json/);
  t.equal(createProtobufDecoder(empty).available(), false, 'the decoder sharing that directory agrees');
});

t.test('map keys go in Go order: by UTF-8 bytes, not UTF-16 code units', async (t) => {
  const keys = ['b', 'a', '10', '9', '\uff01', '\u{1f600}', 'é', ''];
  t.strictSame([...keys].sort(compareGoStrings), ['', '10', '9', 'a', 'b', 'é', '\uff01', '\u{1f600}']);
  t.strictSame(
    [...keys].sort(compareGoStrings),
    [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))),
  );
});

t.test('RFC 3339 times parse as Go parses them', async (t) => {
  // Expectations printed by Go's time.Parse(time.RFC3339, ...).
  t.strictSame(parseGoTime('2024-05-01T10:00:00Z'), { seconds: 1714557600, nanos: 0 });
  t.strictSame(parseGoTime('2024-05-01T12:00:00.000000001+02:00'), { seconds: 1714557600, nanos: 1 });
  t.strictSame(parseGoTime('1969-12-31T23:59:59.5Z'), { seconds: -1, nanos: 500_000_000 });
  t.strictSame(parseGoTime('0001-01-01T00:00:00Z'), { seconds: -62135596800, nanos: 0 });
  t.strictSame(parseGoTime('0099-03-01T00:00:00Z'), { seconds: -59037897600, nanos: 0 }, 'two-digit years are not 19xx');
  t.strictSame(parseGoTime('9999-12-31T23:59:59Z'), { seconds: 253402300799, nanos: 0 });
  for (const bad of ['', '2024-05-01', '2024-05-01T10:00:00', '2024-02-30T00:00:00Z', '2024-05-01T24:00:00Z', '2024-05-01 10:00:00Z', '2024-05-01T10:00:00.Z']) {
    t.equal(parseGoTime(bad), undefined, JSON.stringify(bad));
  }
});

t.test('Go durations parse as time.ParseDuration does', async (t) => {
  // Expectations printed by Go's time.ParseDuration.
  const cases: [string, bigint | undefined][] = [
    ['0', 0n],
    ['-0', 0n],
    ['1ns', 1n],
    ['1.5µs', 1500n],
    ['1.5μs', 1500n],
    ['1.5us', 1500n],
    ['.5s', 500_000_000n],
    ['1.s', 1_000_000_000n],
    ['1h2m3.004005006s', 3_723_004_005_006n],
    ['-1.5s', -1_500_000_000n],
    ['+90m', 5_400_000_000_000n],
    ['2562047h47m16.854775807s', 9_223_372_036_854_775_807n],
    ['-2562047h47m16.854775808s', -9_223_372_036_854_775_808n],
    ['0.3333333333333333333h', 1_200_000_000_000n],
    ['1.0000000000000000000000001s', 1_000_000_000n],
    ['0.1234567890123456789012s', 123_456_789n],
    ['2562047h47m16.854775808s', undefined],
    ['', undefined],
    ['1', undefined],
    ['1d', undefined],
    ['.s', undefined],
    ['1e3s', undefined],
    ['- 1s', undefined],
  ];
  for (const [text, nanoseconds] of cases) t.equal(parseGoDuration(text), nanoseconds, JSON.stringify(text));
  for (const n of [0n, 1n, 1500n, 1_500_000_000n, 3_723_004_005_006n, -9_223_372_036_854_775_808n + 1n]) {
    t.equal(parseGoDuration(formatGoDuration(n)), n, `${n}ns survives format and parse`);
  }
});

t.test('Duration fields encode as int64 nanoseconds and read back', { skip: !protobufAvailable() && 'the protobuf schema is not built' }, async (t) => {
  // No served kind holds a Duration yet: a message of our own with one stands in.
  const root = loadSchema(DEFAULT_SCHEMA_DIR).root;
  const holder = new protobuf.Type('DurationHolder').add(new protobuf.Field('timeout', 1, 'k8s.io.apimachinery.pkg.apis.meta.v1.Duration'));
  root.add(new protobuf.Namespace('rudderTest').add(holder));
  root.resolveAll();
  const bytes = new JsonProtoConverter({}).encode(holder, { timeout: '2562047h47m16.854775807s' });
  t.equal(Buffer.from(bytes).toString('hex'), '0a0a08ffffffffffffffff7f', 'the largest int64, exactly');
  t.strictSame(new ProtoJsonConverter({}).message(holder, holder.decode(bytes)), { timeout: '2562047h47m16.854775807s' });
});
