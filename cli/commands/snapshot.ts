// rudder snapshot save|restore: a backup of the cluster's store taken while it runs (every write
// acknowledged before `save` started is in it), and a new cluster data directory made from one —
// as etcdctl snapshot save and etcdutl snapshot restore. The restored cluster gets new
// certificates and tokens from `rudder up`; its history starts at the snapshot's revision.
import { createWriteStream, existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { adminToken } from '../../lib/client/admin.js';
import { Store } from '../../lib/native/store.js';
import { apiserverDataDir, pkiDir, tokenFile } from '../cluster/components.js';
import { isAlive } from '../cluster/process.js';
import { readState } from '../cluster/state.js';

function fail(message: string): number {
  process.stderr.write(`rudder: ${message}\n`);
  return 1;
}

/** Streams GET /admin/snapshot of `url` into `file` (through a temporary name, so a failed save leaves nothing). */
function download(url: string, caPem: string, token: string, file: string): Promise<number> {
  const partial = `${file}.part`;
  return new Promise<number>((done, reject) => {
    const req = request(`${url}/admin/snapshot`, { ca: caPem, headers: { authorization: `Bearer ${token}` } }, (res) => {
      if (res.statusCode !== 200) {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => reject(new Error(`the apiserver answered ${res.statusCode}: ${Buffer.concat(chunks).toString('utf8').slice(0, 300)}`)));
        return;
      }
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      pipeline(res, createWriteStream(partial)).then(() => {
        renameSync(partial, file);
        done(bytes);
      }, reject);
    });
    req.on('error', reject);
    req.end();
  }).catch((error: unknown) => {
    rmSync(partial, { force: true });
    throw error;
  });
}

/** The revision a snapshot holds (its header: magic, applied index, revision; little-endian). */
function snapshotRevision(file: string): number {
  const header = readFileSync(file).subarray(0, 24);
  return Number(header.readBigUInt64LE(16));
}

export async function saveSnapshot(options: { dataDir: string; file: string }): Promise<number> {
  const dataDir = resolve(options.dataDir);
  const state = readState(dataDir);
  if (!state || !isAlive(state.supervisorPid)) return fail(`no Rudder cluster is running from ${dataDir}; start it with "rudder up" first`);
  const apiserver = state.components.find((c) => c.name === 'apiserver' || c.replica !== undefined);
  if (!apiserver) return fail(`the cluster at ${dataDir} records no apiserver`);
  const token = adminToken(tokenFile(dataDir));
  if (!token) return fail(`no admin token in ${tokenFile(dataDir)}`);
  const file = resolve(options.file);
  let bytes: number;
  try {
    bytes = await download(apiserver.url, readFileSync(join(pkiDir(dataDir), 'ca.crt'), 'utf8'), token, file);
  } catch (error) {
    return fail(`could not save a snapshot: ${(error as Error).message}`);
  }
  process.stdout.write(`Saved the store at revision ${snapshotRevision(file)} (${bytes} bytes) to ${file}\n`);
  return 0;
}

export function restoreSnapshot(options: { dataDir: string; file: string }): number {
  const dataDir = resolve(options.dataDir);
  const file = resolve(options.file);
  if (!existsSync(file)) return fail(`${file} does not exist`);
  const state = readState(dataDir);
  if (state && isAlive(state.supervisorPid)) return fail(`a cluster is running from ${dataDir}; restore into a new data directory`);
  const storeDir = join(apiserverDataDir(dataDir), 'store');
  if (existsSync(storeDir)) return fail(`${dataDir} already holds a cluster's store; restore into a new data directory (--data-dir)`);
  let revision: number;
  try {
    revision = Store.restoreSnapshot(storeDir, readFileSync(file));
  } catch (error) {
    return fail(`could not restore ${file}: ${(error as Error).message}`);
  }
  const up = options.dataDir === '.rudder' ? 'rudder up' : `rudder up --data-dir ${options.dataDir}`;
  process.stdout.write(`Restored the store at revision ${revision} into ${storeDir}\nStart the cluster with: ${up}\n`);
  return 0;
}
