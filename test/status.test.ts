import t from 'tap';
import { errors } from '../lib/api/status.js';
import { fieldErrors } from '../lib/api/field-errors.js';

t.test('invalid lists every field error the way kubectl prints it', async (t) => {
  const one = errors.invalid('Pod', '', 'web', [fieldErrors.required('spec.containers[0].image')]);
  t.equal(one.status.code, 422);
  t.equal(one.status.message, 'Pod "web" is invalid: spec.containers[0].image: Required value');
  t.same(one.status.details?.causes, [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers[0].image' }]);

  const two = errors.invalid('Deployment', 'apps', 'web', [
    fieldErrors.invalid('metadata.name', 'Web', 'a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters'),
    fieldErrors.notSupported('spec.strategy.type', 'Fast', ['Recreate', 'RollingUpdate']),
  ]);
  t.equal(
    two.status.message,
    'Deployment.apps "web" is invalid: [metadata.name: Invalid value: "Web": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, spec.strategy.type: Unsupported value: "Fast": supported values: "Recreate", "RollingUpdate"]',
  );
  t.equal(two.status.details?.group, 'apps');
});

t.test('not found names the qualified resource', async (t) => {
  const e = errors.notFound({ group: 'apps', resource: 'deployments' }, 'web');
  t.equal(e.status.message, 'deployments.apps "web" not found');
  t.same(e.status.details, { name: 'web', kind: 'deployments', group: 'apps' });
});
