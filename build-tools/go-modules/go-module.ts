// A Go module version the build reads files from, pinned the way go.sum pins it.

export interface GoModule {
  /** Module path as the Go module proxy names it. */
  readonly path: string;
  readonly version: string;
  /** The go.sum "h1:" hash of the module zip: a download that hashes differently is refused. */
  readonly h1: string;
}

/** What the build keeps of a module, relative to the module root. */
export interface ModuleSelection {
  /** Single files, kept as they are. */
  readonly files?: readonly string[];
  /**
   * Directories whose own files are kept, except Go tests and generated Go code
   * (generated.pb.go, zz_generated.*.go, *_generated.go): a package's .proto and its Go structs.
   */
  readonly dirs?: readonly string[];
}

export function moduleId(module: Pick<GoModule, 'path' | 'version'>): string {
  return `${module.path}@${module.version}`;
}
