// A resolv.conf as the resolver reads it (resolv.conf(5)): nameservers, the search list (the
// last `search` or `domain` line wins) and options; comments start with # or ;.
import { readFileSync } from 'node:fs';

export interface ResolvConf {
  nameservers: string[];
  searches: string[];
  options: string[];
}

export function parseResolvConf(text: string): ResolvConf {
  const conf: ResolvConf = { nameservers: [], searches: [], options: [] };
  for (const line of text.split('\n')) {
    const [keyword, ...values] = line.replace(/[#;].*$/, '').trim().split(/\s+/);
    if (keyword === 'nameserver' && values[0]) conf.nameservers.push(values[0].replace(/%.*$/, ''));
    else if (keyword === 'search' || keyword === 'domain') conf.searches = values.filter(Boolean);
    else if (keyword === 'options') conf.options.push(...values.filter(Boolean));
  }
  return conf;
}

/** The file's contents parsed; an empty path (kubelet's --resolv-conf "") or a missing file is an empty one. */
export function readResolvConf(path: string): ResolvConf {
  if (!path) return { nameservers: [], searches: [], options: [] };
  try {
    return parseResolvConf(readFileSync(path, 'utf8'));
  } catch {
    return { nameservers: [], searches: [], options: [] };
  }
}
