// Definition and message names derive from one Go package path per group version, as Kubernetes'
// generators derive them.
import t from 'tap';
import { goPackageOf, openApiPrefixOf, protoPackageOf } from '../lib/api/go-packages.js';
import { kindDefinitionName, metaDefinitionName, VERSION_INFO } from '../lib/api/openapi/type-names.js';

t.test('group versions map to the Go packages of k8s.io/api and its neighbours', async (t) => {
  t.equal(goPackageOf('', 'v1'), 'k8s.io/api/core/v1');
  t.equal(goPackageOf('apps', 'v1'), 'k8s.io/api/apps/v1');
  t.equal(goPackageOf('rbac.authorization.k8s.io', 'v1'), 'k8s.io/api/rbac/v1');
  t.equal(goPackageOf('autoscaling', 'v2'), 'k8s.io/api/autoscaling/v2');
  t.equal(goPackageOf('internal.apiserver.k8s.io', 'v1alpha1'), 'k8s.io/api/apiserverinternal/v1alpha1');
  t.equal(goPackageOf('meta.k8s.io', 'v1'), 'k8s.io/apimachinery/pkg/apis/meta/v1');
  t.equal(goPackageOf('apiextensions.k8s.io', 'v1'), 'k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1');
});

t.test('OpenAPI names reverse the domain; protobuf names keep it and write dashes as underscores', async (t) => {
  t.equal(kindDefinitionName('discovery.k8s.io', 'v1', 'EndpointSlice'), 'io.k8s.api.discovery.v1.EndpointSlice');
  t.equal(kindDefinitionName('apiregistration.k8s.io', 'v1', 'APIService'), 'io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.APIService');
  t.equal(kindDefinitionName('meta.k8s.io', 'v1', 'DeleteOptions'), metaDefinitionName('DeleteOptions'));
  t.equal(metaDefinitionName('Status'), 'io.k8s.apimachinery.pkg.apis.meta.v1.Status');
  t.equal(VERSION_INFO, 'io.k8s.apimachinery.pkg.version.Info');
  t.equal(openApiPrefixOf('k8s.io/api/core/v1'), 'io.k8s.api.core.v1');
  t.equal(protoPackageOf(goPackageOf('', 'v1')), 'k8s.io.api.core.v1');
  t.equal(protoPackageOf(goPackageOf('apiextensions.k8s.io', 'v1')), 'k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1');
});
