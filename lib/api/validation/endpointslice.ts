// discovery.k8s.io/v1 EndpointSlices.
import { FieldPath, fieldErrors } from '../field-errors.js';
import { PORT_PROTOCOLS } from './container.js';
import { validateIPv4, validateIPv6, validateNonSpecialIP } from './ip.js';
import { type Errs, type Rec, optStr, recList, str, strList, strMap } from './json.js';
import { validateImmutable, validateLabels } from './meta.js';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, nameIsDNSSubdomain } from '../names.js';

const ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'];
const ROOT = FieldPath.root();

function validateFQDN(errs: Errs, path: FieldPath, value: string): void {
  if (value === '') {
    errs.add(fieldErrors.required(path.toString(), ''));
    return;
  }
  const name = value.endsWith('.') ? value.slice(0, -1) : value;
  const subdomain = isDNS1123Subdomain(name);
  if (subdomain.length > 0) {
    errs.invalid(path, name, [subdomain.join(',')]);
    return;
  }
  if (name.split('.').length < 2) {
    errs.invalid(path, name, ['should be a domain with at least two segments separated by dots']);
    return;
  }
  for (const label of name.split('.')) {
    const msgs = isDNS1123Label(label);
    if (msgs.length > 0) {
      errs.invalid(path, label, [msgs.join(',')]);
      return;
    }
  }
}

export function validateEndpointSlice(errs: Errs, obj: Rec, allowDeprecatedIP: boolean): void {
  const addressType = str(errs, obj, 'addressType', ROOT);
  const types = allowDeprecatedIP ? ['FQDN', 'IP', 'IPv4', 'IPv6'] : ADDRESS_TYPES;
  if (addressType === '') errs.add(fieldErrors.required('addressType', ''));
  else if (!types.includes(addressType)) errs.add(fieldErrors.notSupported('addressType', addressType, types));

  const endpoints = recList(errs, obj, 'endpoints', ROOT);
  if (endpoints.length > 1000) errs.add(fieldErrors.tooMany('endpoints', endpoints.length, 1000));
  else {
    endpoints.forEach((ep, i) => {
      const p = FieldPath.root('endpoints').index(i);
      const ap = p.child('addresses');
      const addresses = strList(errs, ep, 'addresses', p);
      if (addresses.length === 0) errs.add(fieldErrors.required(ap.toString(), 'must contain at least 1 address'));
      else if (addresses.length > 100) errs.add(fieldErrors.tooMany(ap.toString(), addresses.length, 100));
      addresses.forEach((address, j) => {
        if (addressType === 'IPv4') {
          validateIPv4(errs, ap.index(j), address);
          validateNonSpecialIP(errs, ap.index(j), address);
        } else if (addressType === 'IPv6') {
          validateIPv6(errs, ap.index(j), address);
          validateNonSpecialIP(errs, ap.index(j), address);
        } else if (addressType === 'FQDN') {
          validateFQDN(errs, ap.index(j), address);
        }
      });
      const topology = strMap(errs, ep, 'deprecatedTopology', p);
      const tp = p.child('topology');
      if (topology && Object.keys(topology).length > 16) errs.add(fieldErrors.tooMany(tp.toString(), Object.keys(topology).length, 16));
      validateLabels(errs, topology, tp);
      const hostname = optStr(errs, ep, 'hostname', p);
      if (hostname !== undefined) errs.invalid(p.child('hostname'), hostname, isDNS1123Label(hostname));
      const nodeName = optStr(errs, ep, 'nodeName', p);
      if (nodeName !== undefined) errs.invalid(p.child('nodeName'), nodeName, nameIsDNSSubdomain(nodeName, false));
    });
  }

  const ports = recList(errs, obj, 'ports', ROOT);
  if (ports.length > 100) {
    errs.add(fieldErrors.tooMany('ports', ports.length, 100));
    return;
  }
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const p = FieldPath.root('ports').index(i);
    const name = str(errs, port, 'name', p);
    if (name !== '') errs.invalid(p.child('name'), name, isDNS1123Label(name));
    if (names.has(name)) errs.add(fieldErrors.duplicate(p.child('name').toString(), name));
    else names.add(name);
    const protocol = optStr(errs, port, 'protocol', p);
    if (protocol === undefined) errs.add(fieldErrors.required(p.child('protocol').toString(), ''));
    else if (!PORT_PROTOCOLS.includes(protocol)) errs.add(fieldErrors.notSupported(p.child('protocol').toString(), protocol, PORT_PROTOCOLS));
    const appProtocol = optStr(errs, port, 'appProtocol', p);
    if (appProtocol !== undefined) errs.invalid(p.child('appProtocol'), appProtocol, isQualifiedName(appProtocol));
  });
}

export function validateEndpointSliceUpdateRules(errs: Errs, obj: Rec, old: Rec): void {
  validateImmutable(errs, obj.addressType, old.addressType, FieldPath.root('addressType'));
}
