// A UDP DNS load generator: `inflight` queries outstanding at all times (each slot sends its next
// question as soon as its answer arrives), questions taken in turn from a list, for `seconds`.
// Reports answered queries per second and the latency of each; a query unanswered after 1 s is
// counted lost and its slot goes on.
import { createSocket } from 'node:dgram';
import dnsPacket from 'dns-packet';
import { summarize, type LatencySummary } from './stats.js';

export interface LoadResult extends LatencySummary {
  queriesPerSecond: number;
  answered: number;
  lost: number;
  seconds: number;
}

export function encodeQuestions(names: readonly string[]): Buffer[] {
  return names.map((name) => dnsPacket.encode({ id: 0, type: 'query', flags: dnsPacket.RECURSION_DESIRED, questions: [{ name, type: 'A', class: 'IN' }] }));
}

export async function runDnsLoad(port: number, questions: readonly Buffer[], seconds: number, inflight: number): Promise<LoadResult> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const sentAt = new Float64Array(inflight);
  const latencies: number[] = [];
  let next = 0;
  let lost = 0;
  let running = true;
  const send = (slot: number) => {
    const query = Buffer.from(questions[next++ % questions.length]!);
    query.writeUInt16BE(slot, 0);
    sentAt[slot] = performance.now();
    socket.send(query, port, '127.0.0.1');
  };
  socket.on('message', (message) => {
    const slot = message.readUInt16BE(0);
    if (slot >= inflight || sentAt[slot] === 0) return;
    latencies.push(performance.now() - sentAt[slot]!);
    sentAt[slot] = 0;
    if (running) send(slot);
  });
  const started = performance.now();
  for (let slot = 0; slot < inflight; slot++) send(slot);
  const watchdog = setInterval(() => {
    const now = performance.now();
    for (let slot = 0; slot < inflight; slot++) {
      if (sentAt[slot] !== 0 && now - sentAt[slot]! > 1000) {
        lost++;
        send(slot);
      }
    }
  }, 250);
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  running = false;
  const elapsed = (performance.now() - started) / 1000;
  clearInterval(watchdog);
  socket.close();
  return { ...summarize(latencies), queriesPerSecond: Math.round(latencies.length / elapsed), answered: latencies.length, lost, seconds: Math.round(elapsed * 100) / 100 };
}
