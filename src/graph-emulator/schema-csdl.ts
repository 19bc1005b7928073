// The Graph emulator's schema check, part 1: reads Graph's (trimmed) v1.0 CSDL and compiles it into
// the types, enums, entity sets, singletons and bound operations the other parts check against.
// See schema-check.ts and docs/dev/graph-emulator-schema.md.
import { readFileSync } from 'node:fs';

// ---- a small XML reader (CSDL is plain, attribute-only XML) --------------------------------------

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  /** The attributes as written, for re-serialising an element verbatim. */
  rawAttrs: string;
  children: XmlElement[];
}

const XML_TOKEN = /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!\[CDATA\[[\s\S]*?\]\]>|<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/g;
const XML_ATTR = /([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeXml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);/gi, (_m, e: string) =>
    e[0] === '#' ? String.fromCodePoint(e[1].toLowerCase() === 'x' ? parseInt(e.slice(2), 16) : Number(e.slice(1))) : XML_ENTITIES[e.toLowerCase()],
  );
}

/** Elements and attributes only (text, comments and processing instructions are skipped). */
export function parseXml(text: string): XmlElement {
  const root: XmlElement = { name: '#document', attrs: {}, rawAttrs: '', children: [] };
  const stack = [root];
  for (const m of text.matchAll(XML_TOKEN)) {
    const [token, closing, name, rawAttrs = '', selfClosing] = m;
    if (name === undefined || token.startsWith('<!') || token.startsWith('<?')) continue;
    if (closing) {
      const open = stack.pop();
      if (!open || open.name !== name) throw new Error(`malformed XML: </${name}> closes <${open?.name ?? '(nothing)'}>`);
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of rawAttrs.matchAll(XML_ATTR)) attrs[a[1]] = decodeXml(a[2] ?? a[3] ?? '');
    const element: XmlElement = { name, attrs, rawAttrs: rawAttrs.trim(), children: [] };
    stack[stack.length - 1].children.push(element);
    if (!selfClosing) stack.push(element);
  }
  if (stack.length !== 1) throw new Error(`malformed XML: <${stack[stack.length - 1].name}> is never closed`);
  return root;
}

/** The Schema elements of an edmx document. */
export function csdlSchemas(doc: XmlElement): XmlElement[] {
  const edmx = doc.children.find((e) => e.name === 'edmx:Edmx');
  const services = edmx?.children.find((e) => e.name === 'edmx:DataServices');
  if (!services) throw new Error('not a CSDL document: no edmx:Edmx/edmx:DataServices');
  return services.children.filter((e) => e.name === 'Schema');
}

/** `Collection(graph.user)` -> { name: 'microsoft.graph.user', collection: true }, aliases resolved. */
export function typeReference(raw: string, aliases: ReadonlyMap<string, string>): { name: string; collection: boolean } {
  const collection = /^Collection\((.*)\)$/.exec(raw);
  const inner = collection ? collection[1] : raw;
  const dot = inner.lastIndexOf('.');
  const prefix = inner.slice(0, dot);
  return { name: `${aliases.get(prefix) ?? prefix}.${inner.slice(dot + 1)}`, collection: Boolean(collection) };
}

/** Namespace and alias -> namespace, over every Schema of the document. */
export function csdlAliases(schemas: XmlElement[]): Map<string, string> {
  const aliases = new Map<string, string>([['Edm', 'Edm']]);
  for (const schema of schemas) {
    aliases.set(schema.attrs.Namespace, schema.attrs.Namespace);
    if (schema.attrs.Alias) aliases.set(schema.attrs.Alias, schema.attrs.Namespace);
  }
  return aliases;
}

// ---- the compiled schema ---------------------------------------------------------------------------

export interface Property {
  name: string;
  /** Qualified type name: `Edm.String`, `microsoft.graph.signInStatus`, ... */
  type: string;
  collection: boolean;
  nullable: boolean;
  navigation: boolean;
}

export interface StructuredType {
  name: string;
  kind: 'entity' | 'complex';
  baseType?: string;
  open: boolean;
  /** Own and inherited properties (structural and navigation). */
  properties: Map<string, Property>;
  /** Lowercased name -> property, for resolving URL segments (Graph's paths are case-insensitive). */
  segments: Map<string, Property>;
  /** This type and every type derived from it (in the trimmed metadata). */
  family: Set<string>;
}

export interface EnumType {
  name: string;
  flags: boolean;
  members: Set<string>;
}

export interface Operation {
  returnType?: { name: string; collection: boolean };
}

export interface GraphSchema {
  /** The header comment of the fixture: where it came from. */
  source: string;
  types: Map<string, StructuredType>;
  enums: Map<string, EnumType>;
  /** Lowercased entity set / singleton name -> its type. */
  entitySets: Map<string, string>;
  singletons: Map<string, string>;
  /** `${bindingType}/${lowercased name}` -> the bound action or function. */
  operations: Map<string, Operation>;
  aliases: Map<string, string>;
}

/** Compiles a (trimmed) CSDL document for checking. */
export function compileCsdl(xml: string): GraphSchema {
  const doc = parseXml(xml);
  const schemas = csdlSchemas(doc);
  const aliases = csdlAliases(schemas);
  const source = /<!--([\s\S]*?)-->/.exec(xml)?.[1].trim() ?? '(no header)';
  const raw = new Map<string, { element: XmlElement; kind: 'entity' | 'complex' }>();
  const enums = new Map<string, EnumType>();
  const entitySets = new Map<string, string>();
  const singletons = new Map<string, string>();
  const operations = new Map<string, Operation>();
  for (const schema of schemas) {
    const ns = schema.attrs.Namespace;
    for (const element of schema.children) {
      const name = `${ns}.${element.attrs.Name}`;
      if (element.name === 'EntityType' || element.name === 'ComplexType') {
        raw.set(name, { element, kind: element.name === 'EntityType' ? 'entity' : 'complex' });
      } else if (element.name === 'EnumType') {
        const members = new Set(element.children.filter((c) => c.name === 'Member').map((c) => c.attrs.Name));
        enums.set(name, { name, flags: element.attrs.IsFlags === 'true', members });
      } else if (element.name === 'EntityContainer') {
        for (const item of element.children) {
          if (item.name === 'EntitySet') entitySets.set(item.attrs.Name.toLowerCase(), typeReference(item.attrs.EntityType, aliases).name);
          if (item.name === 'Singleton') singletons.set(item.attrs.Name.toLowerCase(), typeReference(item.attrs.Type, aliases).name);
        }
      } else if ((element.name === 'Action' || element.name === 'Function') && element.attrs.IsBound === 'true') {
        const binding = element.children.find((c) => c.name === 'Parameter');
        const returns = element.children.find((c) => c.name === 'ReturnType');
        if (!binding) continue;
        const bound = typeReference(binding.attrs.Type, aliases);
        const key = `${bound.collection ? `Collection(${bound.name})` : bound.name}/${element.attrs.Name.toLowerCase()}`;
        operations.set(key, { returnType: returns ? typeReference(returns.attrs.Type, aliases) : undefined });
      }
    }
  }

  const types = new Map<string, StructuredType>();
  const build = (name: string): StructuredType => {
    const done = types.get(name);
    if (done) return done;
    const entry = raw.get(name);
    if (!entry) throw new Error(`the trimmed CSDL lacks ${name} (re-run scripts/trim-graph-csdl.ts)`);
    const { element, kind } = entry;
    const baseType = element.attrs.BaseType ? typeReference(element.attrs.BaseType, aliases).name : undefined;
    const base = baseType ? build(baseType) : undefined;
    const properties = new Map(base?.properties);
    for (const p of element.children) {
      if (p.name !== 'Property' && p.name !== 'NavigationProperty') continue;
      const ref = typeReference(p.attrs.Type, aliases);
      properties.set(p.attrs.Name, {
        name: p.attrs.Name,
        type: ref.name,
        collection: ref.collection,
        nullable: p.attrs.Nullable !== 'false',
        navigation: p.name === 'NavigationProperty',
      });
    }
    const type: StructuredType = {
      name,
      kind,
      baseType,
      open: element.attrs.OpenType === 'true' || Boolean(base?.open),
      properties,
      segments: new Map([...properties.values()].map((p) => [p.name.toLowerCase(), p])),
      family: new Set([name]),
    };
    types.set(name, type);
    return type;
  };
  for (const name of raw.keys()) build(name);
  for (const type of types.values()) {
    for (let base = type.baseType; base; base = types.get(base)?.baseType) types.get(base)?.family.add(type.name);
  }
  return { source, types, enums, entitySets, singletons, operations, aliases };
}

const compiled = new Map<string, GraphSchema>();

/** Reads and compiles a CSDL file once per process (per jest module registry). */
export function loadGraphSchema(file: string): GraphSchema {
  let schema = compiled.get(file);
  if (!schema) {
    schema = compileCsdl(readFileSync(file, 'utf8'));
    compiled.set(file, schema);
  }
  return schema;
}
/** Whether this file's schema is already compiled in this process (the hook counts compiling apart). */
export function isCompiled(file: string): boolean {
  return compiled.has(file);
}

/** The structured type an `@odata.type` or cast segment names (`#microsoft.graph.user`, `graph.user`). */
export function typeByODataType(schema: GraphSchema, odataType: string): StructuredType | undefined {
  const name = odataType.replace(/^#/, '');
  const dot = name.lastIndexOf('.');
  const prefix = name.slice(0, dot);
  return schema.types.get(`${schema.aliases.get(prefix) ?? prefix}.${name.slice(dot + 1)}`);
}

