// Reads the kubernetes-types declarations with the TypeScript compiler and turns each
// interface into an OpenAPI schema: JSDoc becomes the description, optional members stay out
// of `required`, references between declarations become $refs. Runs at build time only.
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';
import { isByteField, isInt64Field } from './field-formats.js';
import { noPatchMetadata, type PatchMetadataLookup } from './patch-metadata.js';
import { definitionRef, type Definitions, type Schema } from '../../lib/api/openapi/schema.js';
import { definitionName, INT_OR_STRING, type TypesModule } from '../../lib/api/openapi/type-names.js';

export interface TypeRoot {
  module: TypesModule;
  name: string;
}

export interface ReadOptions {
  /** Where kubernetes-types is installed; found through Node's resolution when omitted. */
  packageDir?: string;
  patchMetadata?: PatchMetadataLookup;
}

/** Aliases of `string` that carry a timestamp. */
const DATE_TIME_ALIASES = new Set(['io.k8s.apimachinery.pkg.apis.meta.v1.Time', 'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime']);

const INT_OR_STRING_SCHEMA: Schema = {
  description:
    'IntOrString holds either an integer or a string. In JSON and YAML it is written as the bare value: 8080 or "http". Fields of this type accept a port number or a port name, or a count or a percentage such as "25%".',
  type: 'string',
  format: 'int-or-string',
};

export function kubernetesTypesDir(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('kubernetes-types/package.json'));
}

/** Definitions for `roots` and everything they reference, keyed by Kubernetes definition name. */
export function readDefinitions(roots: readonly TypeRoot[], options: ReadOptions = {}): Definitions {
  const packageDir = options.packageDir ?? kubernetesTypesDir();
  const files = [...new Set(roots.map((root) => join(packageDir, `${root.module}.d.ts`)))];
  const program = ts.createProgram(files, { noLib: true, noEmit: true, types: [], skipLibCheck: true });
  const reader = new DeclarationReader(program, packageDir, options.patchMetadata ?? noPatchMetadata);
  for (const root of roots) reader.require(root.module, root.name);
  return reader.finish();
}

type Declaration = ts.InterfaceDeclaration | ts.TypeAliasDeclaration;

class DeclarationReader {
  private readonly checker: ts.TypeChecker;
  private readonly definitions: Definitions = {};
  private readonly pending: { name: string; declaration: Declaration }[] = [];

  constructor(
    private readonly program: ts.Program,
    private readonly packageDir: string,
    private readonly patchMetadata: PatchMetadataLookup,
  ) {
    this.checker = program.getTypeChecker();
  }

  require(module: TypesModule, typeName: string): string {
    const file = this.program.getSourceFile(join(this.packageDir, `${module}.d.ts`));
    if (!file) throw new Error(`kubernetes-types has no module ${module}`);
    const declaration = file.statements.find(
      (s): s is Declaration => (ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s)) && s.name.text === typeName,
    );
    if (!declaration) throw new Error(`kubernetes-types ${module} declares no ${typeName}`);
    return this.enqueue(module, declaration);
  }

  finish(): Definitions {
    for (let next = this.pending.shift(); next; next = this.pending.shift()) {
      this.definitions[next.name] = this.schemaOfDeclaration(next.name, next.declaration);
    }
    const sorted: Definitions = {};
    for (const name of Object.keys(this.definitions).sort()) sorted[name] = this.definitions[name]!;
    return sorted;
  }

  private enqueue(module: TypesModule, declaration: Declaration): string {
    const name = definitionName(module, declaration.name.text);
    if (!(name in this.definitions)) {
      this.definitions[name] = {}; // placeholder until finish() reads the declaration
      this.pending.push({ name, declaration });
    }
    return name;
  }

  private schemaOfDeclaration(name: string, declaration: Declaration): Schema {
    const schema: Schema = {};
    const description = this.documentation(declaration.name);
    if (description) schema.description = description;
    if (ts.isTypeAliasDeclaration(declaration)) {
      if (declaration.type.kind !== ts.SyntaxKind.StringKeyword) throw new Error(`${name}: only aliases of string are expected`);
      schema.type = 'string';
      if (DATE_TIME_ALIASES.has(name)) schema.format = 'date-time';
      return schema;
    }
    schema.type = 'object';
    const properties: Record<string, Schema> = {};
    const required: string[] = [];
    for (const member of declaration.members) {
      if (!ts.isPropertySignature(member) || !member.type) continue;
      const field = propertyName(member.name);
      const property = this.schemaOfType(member.type, name, field);
      const doc = this.documentation(member.name);
      if (doc) property.description = doc;
      const patch = this.patchMetadata(name, field);
      if (patch?.strategy) property['x-kubernetes-patch-strategy'] = patch.strategy;
      if (patch?.mergeKey) property['x-kubernetes-patch-merge-key'] = patch.mergeKey;
      properties[field] = orderKeys(property);
      if (!member.questionToken) required.push(field);
    }
    if (Object.keys(properties).length > 0) schema.properties = properties;
    if (required.length > 0) schema.required = required;
    return schema;
  }

  /** The schema of a member's type; `owner` and `field` pick integer and byte formats. */
  private schemaOfType(node: ts.TypeNode, owner: string, field: string): Schema {
    switch (node.kind) {
      case ts.SyntaxKind.StringKeyword:
        return isByteField(owner, field) ? { type: 'string', format: 'byte' } : { type: 'string' };
      case ts.SyntaxKind.NumberKeyword:
        return { type: 'integer', format: isInt64Field(owner, field) ? 'int64' : 'int32' };
      case ts.SyntaxKind.BooleanKeyword:
        return { type: 'boolean' };
      case ts.SyntaxKind.LiteralType:
        if (ts.isStringLiteral((node as ts.LiteralTypeNode).literal)) return { type: 'string' };
        break;
      case ts.SyntaxKind.ParenthesizedType:
        return this.schemaOfType((node as ts.ParenthesizedTypeNode).type, owner, field);
      case ts.SyntaxKind.ArrayType:
        return { type: 'array', items: this.schemaOfType((node as ts.ArrayTypeNode).elementType, owner, field) };
      case ts.SyntaxKind.UnionType: {
        const kinds = new Set((node as ts.UnionTypeNode).types.map((t) => t.kind));
        if (kinds.size === 2 && kinds.has(ts.SyntaxKind.NumberKeyword) && kinds.has(ts.SyntaxKind.StringKeyword)) {
          this.definitions[INT_OR_STRING] ??= INT_OR_STRING_SCHEMA;
          return { $ref: definitionRef(INT_OR_STRING) };
        }
        break;
      }
      case ts.SyntaxKind.TypeLiteral: {
        const index = (node as ts.TypeLiteralNode).members.find(ts.isIndexSignatureDeclaration);
        if (index) return { type: 'object', additionalProperties: this.schemaOfType(index.type, owner, field) };
        break;
      }
      case ts.SyntaxKind.TypeReference: {
        const reference = node as ts.TypeReferenceNode;
        if (ts.isIdentifier(reference.typeName) && reference.typeName.text === 'Array' && reference.typeArguments?.length === 1) {
          return { type: 'array', items: this.schemaOfType(reference.typeArguments[0]!, owner, field) };
        }
        return { $ref: definitionRef(this.resolve(reference)) };
      }
    }
    throw new Error(`${owner}.${field}: unsupported type ${ts.SyntaxKind[node.kind]} (${node.getText()})`);
  }

  private resolve(reference: ts.TypeReferenceNode): string {
    let symbol = this.checker.getSymbolAtLocation(reference.typeName);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = this.checker.getAliasedSymbol(symbol);
    const declaration = symbol?.declarations?.find((d): d is Declaration => ts.isInterfaceDeclaration(d) || ts.isTypeAliasDeclaration(d));
    if (!declaration) throw new Error(`cannot resolve type ${reference.getText()}`);
    const module = relative(this.packageDir, declaration.getSourceFile().fileName).replace(/\.d\.ts$/, '').split('\\').join('/');
    return this.enqueue(module, declaration);
  }

  private documentation(name: ts.Node): string {
    const symbol = this.checker.getSymbolAtLocation(name);
    return symbol ? ts.displayPartsToString(symbol.getDocumentationComment(this.checker)).trim() : '';
  }
}

function propertyName(name: ts.PropertyName): string {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name)) return name.text;
  throw new Error(`unsupported property name ${name.getText()}`);
}

/** Description first, as Kubernetes prints it, then the type; keeps the JSON readable. */
function orderKeys(schema: Schema): Schema {
  const { description, ...rest } = schema;
  return description === undefined ? rest : { description, ...rest };
}
