// tcpSocket probes: success once a TCP connection to host:port opens within the timeout.
import { connect } from 'node:net';
import { dialError, failure, hostPort, success, type ProbeOutcome } from './probe-outcome.js';

export function tcpProbe(host: string, port: number, timeoutMs: number): Promise<ProbeOutcome> {
  const address = hostPort(host, port);
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(failure(`dial tcp ${address}: i/o timeout`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(success());
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(failure(dialError(address, error)));
    });
  });
}
