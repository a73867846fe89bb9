// What a request asks, as Kubernetes' authorizer.Attributes names it: a resource request (verb, API
// group, resource, subresource, namespace, name) or a non-resource request (verb and path).

export interface ResourceAttributes {
  readonly verb: string;
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  readonly subresource: string;
  readonly namespace: string;
  readonly name: string;
}

export interface NonResourceAttributes {
  readonly verb: string;
  readonly path: string;
}
