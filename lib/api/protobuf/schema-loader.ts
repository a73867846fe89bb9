// The schema a decoder and an encoder share: parsed on first use, once per directory. Parsing the
// .proto files takes a noticeable moment and the resolved Root is never changed afterwards, so one
// copy serves both directions. Each side words its own Status for a missing schema (415 for a
// body the server cannot read, 406 for an answer it cannot write).
import { loadSchema, schemaBuilt, type ProtobufSchema } from './schema.js';

export class SchemaUnavailable extends Error {
  constructor(
    readonly dir: string,
    /** Why a schema that is present could not be used; undefined when it was never built. */
    readonly why?: string,
  ) {
    super(`the Kubernetes protobuf schema is not usable in ${dir}${why ? ` (${why})` : ''}`);
    this.name = 'SchemaUnavailable';
  }
}

export interface LazySchema {
  /** Whether the schema was built and (if already read) could be read. */
  available(): boolean;
  /** The parsed schema; throws SchemaUnavailable. */
  load(): ProtobufSchema;
}

const byDir = new Map<string, LazySchema>();

/** The shared, lazily parsed schema under `dir`. */
export function lazySchema(dir: string): LazySchema {
  let shared = byDir.get(dir);
  if (shared === undefined) {
    shared = createLazySchema(dir);
    byDir.set(dir, shared);
  }
  return shared;
}

function createLazySchema(dir: string): LazySchema {
  let loaded: ProtobufSchema | undefined;
  // A schema that failed to parse stays failed: re-reading it on every request would not help.
  let loadError: string | undefined;
  return {
    available: () => loaded !== undefined || (loadError === undefined && schemaBuilt(dir)),
    load(): ProtobufSchema {
      if (loaded) return loaded;
      if (loadError !== undefined) throw new SchemaUnavailable(dir, loadError);
      if (!schemaBuilt(dir)) throw new SchemaUnavailable(dir);
      try {
        loaded = loadSchema(dir);
        return loaded;
      } catch (error) {
        loadError = `it could not be read: ${error instanceof Error ? error.message : String(error)}`;
        throw new SchemaUnavailable(dir, loadError);
      }
    },
  };
}
