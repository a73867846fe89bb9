// The kubelet's token manager (pkg/kubelet/token): bound ServiceAccount tokens for projected
// volumes, obtained by TokenRequest and kept per pod, ServiceAccount, audiences and expiry; a token
// is requested again once 80 % of its life has passed (or it is older than 24 h). When a renewal
// fails, the old token is served while it is still valid.
import type { Clock } from '../../../lib/client/clock.js';
import type { IssuedToken, PodObjects, TokenSpec } from './pod-objects.js';

const MAX_AGE_MS = 24 * 3600_000;

interface Held extends IssuedToken {
  issuedAt: number;
}

function keyOf(spec: TokenSpec): string {
  return JSON.stringify([spec.pod.uid, spec.namespace, spec.serviceAccount, spec.audiences, spec.expirationSeconds]);
}

export class TokenManager {
  private readonly held = new Map<string, Held>();

  constructor(private readonly objects: Pick<PodObjects, 'requestToken'>, private readonly clock: Pick<Clock, 'now'>) {}

  private fresh(token: Held, now: number): boolean {
    const life = token.expiresAt - token.issuedAt;
    return now < token.issuedAt + life * 0.8 && now - token.issuedAt < MAX_AGE_MS;
  }

  async token(spec: TokenSpec): Promise<string> {
    const key = keyOf(spec);
    const now = this.clock.now();
    const held = this.held.get(key);
    if (held && this.fresh(held, now)) return held.token;
    try {
      const issued = await this.objects.requestToken(spec);
      this.held.set(key, { ...issued, issuedAt: now });
      return issued.token;
    } catch (error) {
      if (held && now < held.expiresAt) return held.token;
      throw error;
    }
  }

  /** Drops the tokens of a pod that is gone. */
  forgetPod(uid: string): void {
    for (const key of this.held.keys()) if ((JSON.parse(key) as string[])[0] === uid) this.held.delete(key);
  }
}
