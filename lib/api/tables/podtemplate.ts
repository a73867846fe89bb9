// PodTemplate rows: the template's containers, images and pod labels (all shown without -o wide).
import type { PodTemplate } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../object.js';
import { column, nameColumn } from './columns.js';
import { containerCells, formatLabels } from './format.js';
import type { Printer } from './types.js';

export const podTemplatePrinter: Printer = {
  columns: [
    nameColumn,
    column('Containers', 'string', 'Names of each container in the template.'),
    column('Images', 'string', 'Images referenced by each container in the template.'),
    column('Pod Labels', 'string', 'The labels for the pod template.'),
  ],
  cells(obj: KubeObject): unknown[] {
    const podTemplate = obj as PodTemplate;
    const [names, images] = containerCells(podTemplate.template?.spec?.containers);
    return [podTemplate.metadata?.name ?? '', names, images, formatLabels(podTemplate.template?.metadata?.labels)];
  },
};
