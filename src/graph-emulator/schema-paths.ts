// The Graph emulator's schema check, part 3: which type a successful answer to `METHOD /path` has,
// found by walking the metadata's entity container, properties, casts and bound operations.
// See schema-check.ts and docs/dev/graph-emulator-schema.md.
import { typeByODataType, type GraphSchema } from './schema-csdl';
import { shortName } from './schema-values';

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
    const cast = name.includes('.') ? typeByODataType(schema, name) : undefined;
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
