// `npm run docker:node`: makes compose's node image (rudder-node:latest) from the Rudder image and
// this host's containerd, runc, CNI plugins and iptables (see lib/images/docker-node.ts).
import { rudderCacheDir } from '../lib/host/cache-dir.js';
import { buildDockerNode } from '../lib/images/docker-node.js';

const tag = await buildDockerNode(rudderCacheDir(), process.argv[2], process.argv[3]);
process.stdout.write(`${tag}\n`);
