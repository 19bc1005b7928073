// The Graph emulator's schema check, part 2: whether a JSON value is what a type of the metadata
// allows (properties, primitive types and formats, enum members, nulls, @odata.type, nesting).
// See schema-check.ts and docs/dev/graph-emulator-schema.md.
import { typeByODataType, type EnumType, type GraphSchema, type StructuredType } from './schema-csdl';

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

export function show(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  return `${typeof value} ${String(value)}`;
}

export function at(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  const name = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `[${JSON.stringify(key)}]`;
  if (!path) return name.startsWith('[') ? `(body)${name}` : name;
  return name.startsWith('[') ? `${path}${name}` : `${path}.${name}`;
}

export function shortName(name: string): string {
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

export class ValueChecker {
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
    return typeByODataType(this.schema, odataType);
  }
}

/** Checks one value against a (qualified) type name, e.g. `microsoft.graph.user`. */
export function checkValue(schema: GraphSchema, type: string, value: unknown, options: { collection?: boolean } = {}): SchemaViolation[] {
  const checker = new ValueChecker(schema);
  if (options.collection) checker.collection(type, value, '', true);
  else checker.value(type, value, '', false);
  return checker.violations;
}
