// The envelope every Kubernetes protobuf object travels in: the four bytes "k8s\0", then a
// runtime.Unknown whose typeMeta names the object's apiVersion and kind and whose raw field holds
// the object's own message (proto messages carry no apiVersion or kind of their own).
import protobuf from 'protobufjs';

export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';
/** What kube-apiserver answers a protobuf watch with: length-prefixed WatchEvent messages. */
export const PROTOBUF_WATCH_MEDIA_TYPE = `${PROTOBUF_MEDIA_TYPE};stream=watch`;

/** "k8s" and a zero byte. */
export const ENVELOPE_PREFIX: Buffer = Buffer.from([0x6b, 0x38, 0x73, 0x00]);
export const UNKNOWN_MESSAGE = 'k8s.io.apimachinery.pkg.runtime.Unknown';

/**
 * The envelope around `raw`, byte for byte as Go's runtime.Unknown marshals it: typeMeta, raw,
 * then contentEncoding and contentType, both written though empty (they are not pointers).
 */
export function writeEnvelope(apiVersion: string, kind: string, raw: Uint8Array): Buffer {
  const writer = protobuf.Writer.create();
  writer.uint32(0x0a).fork().uint32(0x0a).string(apiVersion).uint32(0x12).string(kind).ldelim();
  writer.uint32(0x12).bytes(raw);
  writer.uint32(0x1a).string('').uint32(0x22).string('');
  const unknown = writer.finish();
  const out = Buffer.allocUnsafe(ENVELOPE_PREFIX.length + unknown.length);
  ENVELOPE_PREFIX.copy(out, 0);
  out.set(unknown, ENVELOPE_PREFIX.length);
  return out;
}
