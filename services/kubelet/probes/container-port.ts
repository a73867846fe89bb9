// A probe's or hook's port: a number, or the name of one of the container's ports.
import type { Container } from 'kubernetes-types/core/v1.js';

export function containerPort(port: number | string, container: Container): number {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  const named = container.ports?.find((p) => p.name === port);
  if (!named) throw new Error(`unable to find port "${port}" in container ${container.name}`);
  return named.containerPort;
}
