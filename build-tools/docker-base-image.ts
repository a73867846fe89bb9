// `npm run docker:base`: makes the Docker base image from this host (see lib/images/docker-base.ts)
// for `docker build --build-arg BASE_IMAGE=rudder.local/base:node` where no registry is reachable.
import { rudderCacheDir } from '../lib/host/cache-dir.js';
import { importDockerBase } from '../lib/images/docker-base.js';

const tag = await importDockerBase(rudderCacheDir(), process.argv[2]);
process.stdout.write(`${tag}\n`);
