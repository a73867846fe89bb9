// core/v1 PodTemplates: the template counts generations (a PodTemplate has no spec or status, so
// every change of it is a change of its template).
import { defineStrategy } from '../strategy.js';
import { served } from './served.js';

export const podtemplateStrategy = defineStrategy(served('', 'v1', 'podtemplates'), { tracksGeneration: true });
