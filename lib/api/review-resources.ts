// Resources that are served but never stored: a POST of one is answered at once with its status
// filled in (TokenReview now; SubjectAccessReview and its kin with authorization). They are not in
// the resource table, which is the table of stored kinds, but discovery lists them, so kubectl can
// map their kinds to their paths.

export interface ReviewResource {
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  readonly singular: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly verbs: readonly string[];
}

export const TOKEN_REVIEWS: ReviewResource = {
  group: 'authentication.k8s.io',
  version: 'v1',
  resource: 'tokenreviews',
  singular: 'tokenreview',
  kind: 'TokenReview',
  namespaced: false,
  verbs: ['create'],
};

export const REVIEW_RESOURCES: readonly ReviewResource[] = [TOKEN_REVIEWS];

/** The collection path a review is POSTed to. */
export function reviewPath(r: ReviewResource): string {
  return `${r.group === '' ? '/api' : `/apis/${r.group}`}/${r.version}/${r.resource}`;
}
