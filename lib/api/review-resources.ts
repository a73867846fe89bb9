// Resources that are served but never stored: a POST of one is answered at once with its status
// filled in (TokenReview, SubjectAccessReview and their kin). They are not in
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

function review(group: string, version: string, resource: string, kind: string, namespaced = false): ReviewResource {
  return { group, version, resource, singular: kind.toLowerCase(), kind, namespaced, verbs: ['create'] };
}

export const SUBJECT_ACCESS_REVIEWS = review('authorization.k8s.io', 'v1', 'subjectaccessreviews', 'SubjectAccessReview');
export const SELF_SUBJECT_ACCESS_REVIEWS = review('authorization.k8s.io', 'v1', 'selfsubjectaccessreviews', 'SelfSubjectAccessReview');
export const LOCAL_SUBJECT_ACCESS_REVIEWS = review('authorization.k8s.io', 'v1', 'localsubjectaccessreviews', 'LocalSubjectAccessReview', true);
export const SELF_SUBJECT_RULES_REVIEWS = review('authorization.k8s.io', 'v1', 'selfsubjectrulesreviews', 'SelfSubjectRulesReview');
export const SELF_SUBJECT_REVIEWS = review('authentication.k8s.io', 'v1', 'selfsubjectreviews', 'SelfSubjectReview');
/** kubectl 1.27's `auth whoami` asks v1beta1. */
export const SELF_SUBJECT_REVIEWS_V1BETA1 = review('authentication.k8s.io', 'v1beta1', 'selfsubjectreviews', 'SelfSubjectReview');

export const REVIEW_RESOURCES: readonly ReviewResource[] = [
  TOKEN_REVIEWS,
  SELF_SUBJECT_REVIEWS,
  SELF_SUBJECT_REVIEWS_V1BETA1,
  SUBJECT_ACCESS_REVIEWS,
  SELF_SUBJECT_ACCESS_REVIEWS,
  LOCAL_SUBJECT_ACCESS_REVIEWS,
  SELF_SUBJECT_RULES_REVIEWS,
];

/** The collection path a review is POSTed to (a namespaced one's with a :namespace parameter). */
export function reviewPath(r: ReviewResource): string {
  return `${r.group === '' ? '/api' : `/apis/${r.group}`}/${r.version}/${r.namespaced ? 'namespaces/:namespace/' : ''}${r.resource}`;
}
