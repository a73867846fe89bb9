// Speaks (and mis-speaks) the replicas' Raft wire protocol from a test: plain TCP or TLS with any
// identity, the frames of crates/store/src/replica/frame.rs, and Raft messages encoded with a
// minimal inline copy of raft-rs's eraftpb.Message.
import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import protobuf from 'protobufjs';
import { raftPeerName } from '../../lib/pki/raft-peer.js';

const ERAFTPB = `
syntax = "proto3";
package eraftpb;
enum MessageType {
  MsgHup = 0; MsgBeat = 1; MsgPropose = 2; MsgAppend = 3; MsgAppendResponse = 4;
  MsgRequestVote = 5; MsgRequestVoteResponse = 6; MsgSnapshot = 7; MsgHeartbeat = 8;
  MsgHeartbeatResponse = 9; MsgUnreachable = 10; MsgSnapStatus = 11; MsgCheckQuorum = 12;
  MsgTransferLeader = 13; MsgTimeoutNow = 14; MsgReadIndex = 15; MsgReadIndexResp = 16;
  MsgRequestPreVote = 17; MsgRequestPreVoteResponse = 18;
}
message Message {
  MessageType msg_type = 1; uint64 to = 2; uint64 from = 3; uint64 term = 4; uint64 log_term = 5;
  uint64 index = 6; uint64 commit = 8;
}
`;
const MessageProto = protobuf.parse(ERAFTPB, { keepCase: true }).root.lookupType('eraftpb.Message');
export const MsgHeartbeat = 8;
export const MsgTimeoutNow = 14;

export interface RaftMessage {
  msg_type: number;
  from: number;
  to: number;
  term: number;
  commit?: number;
}

function u32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32LE(value >>> 0);
  return bytes;
}

export function frame(payload: Buffer): Buffer {
  return Buffer.concat([u32(payload.length), payload]);
}

export function hello(sender: number, address = '127.0.0.1:1'): Buffer {
  const id = Buffer.alloc(8);
  id.writeBigUInt64LE(BigInt(sender));
  return frame(Buffer.concat([Buffer.from('RDRRAFT2'), id, Buffer.from(address)]));
}

export function batch(messages: RaftMessage[]): Buffer {
  const encoded = messages.map((m) => Buffer.from(MessageProto.encode(MessageProto.create(m)).finish()));
  return frame(Buffer.concat([u32(encoded.length), ...encoded.flatMap((bytes) => [u32(bytes.length), bytes])]));
}

export interface Identity {
  certPem: string;
  keyPem: string;
}

export type Transport = { kind: 'plain' } | { kind: 'tls'; caPem: string; identity?: Identity; target: number };

export interface Outcome {
  /** The connection (TCP, and TLS when asked for) was established. */
  connected: boolean;
  /** The replica acknowledged a hello (its first byte back was 0x01). */
  acked: boolean;
  /** The replica closed the connection within the wait. */
  closed: boolean;
}

/**
 * Connects to a replica's peer port, sends `chunks` one after another (with `pauseMs` between
 * them), then waits up to `waitMs` for the replica to close the connection.
 */
export function probe(port: number, transport: Transport, chunks: Buffer[], waitMs = 3000, pauseMs = 100): Promise<Outcome> {
  return new Promise((resolve) => {
    const outcome: Outcome = { connected: false, acked: false, closed: false };
    let socket: Socket;
    let timer: NodeJS.Timeout | undefined;
    const finish = (): void => {
      if (timer) clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const send = async (): Promise<void> => {
      outcome.connected = true;
      for (const chunk of chunks) {
        if (socket.destroyed) break;
        socket.write(chunk);
        await new Promise((r) => setTimeout(r, pauseMs));
      }
      if (!outcome.closed) timer = setTimeout(finish, waitMs);
    };
    if (transport.kind === 'plain') {
      socket = tcpConnect({ host: '127.0.0.1', port }, () => void send());
    } else {
      socket = tlsConnect(
        {
          host: '127.0.0.1',
          port,
          ca: transport.caPem,
          servername: raftPeerName(transport.target),
          minVersion: 'TLSv1.3',
          ...(transport.identity ? { cert: transport.identity.certPem, key: transport.identity.keyPem } : {}),
        },
        () => void send(),
      );
    }
    socket.on('data', (data: Buffer) => {
      if (data[0] === 1) outcome.acked = true;
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      outcome.closed = true;
      finish();
    });
  });
}
