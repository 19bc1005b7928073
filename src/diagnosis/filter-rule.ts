// Conditional Access filter rules (filter for applications, filter for devices), evaluated with
// three-valued logic: an attribute we do not know makes the answer "unknown", never a guess.
//
// Grammar (as the Entra rule builder writes them):
//   expr   := term ( ("-or" | "-and") term )*      (-and binds tighter than -or)
//   term   := "-not" term | "(" expr ")" | attribute op value
//   op     := -eq -ne -contains -notContains -startsWith -notStartsWith -endsWith -notEndsWith -in -notIn
//   value  := "string" | True | False | ["a", "b"]
// Attribute names compare case-insensitively; string values compare case-insensitively too.

export type Tri = true | false | 'unknown';
/** Returns the attribute's value(s), or undefined when it is not known. null = known to be empty. */
export type AttributeLookup = (name: string) => string | boolean | string[] | null | undefined;

type Node =
  | { kind: 'and' | 'or'; left: Node; right: Node }
  | { kind: 'not'; inner: Node }
  | { kind: 'cmp'; attribute: string; op: string; value: string | boolean | string[] };

const OPERATORS = new Set([
  '-eq', '-ne', '-contains', '-notcontains', '-startswith', '-notstartswith', '-endswith',
  '-notendswith', '-in', '-notin',
]);

export class FilterRuleError extends Error {}

export interface ParsedRule {
  source: string;
  root: Node;
  attributes: string[];
}

const cache = new Map<string, ParsedRule>();

/** Parses (and memoises) a rule; throws FilterRuleError naming the bad token. */
export function parseRule(source: string): ParsedRule {
  const hit = cache.get(source);
  if (hit) return hit;
  const tokens = tokenize(source);
  let i = 0;
  const attributes: string[] = [];
  const peek = () => tokens[i];
  const take = () => tokens[i++];

  function expr(): Node {
    let left = conj();
    while (peek()?.toLowerCase() === '-or') {
      take();
      left = { kind: 'or', left, right: conj() };
    }
    return left;
  }
  function conj(): Node {
    let left = term();
    while (peek()?.toLowerCase() === '-and') {
      take();
      left = { kind: 'and', left, right: term() };
    }
    return left;
  }
  function term(): Node {
    const t = take();
    if (t === undefined) throw new FilterRuleError(`filter rule "${source}" ends too early`);
    if (t.toLowerCase() === '-not') return { kind: 'not', inner: term() };
    if (t === '(') {
      const inner = expr();
      if (take() !== ')') throw new FilterRuleError(`filter rule "${source}": missing ")"`);
      return inner;
    }
    const op = take()?.toLowerCase();
    if (!op || !OPERATORS.has(op)) throw new FilterRuleError(`filter rule "${source}": unknown operator "${op ?? ''}" after ${t}`);
    const raw = take();
    if (raw === undefined) throw new FilterRuleError(`filter rule "${source}": missing value after ${op}`);
    attributes.push(t);
    return { kind: 'cmp', attribute: t, op, value: literal(raw) };
  }
  function literal(raw: string): string | boolean | string[] {
    if (raw.startsWith('[')) {
      return raw
        .slice(1, -1)
        .split(',')
        .map((s) => unquote(s.trim()))
        .filter((s) => s.length > 0);
    }
    if (/^true$/i.test(raw)) return true;
    if (/^false$/i.test(raw)) return false;
    return unquote(raw);
  }

  const root = expr();
  if (i < tokens.length) throw new FilterRuleError(`filter rule "${source}": unexpected "${tokens[i]}"`);
  const parsed = { source, root, attributes };
  cache.set(source, parsed);
  return parsed;
}

function unquote(s: string): string {
  return s.length >= 2 && (s[0] === '"' || s[0] === "'") ? s.slice(1, -1) : s;
}

function tokenize(source: string): string[] {
  const tokens: string[] = [];
  const re = /\s*(\(|\)|"[^"]*"|'[^']*'|\[[^\]]*\]|[^\s()]+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(source)) !== null) {
    if (m[1] !== undefined) tokens.push(m[1]);
  }
  return tokens;
}

export function evaluateRule(rule: ParsedRule, lookup: AttributeLookup): Tri {
  return evalNode(rule.root, lookup);
}

function evalNode(node: Node, lookup: AttributeLookup): Tri {
  switch (node.kind) {
    case 'not': {
      const v = evalNode(node.inner, lookup);
      return v === 'unknown' ? v : !v;
    }
    case 'and': {
      const l = evalNode(node.left, lookup);
      if (l === false) return false;
      const r = evalNode(node.right, lookup);
      if (r === false) return false;
      return l === true && r === true ? true : 'unknown';
    }
    case 'or': {
      const l = evalNode(node.left, lookup);
      if (l === true) return true;
      const r = evalNode(node.right, lookup);
      if (r === true) return true;
      return l === false && r === false ? false : 'unknown';
    }
    case 'cmp':
      return compare(lookup(node.attribute), node.op, node.value);
  }
}

function compare(actual: ReturnType<AttributeLookup>, op: string, expected: string | boolean | string[]): Tri {
  if (actual === undefined) return 'unknown';
  const values = actual === null ? [] : (Array.isArray(actual) ? actual : [actual]).map((v) => String(v).toLowerCase());
  const want = Array.isArray(expected) ? expected.map((v) => v.toLowerCase()) : [String(expected).toLowerCase()];
  const any = (test: (v: string) => boolean) => values.some(test);
  switch (op) {
    case '-eq':
      return any((v) => v === want[0]);
    case '-ne':
      return !any((v) => v === want[0]);
    case '-contains':
      return any((v) => v.includes(want[0]));
    case '-notcontains':
      return !any((v) => v.includes(want[0]));
    case '-startswith':
      return any((v) => v.startsWith(want[0]));
    case '-notstartswith':
      return !any((v) => v.startsWith(want[0]));
    case '-endswith':
      return any((v) => v.endsWith(want[0]));
    case '-notendswith':
      return !any((v) => v.endsWith(want[0]));
    case '-in':
      return any((v) => want.includes(v));
    case '-notin':
      return !any((v) => want.includes(v));
    default:
      return 'unknown';
  }
}

/**
 * Attribute lookup over a service principal's customSecurityAttributes, for
 * `CustomSecurityAttribute.<Set>_<Attribute>` names. The Graph shape is
 * `{ "<Set>": { "@odata.type": "#Microsoft.DirectoryServices.CustomSecurityAttributeValue", "<Attribute>": value } }`.
 *
 * `null`, `{}` or no value at all means no attribute is assigned — which is how Microsoft's own
 * evaluation sees such a service principal (an attribute that is not there is null, so a positive
 * operator does not match and a negative one does). Only when the facts were read without the
 * permission to read attributes (`unreadable`) is every attribute unknown.
 */
export function customSecurityAttributeLookup(attributes: Record<string, unknown> | null | undefined, options: { unreadable?: boolean } = {}): AttributeLookup {
  return (name) => {
    const m = /^customsecurityattribute\.([^_]+)_(.+)$/i.exec(name);
    if (!m) return undefined;
    if (options.unreadable) return undefined;
    if (attributes === null || attributes === undefined || typeof attributes !== 'object') return null;
    const set = Object.entries(attributes).find(([k]) => k.toLowerCase() === m[1].toLowerCase())?.[1];
    if (!set || typeof set !== 'object') return null;
    const value = Object.entries(set as Record<string, unknown>).find(
      ([k]) => k.toLowerCase() === m[2].toLowerCase() && !k.includes('@'),
    )?.[1];
    if (value === undefined || value === null) return null;
    if (Array.isArray(value)) return value.map(String);
    return typeof value === 'boolean' ? value : String(value);
  };
}
