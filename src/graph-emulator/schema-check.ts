// Holds the Graph emulator's responses to Graph's own v1.0 schema (tests only): the CSDL published
// in microsoftgraph/msgraph-metadata (clean_v10_metadata/), trimmed to the types the emulator
// serves (test/fixtures/graph-csdl/, made by scripts/trim-graph-csdl.ts). A response body is
// checked for properties its type does not have, values of the wrong primitive type or format,
// enum members the metadata does not list, nulls where the metadata says Nullable="false", and
// `@odata.type`s that are not the declared type or derived from it. Error bodies are not in the
// CSDL; they are checked against the OData error shape Graph documents (learn.microsoft.com/graph/errors).
//
// Off unless GRAPH_EMULATOR_SCHEMA names the trimmed CSDL file (jest's setup file sets it, see
// test/helpers/graph-schema-setup.ts); then startGraphEmulator checks every response it sends,
// $batch inner responses included. See docs/dev/graph-emulator-schema.md.
import { readFileSync } from 'node:fs';
import { graphErrorBody, type RequestIds } from './graph-error';
import type { RouteResponse } from './routes';

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

interface Property {
  name: string;
  /** Qualified type name: `Edm.String`, `microsoft.graph.signInStatus`, ... */
  type: string;
  collection: boolean;
  nullable: boolean;
  navigation: boolean;
}

interface StructuredType {
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

interface EnumType {
  name: string;
  flags: boolean;
  members: Set<string>;
}

interface Operation {
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

// ---- checking values --------------------------------------------------------------------------------

export interface SchemaViolation {
  /** JSON path in the body, e.g. `value[2].conditions.users.includeGroups`. */
  path: string;
  message: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// OData ABNF dateTimeOffsetValue: seconds and fractions optional, a zone (Z or +hh:mm) required.
const DATE_TIME_OFFSET = /^-?\d{4,}-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,12})?)?(?:Z|[+-]\d{2}:\d{2})$/i;
const DATE = /^-?\d{4,}-(\d{2})-(\d{2})$/;
const TIME_OF_DAY = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,12})?)?$/;
const DURATION = /^-?P(?=\d|T\d)(?:\d+D)?(?:T(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d+)?S)?)?$/;
const BASE64 = /^(?:[A-Za-z0-9+/_-]{4})*(?:[A-Za-z0-9+/_-]{2}(?:==)?|[A-Za-z0-9+/_-]{3}=?)?$/;
const DIRECTORY_OBJECT = 'microsoft.graph.directoryObject';
const EXTENSION_PROPERTY = /^(?:extension_[0-9a-f]{32}_\w+|[A-Za-z][A-Za-z0-9]*_[A-Za-z]\w*)$/;
const INTEGER_RANGES: Record<string, [number, number]> = {
  'Edm.Byte': [0, 255],
  'Edm.SByte': [-128, 127],
  'Edm.Int16': [-32768, 32767],
  'Edm.Int32': [-2147483648, 2147483647],
  'Edm.Int64': [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

function show(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  return `${typeof value} ${String(value)}`;
}

function at(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  const name = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `[${JSON.stringify(key)}]`;
  if (!path) return name.startsWith('[') ? `(body)${name}` : name;
  return name.startsWith('[') ? `${path}${name}` : `${path}.${name}`;
}

function shortName(name: string): string {
  return name.replace(/^microsoft\.graph\./, '');
}

/** Why `value` is not an Edm primitive of this type, or undefined when it is. */
function primitiveProblem(type: string, value: unknown): string | undefined {
  const expected = (what: string): string => `expected ${what} (${type}), got ${show(value)}`;
  switch (type) {
    case 'Edm.String':
      return typeof value === 'string' ? undefined : expected('a string');
    case 'Edm.Boolean':
      return typeof value === 'boolean' ? undefined : expected('true or false');
    case 'Edm.Guid':
      return typeof value === 'string' && GUID.test(value) ? undefined : expected('a GUID');
    case 'Edm.DateTimeOffset': {
      const ok = typeof value === 'string' && DATE_TIME_OFFSET.test(value) && !Number.isNaN(Date.parse(value));
      return ok ? undefined : expected('a date and time with a zone, e.g. 2026-01-31T09:30:00Z');
    }
    case 'Edm.Date':
      return typeof value === 'string' && DATE.test(value) && !Number.isNaN(Date.parse(value)) ? undefined : expected('a date, e.g. 2026-01-31');
    case 'Edm.TimeOfDay':
      return typeof value === 'string' && TIME_OF_DAY.test(value) ? undefined : expected('a time of day, e.g. 09:30:00');
    case 'Edm.Duration':
      return typeof value === 'string' && DURATION.test(value) ? undefined : expected('an ISO 8601 duration, e.g. PT1H30M');
    case 'Edm.Double':
    case 'Edm.Single':
      return typeof value === 'number' || value === 'NaN' || value === 'INF' || value === '-INF' ? undefined : expected('a number');
    case 'Edm.Decimal':
      return typeof value === 'number' ? undefined : expected('a number');
    case 'Edm.Binary':
      return typeof value === 'string' && BASE64.test(value) ? undefined : expected('base64 text');
    case 'Edm.Untyped':
    case 'Edm.Stream':
      return undefined;
    default: {
      const range = INTEGER_RANGES[type];
      if (range) {
        const ok = typeof value === 'number' && Number.isInteger(value) && value >= range[0] && value <= range[1];
        return ok ? undefined : expected(`an integer from ${range[0]} to ${range[1]}`);
      }
      // Edm.Geography*, Edm.Geometry*: GeoJSON objects; not served by the emulator.
      return type.startsWith('Edm.Geo') ? undefined : `unknown primitive type ${type}`;
    }
  }
}

class ValueChecker {
  readonly violations: SchemaViolation[] = [];
  constructor(private readonly schema: GraphSchema) {}

  fail(path: string, message: string): void {
    this.violations.push({ path: path || '(body)', message });
  }

  /** One value of `type`; `nullable` says whether null is allowed here. */
  value(type: string, value: unknown, path: string, nullable: boolean): void {
    if (value === null) {
      if (!nullable) this.fail(path, `null, but ${shortName(type)} is not nullable here (Nullable="false")`);
      return;
    }
    if (value === undefined) return;
    if (type.startsWith('Edm.')) {
      const problem = primitiveProblem(type, value);
      if (problem) this.fail(path, problem);
      return;
    }
    const enumType = this.schema.enums.get(type);
    if (enumType) return this.enumValue(enumType, value, path);
    const structured = this.schema.types.get(type);
    if (structured) return this.structured(structured, value, path);
    this.fail(path, `type ${type} is not in the trimmed metadata (add it to scripts/trim-graph-csdl.ts and re-run it)`);
  }

  collection(type: string, value: unknown, path: string, itemsNullable: boolean): void {
    if (!Array.isArray(value)) {
      // OData: a collection-valued property is never null; an empty one is [].
      this.fail(path, `expected a collection of ${shortName(type)}, got ${show(value)}`);
      return;
    }
    value.forEach((item, i) => this.value(type, item, at(path, i), itemsNullable));
  }

  private enumValue(enumType: EnumType, value: unknown, path: string): void {
    if (typeof value !== 'string') {
      this.fail(path, `expected a member of ${shortName(enumType.name)} as a string, got ${show(value)}`);
      return;
    }
    const names = enumType.flags ? value.split(',').map((s) => s.trim()) : [value];
    const unknown = names.filter((n) => !enumType.members.has(n));
    if (unknown.length === 0) return;
    const list = [...enumType.members].join(', ');
    this.fail(
      path,
      `${unknown.map((n) => JSON.stringify(n)).join(', ')} ${unknown.length > 1 ? 'are not members' : 'is not a member'} of ${shortName(enumType.name)}${enumType.flags ? ' (flags: comma-separated members)' : ''}; members: ${list}`,
    );
  }

  structured(declared: StructuredType, value: unknown, path: string): void {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.fail(path, `expected a ${shortName(declared.name)} object, got ${show(value)}`);
      return;
    }
    const json = value as Record<string, unknown>;
    let type = declared;
    const odataType = json['@odata.type'];
    if (odataType !== undefined) {
      const named = typeof odataType === 'string' ? this.typeByODataType(odataType) : undefined;
      if (!named) {
        this.fail(at(path, '@odata.type'), `${show(odataType)} is not a type in the trimmed v1.0 metadata (a beta-only or misspelt type?)`);
        return;
      }
      if (!declared.family.has(named.name)) {
        this.fail(at(path, '@odata.type'), `${shortName(named.name)} is not ${shortName(declared.name)} or derived from it`);
        return;
      }
      type = named;
    }
    for (const [key, item] of Object.entries(json)) {
      // Instance and property annotations: @odata.type, @odata.context, x@odata.nextLink, ...
      if (key.includes('@')) continue;
      const property = type.properties.get(key);
      const where = at(path, key);
      if (!property) {
        if (type.open && (!this.extensionsOnly(type) || EXTENSION_PROPERTY.test(key))) continue;
        const near = [...type.properties.keys()].find((k) => k.toLowerCase() === key.toLowerCase());
        const hint = near
          ? ` (did you mean '${near}'? names are case-sensitive)`
          : type.open
            ? ' (a directory object takes only extension properties: extension_{appId}_{name} or {prefix}_{name})'
            : '';
        this.fail(where, `${shortName(type.name)} has no property '${key}'${hint}`);
        continue;
      }
      if (property.collection) this.collection(property.type, item, where, property.nullable);
      else this.value(property.type, item, where, property.nullable);
    }
  }

  /**
   * Graph marks directory objects open only so they can carry directory extensions
   * (extension_{appId without dashes}_{name}) and schema extensions ({prefix}_{name}); any other
   * dynamic property is one Graph would not send.
   */
  private extensionsOnly(type: StructuredType): boolean {
    return Boolean(this.schema.types.get(DIRECTORY_OBJECT)?.family.has(type.name));
  }

  typeByODataType(odataType: string): StructuredType | undefined {
    const name = odataType.replace(/^#/, '');
    const dot = name.lastIndexOf('.');
    const prefix = name.slice(0, dot);
    return this.schema.types.get(`${this.schema.aliases.get(prefix) ?? prefix}.${name.slice(dot + 1)}`);
  }
}

/** Checks one value against a (qualified) type name, e.g. `microsoft.graph.user`. */
export function checkValue(schema: GraphSchema, type: string, value: unknown, options: { collection?: boolean } = {}): SchemaViolation[] {
  const checker = new ValueChecker(schema);
  if (options.collection) checker.collection(type, value, '', true);
  else checker.value(type, value, '', false);
  return checker.violations;
}

// ---- what a request's response should be, from its URL ---------------------------------------------------

export type ResponseShape =
  | { kind: 'entity' | 'collection'; type: string }
  | { kind: 'any' }
  | { kind: 'unknown'; reason: string };

/** Path segments below the version; `name(key)` and `name(alt='key')` become the name plus a key marker. */
function pathSegments(path: string): { name: string; keyed: boolean }[] {
  const out: { name: string; keyed: boolean }[] = [];
  for (const raw of path.split('/')) {
    if (!raw) continue;
    let segment = raw;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      // keep it as sent
    }
    const keyed = /^([A-Za-z$][\w.$]*)\((.*)\)$/.exec(segment);
    if (keyed) out.push({ name: keyed[1], keyed: true });
    else out.push({ name: segment, keyed: false });
  }
  return out;
}

/**
 * The shape of a successful response to `method path` (path below /v1.0, no query), found by
 * walking Graph's entity container, navigation and structural properties, casts and bound
 * operations in the metadata.
 */
export function responseShape(schema: GraphSchema, method: string, path: string): ResponseShape {
  const segments = pathSegments(path);
  if (segments.length === 0) return { kind: 'unknown', reason: 'the service root is not served' };
  let type: string | undefined;
  let collection = false;
  const [first, ...rest] = segments;
  const lower = first.name.toLowerCase();
  if (schema.entitySets.has(lower)) {
    type = schema.entitySets.get(lower);
    collection = !first.keyed;
  } else if (schema.singletons.has(lower)) {
    type = schema.singletons.get(lower);
  } else {
    return { kind: 'unknown', reason: `'${first.name}' is not an entity set or singleton of the trimmed v1.0 metadata` };
  }
  for (const segment of rest) {
    const name = segment.name;
    if (name === '$ref' || name === '$count' || name === '$value') return { kind: 'any' };
    const current = schema.types.get(type as string);
    const cast = name.includes('.') ? new ValueChecker(schema).typeByODataType(name) : undefined;
    if (cast && current?.family.has(cast.name)) {
      type = cast.name;
      continue;
    }
    const operation = schema.operations.get(`${collection ? `Collection(${type})` : type}/${name.toLowerCase()}`);
    if (operation) {
      if (!operation.returnType) return { kind: 'any' };
      return { kind: operation.returnType.collection ? 'collection' : 'entity', type: operation.returnType.name };
    }
    if (collection) {
      // A key segment: /users/{id}
      collection = false;
      continue;
    }
    const property = current?.segments.get(name.toLowerCase());
    if (!property) return { kind: 'unknown', reason: `${shortName(type as string)} has no property or bound operation '${name}'` };
    type = property.type;
    collection = property.collection && !segment.keyed;
  }
  // POST to a collection creates one item and answers it.
  if (collection && method === 'POST') return { kind: 'entity', type: type as string };
  return { kind: collection ? 'collection' : 'entity', type: type as string };
}

// ---- whole responses --------------------------------------------------------------------------------

export interface ExchangeToCheck {
  method: string;
  /** The request target as received, e.g. `/v1.0/users?$top=2` (or an inner $batch url). */
  target: string;
  /** The request body: raw text (as received) or already parsed. */
  requestBody?: unknown;
  status: number;
  body: unknown;
}

const ERROR_KEYS = new Set(['code', 'message', 'target', 'details', 'innerError', 'innererror']);

/** Graph's error body (not in the CSDL): {"error":{"code","message","target"?,"details"?,"innerError"?}}. */
function checkErrorBody(body: unknown, violations: SchemaViolation[], path = ''): void {
  const fail = (p: string, message: string): void => {
    violations.push({ path: p || '(body)', message });
  };
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return fail(path, `an error response must be {"error": {...}}, got ${show(body)}`);
  for (const key of Object.keys(body)) if (key !== 'error') fail(at(path, key), `an error response has only 'error', not '${key}'`);
  const error = (body as Record<string, unknown>).error;
  const errorPath = at(path, 'error');
  if (typeof error !== 'object' || error === null || Array.isArray(error)) return fail(errorPath, `expected an object, got ${show(error)}`);
  const e = error as Record<string, unknown>;
  for (const key of Object.keys(e)) if (!ERROR_KEYS.has(key)) fail(at(errorPath, key), `Graph's error object has no '${key}' (code, message, target, details, innerError)`);
  if (typeof e.code !== 'string' || !e.code) fail(at(errorPath, 'code'), `expected a non-empty string, got ${show(e.code)}`);
  if (typeof e.message !== 'string') fail(at(errorPath, 'message'), `expected a string, got ${show(e.message)}`);
  if (e.target !== undefined && e.target !== null && typeof e.target !== 'string') fail(at(errorPath, 'target'), `expected a string, got ${show(e.target)}`);
  if (e.details !== undefined) {
    if (!Array.isArray(e.details)) fail(at(errorPath, 'details'), `expected an array, got ${show(e.details)}`);
    else
      e.details.forEach((d, i) => {
        const dp = at(at(errorPath, 'details'), i);
        const detail = (typeof d === 'object' && d !== null ? d : {}) as Record<string, unknown>;
        if (typeof detail.code !== 'string' || typeof detail.message !== 'string') fail(dp, 'a detail needs a string code and message');
      });
  }
  const inner = e.innerError ?? e.innererror;
  if (inner === undefined) return;
  const innerPath = at(errorPath, e.innerError !== undefined ? 'innerError' : 'innererror');
  if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) return fail(innerPath, `expected an object, got ${show(inner)}`);
  const i = inner as Record<string, unknown>;
  for (const key of ['request-id', 'client-request-id', 'date']) {
    if (i[key] !== undefined && typeof i[key] !== 'string') fail(at(innerPath, key), `expected a string, got ${show(i[key])}`);
  }
  if (typeof i.date === 'string' && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?$/.test(i.date)) {
    fail(at(innerPath, 'date'), `expected a date and time, got ${show(i.date)}`);
  }
}

function targetPath(target: string): string {
  const url = new URL(/^https?:\/\//i.test(target) ? target : `/${target.replace(/^\/+/, '')}`, 'http://emulator');
  // An SDK-wrapped link (/v1.0/http://host/v1.0/...) is unwrapped by the server the same way.
  const embedded = /^\/v1\.0\/https?:\/+[^/]+(\/.*)$/i.exec(url.pathname);
  const path = embedded ? embedded[1] : url.pathname;
  return path.replace(/^\/v1\.0(?=\/|$)/i, '');
}

function parseBody(body: unknown): unknown {
  if (typeof body !== 'string') return body;
  if (!body.trim()) return undefined;
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** Every violation in one response (its inner responses too, for $batch). */
export function checkResponse(schema: GraphSchema, exchange: ExchangeToCheck): SchemaViolation[] {
  const violations: SchemaViolation[] = [];
  checkExchange(schema, exchange, violations, '');
  return violations;
}

function checkExchange(schema: GraphSchema, exchange: ExchangeToCheck, violations: SchemaViolation[], prefix: string): void {
  const { status, body } = exchange;
  if (status === 204 || body === undefined) {
    if (status !== 204 && status < 300) violations.push({ path: prefix || '(body)', message: `a ${status} answer with no body` });
    if (status === 204 && body !== undefined) violations.push({ path: prefix || '(body)', message: 'a 204 answer carries no body' });
    return;
  }
  if (status >= 400) return checkErrorBody(body, violations, prefix);
  const path = targetPath(exchange.target);
  if (path.toLowerCase() === '/$batch') return checkBatch(schema, exchange, violations, prefix);
  const shape = responseShape(schema, exchange.method.toUpperCase(), path);
  if (shape.kind === 'any') return;
  if (shape.kind === 'unknown') {
    violations.push({ path: prefix || '(body)', message: `${exchange.method} ${path} answered ${status}, but it is not a resource of Graph v1.0: ${shape.reason}` });
    return;
  }
  const checker = new ValueChecker(schema);
  if (shape.kind === 'collection') {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      violations.push({ path: prefix || '(body)', message: `a collection answer is {"value": [...]}, got ${show(body)}` });
      return;
    }
    for (const key of Object.keys(body)) {
      if (key !== 'value' && !key.startsWith('@')) checker.fail(at(prefix, key), `a collection answer has only 'value' and @odata annotations, not '${key}'`);
    }
    checker.collection(shape.type, (body as Record<string, unknown>).value, at(prefix, 'value'), true);
  } else {
    const type = schema.types.get(shape.type);
    if (type) checker.structured(type, body, prefix);
    else if (typeof body === 'object' && body !== null && 'value' in body) checker.value(shape.type, (body as Record<string, unknown>).value, at(prefix, 'value'), true);
    else checker.fail(prefix, `expected {"value": ...} of ${shortName(shape.type)}, got ${show(body)}`);
  }
  violations.push(...checker.violations);
}

const BATCH_RESPONSE_KEYS = new Set(['id', 'status', 'headers', 'body']);

function checkBatch(schema: GraphSchema, exchange: ExchangeToCheck, violations: SchemaViolation[], prefix: string): void {
  const body = exchange.body as Record<string, unknown>;
  const where = at(prefix, 'responses');
  if (typeof body !== 'object' || body === null || !Array.isArray(body.responses)) {
    violations.push({ path: where, message: `a $batch answer is {"responses": [...]}, got ${show(body)}` });
    return;
  }
  const requests = new Map<string, { method: string; url: string }>();
  const payload = parseBody(exchange.requestBody) as { requests?: { id?: unknown; method?: unknown; url?: unknown }[] } | undefined;
  for (const r of payload?.requests ?? []) {
    if (typeof r?.id === 'string' && typeof r.method === 'string' && typeof r.url === 'string') requests.set(r.id, { method: r.method, url: r.url });
  }
  body.responses.forEach((item: unknown, index: number) => {
    const itemPath = at(where, index);
    const response = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
    for (const key of Object.keys(response)) if (!BATCH_RESPONSE_KEYS.has(key)) violations.push({ path: at(itemPath, key), message: `a batch response has no '${key}'` });
    if (typeof response.id !== 'string' || typeof response.status !== 'number') {
      violations.push({ path: itemPath, message: 'a batch response needs a string id and a numeric status' });
      return;
    }
    const request = requests.get(response.id);
    if (!request) {
      violations.push({ path: at(itemPath, 'id'), message: `no request with id '${response.id}' in the batch` });
      return;
    }
    checkExchange(schema, { method: request.method, target: request.url, status: response.status, body: response.body }, violations, at(itemPath, 'body'));
  });
}

// ---- the emulator's hook -------------------------------------------------------------------------------

/** The environment variable that switches the check on: the path of the trimmed CSDL. */
export const SCHEMA_ENV = 'GRAPH_EMULATOR_SCHEMA';

/** Where a test process collects violations (test/helpers/graph-schema-setup.ts creates it and fails the test). */
export const VIOLATIONS_KEY = Symbol.for('passkey-support-bot.graph-emulator.schema-violations');

/** Where a test process may add up what the check costs: responses checked, ms spent (compiling included). */
export const STATS_KEY = Symbol.for('passkey-support-bot.graph-emulator.schema-stats');

export interface CheckStats {
  responses: number;
  ms: number;
  compileMs: number;
}

export interface RecordedViolation {
  method: string;
  target: string;
  status: number;
  violations: SchemaViolation[];
}

export interface CheckedExchange {
  method: string;
  target: string;
  rawBody: string;
  response: RouteResponse;
  ids: RequestIds;
}

/** Summarises a response's violations in one message. */
export function describeViolations(record: RecordedViolation, max = 8): string {
  const lines = record.violations.slice(0, max).map((v) => `  ${v.path}: ${v.message}`);
  if (record.violations.length > max) lines.push(`  ... and ${record.violations.length - max} more`);
  return `${record.method} ${record.target} -> ${record.status}\n${lines.join('\n')}`;
}

/**
 * The emulator's response check when GRAPH_EMULATOR_SCHEMA is set, else undefined. A response
 * that violates the schema is recorded where the test process collects violations (the test that
 * caused it then fails); with no collector (another process) it is replaced by a 500 saying why.
 */
export function responseSchemaCheck(env: NodeJS.ProcessEnv = process.env): ((exchange: CheckedExchange) => RouteResponse) | undefined {
  const file = env[SCHEMA_ENV];
  if (!file) return undefined;
  return ({ method, target, rawBody, response, ids }) => {
    const stats = (globalThis as Record<symbol, unknown>)[STATS_KEY] as CheckStats | undefined;
    const started = performance.now();
    let violations: SchemaViolation[];
    try {
      const compiling = !compiled.has(file);
      const schema = loadGraphSchema(file);
      if (stats && compiling) stats.compileMs += performance.now() - started;
      violations = checkResponse(schema, { method, target, requestBody: rawBody, status: response.status, body: response.body });
    } catch (err) {
      violations = [{ path: '(check)', message: `the schema check itself failed: ${err instanceof Error ? err.message : String(err)}` }];
    }
    if (stats) {
      stats.responses++;
      stats.ms += performance.now() - started;
    }
    if (violations.length === 0) return response;
    const record: RecordedViolation = { method, target, status: response.status, violations };
    const collector = (globalThis as Record<symbol, unknown>)[VIOLATIONS_KEY];
    if (Array.isArray(collector)) {
      collector.push(record);
      return response;
    }
    const message = `emulator response violates Graph v1.0 schema: ${describeViolations(record)}`;
    console.error(message);
    return { status: 500, body: graphErrorBody({ code: 'InternalServerError', message }, ids) };
  };
}
