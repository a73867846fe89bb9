// address:port flags (--healthz-bind-address, --dns-bind-address): "[v6]:port" too; an empty address is every one.
export function parseBindAddress(text: string): { host: string; port: number } {
  const colon = text.lastIndexOf(':');
  const host = text.slice(0, colon).replace(/^\[|\]$/g, '');
  const port = Number(text.slice(colon + 1));
  if (colon < 0 || !Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`expected address:port, not "${text}"`);
  return { host: host || '0.0.0.0', port };
}
