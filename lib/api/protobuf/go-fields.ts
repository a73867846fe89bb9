// The Go struct facts protobuf does not carry but Kubernetes' JSON depends on: each field's JSON
// name, whether it is `omitempty`, whether its Go type is a pointer, and whether it is an embedded
// struct inlined into its parent. The build step reads them from the Go sources of k8s.io/api
// (build-tools/protobuf/go-structs.ts); the JSON <-> protobuf converters look them up here.

export interface GoField {
  /** JSON name; '' for an inlined embedded struct. */
  json: string;
  omitempty?: true;
  /** The Go type is a pointer, so a zero value the sender set is meaningful. */
  pointer?: true;
  /** An embedded struct whose fields Go's JSON merges into the parent object. */
  inline?: true;
}

/** Proto message full name → proto field number (as a string key) → facts. */
export type GoFieldTable = Record<string, Record<string, GoField>>;
