// Upgrade requests (SPDY/3.1, WebSocket) through a Fastify app's routes, so its hooks
// (authentication, authorization) run for them as for any request: Node hands an upgrade request
// to the server's 'upgrade' listener with the bare socket; it is routed with a response bound to
// that socket, and a route that takes it over finds the socket and the bytes read past the head
// with upgradeOf(). A route that answers normally (401, 404) answers on the same socket, which is
// then closed.
import { ServerResponse, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';

export interface Upgrade {
  socket: Duplex;
  /** Bytes the client sent after the request head. */
  head: Buffer;
}

const upgrades = new WeakMap<IncomingMessage, Upgrade>();
const taken = new WeakSet<IncomingMessage>();

/** The upgraded connection of a request that came through routeUpgrades, or undefined for a plain request. */
export function upgradeOf(request: FastifyRequest): Upgrade | undefined {
  return upgrades.get(request.raw);
}

export function routeUpgrades(app: FastifyInstance): void {
  const server = app.server as Server;
  server.on('upgrade', (raw: IncomingMessage, socket: Duplex, head: Buffer) => {
    upgrades.set(raw, { socket, head });
    socket.on('error', () => socket.destroy());
    const response = new ServerResponse(raw);
    response.assignSocket(socket as never);
    response.shouldKeepAlive = false;
    response.on('finish', () => {
      if (!socket.destroyed && upgrades.get(raw)?.socket === socket && !taken.has(raw)) socket.end();
    });
    app.routing(raw, response);
  });
}

/** Marks the request's connection as taken over by its route (no longer closed when the response ends). */
export function takeUpgrade(request: FastifyRequest): Upgrade | undefined {
  const upgrade = upgrades.get(request.raw);
  if (upgrade) taken.add(request.raw);
  return upgrade;
}
