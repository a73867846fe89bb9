// One DNS message in, one out: from the cache when the same question was answered before, else
// decoded (dns-packet), answered from the cluster's records or forwarded upstream, encoded, cut to
// the client's UDP size (TC bit, so it asks again over TCP), and cached. Counts every step with
// CoreDNS's metrics.
import dnsPacket, { type Answer, type DecodedPacket, type OptAnswer, type Packet, type Question } from 'dns-packet';
import { AnswerCache, withId } from './answer-cache.js';
import { ClusterAnswers, RCODE, type ClusterAnswer } from './cluster-answers.js';
import type { ClusterRecords } from './cluster-records.js';
import type { Forwarder } from './forwarder.js';
import type { DnsMetrics } from './metrics.js';

export interface QueryHandlerDeps {
  records: ClusterRecords;
  answers: ClusterAnswers;
  forwarder: Forwarder;
  cache: AnswerCache;
  metrics: DnsMetrics;
  /** TTL of cluster answers, seconds (also the longest a cluster answer is cached). */
  ttl: number;
  /** The `server` label of the metrics (dns://:53). */
  server: string;
  now: () => number;
}

export interface Client {
  tcp: boolean;
  family: 'IPv4' | 'IPv6';
}

/** A forwarded answer is cached at most this long, whatever its TTL. */
const MAX_FORWARD_CACHE_SECONDS = 30;
/** The largest UDP answer without EDNS (RFC 1035), and the largest this server sends with it (DNS flag day 2020). */
const PLAIN_UDP_SIZE = 512;
const EDNS_UDP_SIZE = 1232;
const ZONE = '.';
const RCODE_NAMES = Object.fromEntries(Object.entries(RCODE).map(([name, code]) => [code, name])) as Record<number, string>;

interface Labels {
  type: string;
  rcode: number;
}

export class QueryHandler {
  constructor(private readonly deps: QueryHandlerDeps) {}

  /** The answer to send, or undefined to send nothing (not a DNS query at all). Cached answers come back synchronously. */
  handle(query: Buffer, client: Client): Buffer | Promise<Buffer | undefined> | undefined {
    if (query.length < 12 || query[2]! & 0x80) return undefined;
    const { cache, records, metrics, server } = this.deps;
    const started = performance.now();
    const key = AnswerCache.key(query, client.tcp);
    const cached = cache.get(key, this.deps.now(), records.generation);
    if (cached) {
      metrics.cacheHits({ server, type: cached.denial ? 'denial' : 'success' }).inc();
      const response = withId(cached.response, query);
      this.count(client, { type: typeOf(query), rcode: response[3]! & 0xf }, started);
      return response;
    }
    metrics.cacheMisses({ server }).inc();
    let packet: DecodedPacket;
    try {
      packet = dnsPacket.decode(query);
    } catch {
      return this.finish(client, started, errorResponse(query, RCODE.FORMERR), { type: 'other', rcode: RCODE.FORMERR });
    }
    if (((query[2]! >> 3) & 0xf) !== 0) return this.finish(client, started, errorResponse(query, RCODE.NOTIMP), { type: 'other', rcode: RCODE.NOTIMP });
    const question = packet.questions?.length === 1 ? packet.questions[0]! : undefined;
    if (!question) return this.finish(client, started, errorResponse(query, RCODE.FORMERR), { type: 'other', rcode: RCODE.FORMERR });
    const name = question.name.toLowerCase().replace(/\.$/, '');
    const generation = records.generation;
    const answer = question.class === 'IN' || question.class === undefined ? this.deps.answers.answer(name, question.type) : undefined;
    if (!answer) return this.forwarded(query, client, question, key, started);
    if (answer.externalTarget && (question.type === 'A' || question.type === 'AAAA')) {
      return this.resolveTarget(answer.externalTarget, question.type, client).then((chased) => {
        const response = this.encode(packet, question, { ...answer, answers: [...answer.answers, ...chased] }, client);
        return this.finish(client, started, response, { type: question.type, rcode: answer.rcode });
      });
    }
    const response = this.encode(packet, question, answer, client);
    if (!(response[2]! & 0x02)) cache.set(key, { response, expiresAt: this.deps.now() + this.deps.ttl * 1000, generation, denial: answer.answers.length === 0 });
    return this.finish(client, started, response, { type: question.type, rcode: answer.rcode });
  }

  private encode(query: DecodedPacket, question: Question, answer: ClusterAnswer, client: Client): Buffer {
    const opt = query.additionals?.find((a): a is OptAnswer => a.type === 'OPT');
    const edns: Answer[] = opt ? [{ name: '.', type: 'OPT', udpPayloadSize: EDNS_UDP_SIZE, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] } satisfies OptAnswer] : [];
    const flags = dnsPacket.AUTHORITATIVE_ANSWER | dnsPacket.RECURSION_AVAILABLE | ((query.flags ?? 0) & dnsPacket.RECURSION_DESIRED) | answer.rcode;
    const packet: Packet = { id: query.id ?? 0, type: 'response', flags, questions: [question], answers: answer.answers, authorities: answer.authorities, additionals: [...answer.additionals, ...edns] };
    const response = dnsPacket.encode(packet);
    const limit = client.tcp ? 65535 : opt ? Math.max(PLAIN_UDP_SIZE, Math.min(opt.udpPayloadSize ?? PLAIN_UDP_SIZE, EDNS_UDP_SIZE)) : PLAIN_UDP_SIZE;
    if (response.length <= limit) return response;
    this.deps.metrics.truncated({ server: this.deps.server }).inc();
    return dnsPacket.encode({ ...packet, flags: flags | dnsPacket.TRUNCATED_RESPONSE, answers: [], authorities: [], additionals: edns });
  }

  /** An ExternalName's target, asked upstream: its records follow the CNAME in the answer. */
  private async resolveTarget(target: string, type: 'A' | 'AAAA', client: Client): Promise<Answer[]> {
    const query = dnsPacket.encode({ id: Math.floor(Math.random() * 65536), type: 'query', flags: dnsPacket.RECURSION_DESIRED, questions: [{ name: target, type, class: 'IN' }] });
    const result = await this.deps.forwarder.forward(query, client.tcp);
    if (!result) return [];
    try {
      return dnsPacket.decode(result.response).answers ?? [];
    } catch {
      return [];
    }
  }

  private async forwarded(query: Buffer, client: Client, question: Question, key: string, started: number): Promise<Buffer | undefined> {
    const { forwarder, metrics, cache } = this.deps;
    const upstream = forwarder.upstreams[0];
    if (upstream) metrics.forwardRequests({ to: `${upstream.host}:${upstream.port}` }).inc();
    const result = await forwarder.forward(query, client.tcp);
    if (!result) return this.finish(client, started, errorResponse(query, RCODE.SERVFAIL), { type: question.type, rcode: RCODE.SERVFAIL });
    const rcode = result.response[3]! & 0xf;
    metrics.forwardResponses({ to: `${result.upstream.host}:${result.upstream.port}`, rcode: RCODE_NAMES[rcode] ?? String(rcode) }).inc();
    const ttl = forwardedTtl(result.response);
    if ((rcode === RCODE.NOERROR || rcode === RCODE.NXDOMAIN) && ttl > 0 && !(result.response[2]! & 0x02)) {
      cache.set(key, { response: result.response, expiresAt: this.deps.now() + Math.min(ttl, MAX_FORWARD_CACHE_SECONDS) * 1000, denial: rcode === RCODE.NXDOMAIN || result.response.readUInt16BE(6) === 0 });
    }
    return this.finish(client, started, result.response, { type: question.type, rcode });
  }

  private finish(client: Client, started: number, response: Buffer, labels: Labels): Buffer {
    this.count(client, labels, started);
    return response;
  }

  private count(client: Client, labels: Labels, started: number): void {
    const { metrics, server } = this.deps;
    metrics.requests({ server, zone: ZONE, proto: client.tcp ? 'tcp' : 'udp', family: client.family === 'IPv6' ? '2' : '1', type: labels.type }).inc();
    metrics.responses({ server, zone: ZONE, rcode: RCODE_NAMES[labels.rcode] ?? String(labels.rcode), plugin: '' }).inc();
    metrics.duration({ server, zone: ZONE, type: labels.type }).observe((performance.now() - started) / 1000);
  }
}

/** The smallest TTL of a forwarded answer's records (an SOA's minimum for a negative one); 0 if unreadable. */
function forwardedTtl(response: Buffer): number {
  try {
    const packet = dnsPacket.decode(response);
    const ttls = [...(packet.answers ?? []), ...(packet.authorities ?? [])].filter((a) => a.type !== 'OPT').map((a) => ('ttl' in a && typeof a.ttl === 'number' ? a.ttl : 0));
    return ttls.length > 0 ? Math.min(...ttls) : 0;
  } catch {
    return 0;
  }
}

/** A reply with only the header: the query's ID and opcode, QR set, and `rcode`. */
function errorResponse(query: Buffer, rcode: number): Buffer {
  const response = Buffer.alloc(12);
  query.copy(response, 0, 0, 4);
  response[2] = (query[2]! & 0x79) | 0x80;
  response[3] = 0x80 | rcode;
  return response;
}

const TYPE_NAMES: Record<number, string> = { 1: 'A', 2: 'NS', 5: 'CNAME', 6: 'SOA', 12: 'PTR', 15: 'MX', 16: 'TXT', 28: 'AAAA', 33: 'SRV', 255: 'ANY' };

/** The question's type, read straight from the bytes (for cached answers, which are never decoded). */
function typeOf(query: Buffer): string {
  let offset = 12;
  while (offset < query.length && query[offset] !== 0) offset += query[offset]! + 1;
  return offset + 2 < query.length ? (TYPE_NAMES[query.readUInt16BE(offset + 1)] ?? 'other') : 'other';
}
