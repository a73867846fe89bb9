// Column definitions that many kinds share. Names, types, formats and priorities are what
// kubectl reads; the descriptions are short notes for people reading the raw Table.
import type { TableColumn } from './types.js';

export function column(name: string, type: TableColumn['type'], description: string, priority = 0): TableColumn {
  return { name, type, format: '', description, priority };
}

export function wide(name: string, type: TableColumn['type'], description: string): TableColumn {
  return column(name, type, description, 1);
}

export const nameColumn: TableColumn = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace; it identifies the object in URLs and commands.',
  priority: 0,
};

export const ageColumn = column('Age', 'string', 'How long ago the object was created (metadata.creationTimestamp).');

export const containersColumn = wide('Containers', 'string', 'Container names from the pod template, in order.');
export const imagesColumn = wide('Images', 'string', 'Container images from the pod template, in order.');
