// CycleState: per-scheduling-cycle storage shared by a profile's plugins (framework.CycleState).
// Values that implement `clone()` are copied by `clone()`, others are shared, as StateData.Clone.

export interface StateData {
  clone?(): StateData;
}

export class CycleState {
  private readonly storage = new Map<string, unknown>();
  /** Filter plugins whose PreFilter returned Skip. */
  skipFilterPlugins = new Set<string>();
  /** Score plugins whose PreScore returned Skip. */
  skipScorePlugins = new Set<string>();

  read<T>(key: string): T | undefined {
    return this.storage.get(key) as T | undefined;
  }

  write(key: string, value: unknown): void {
    this.storage.set(key, value);
  }

  delete(key: string): void {
    this.storage.delete(key);
  }

  clone(): CycleState {
    const c = new CycleState();
    for (const [k, v] of this.storage) {
      const data = v as StateData | null;
      c.storage.set(k, data && typeof data === 'object' && typeof data.clone === 'function' ? data.clone() : v);
    }
    c.skipFilterPlugins = new Set(this.skipFilterPlugins);
    c.skipScorePlugins = new Set(this.skipScorePlugins);
    return c;
  }
}
