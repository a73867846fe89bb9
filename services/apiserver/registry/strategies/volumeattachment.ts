// storage.k8s.io/v1 VolumeAttachments: the spec never changes, and the status is the attacher's,
// through /status.
import { defineStrategy } from '../strategy.js';
import { served } from './served.js';

export const volumeattachmentStrategy = defineStrategy(served('storage.k8s.io', 'v1', 'volumeattachments'));
