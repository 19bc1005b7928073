// Dev-only: trims Microsoft Graph's published v1.0 CSDL (microsoftgraph/msgraph-metadata,
// clean_v10_metadata/cleanMetadata.xml) to what the Graph emulator serves, for the response
// schema check (src/graph-emulator/schema-check.ts, docs/dev/graph-emulator-schema.md).
//
//   npx ts-node --transpile-only scripts/trim-graph-csdl.ts --repo <clone of msgraph-metadata> [--commit <sha>] \
//     [--out test/fixtures/graph-csdl/v1.0-trimmed.xml]
//
// Kept: the seed types below, every type reachable from them through structural properties
// (with base types, and for complex types every derived complex type, since a value may carry a
// derived @odata.type), the derived entity types of the polymorphic seeds, navigation properties
// whose target is kept, the entity sets and singletons the emulator serves, and the bound
// operations it serves. Elements are copied verbatim, in the source's order.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { csdlAliases, csdlSchemas, parseXml, typeReference, type XmlElement } from '../src/graph-emulator/schema-check';

const SOURCE_PATH = 'clean_v10_metadata/cleanMetadata.xml';
const REPOSITORY = 'https://github.com/microsoftgraph/msgraph-metadata';

const G = (name: string): string => `microsoft.graph.${name}`;

/** The types the emulator serves (and, for paths, the roots it serves them under). */
const SEEDS = [
  // directory
  'entity', 'directoryObject', 'user', 'group', 'device', 'directoryRole', 'servicePrincipal', 'organization',
  // authentication methods and their policy
  'authentication', 'authenticationMethod', 'authenticationMethodsPolicy', 'authenticationMethodConfiguration',
  'authenticationMethodTarget', 'passkeyProfile',
  // Conditional Access, strengths, named locations, What If
  'conditionalAccessPolicy', 'whatIfAnalysisResult', 'namedLocation', 'authenticationStrengthPolicy', 'authenticationCombinationConfiguration',
  // sign-ins, registration details, role assignments, Intune devices
  'signIn', 'userRegistrationDetails', 'unifiedRoleAssignment', 'managedDevice',
  // the roots the emulator's paths go through
  'identityContainer', 'conditionalAccessRoot', 'policyRoot', 'auditLogRoot', 'reportRoot', 'authenticationMethodsRoot',
  'roleManagement', 'rbacApplication', 'deviceManagement',
].map(G);

/** Seeds served polymorphically: every entity type derived from them is kept. */
const WITH_DERIVED = ['authenticationMethod', 'authenticationMethodConfiguration', 'authenticationMethodTarget', 'namedLocation', 'authenticationCombinationConfiguration'].map(G);

const ENTITY_SETS = ['users', 'groups', 'servicePrincipals', 'organization', 'devices', 'directoryObjects', 'directoryRoles'];
const SINGLETONS = ['identity', 'policies', 'auditLogs', 'reports', 'roleManagement', 'deviceManagement', 'authenticationMethodsPolicy'];
/** Bound operations served: name and binding type. */
const OPERATIONS = [{ name: 'evaluate', binding: G('conditionalAccessRoot') }];

function argument(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

function git(repo: string, ...args: string[]): string {
  return execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

function main(): void {
  const repo = argument('repo');
  if (!repo) throw new Error('usage: trim-graph-csdl.ts --repo <clone of microsoftgraph/msgraph-metadata> [--commit <sha>] [--out <file>]');
  const commit = git(repo, 'rev-parse', argument('commit') ?? 'HEAD').trim();
  const lastChange = git(repo, 'log', '-1', '--format=%H %cI', commit, '--', SOURCE_PATH).trim();
  const blob = git(repo, 'rev-parse', `${commit}:${SOURCE_PATH}`).trim();
  const xml = git(repo, 'show', `${commit}:${SOURCE_PATH}`);
  const out = resolve(argument('out') ?? 'test/fixtures/graph-csdl/v1.0-trimmed.xml');

  const schemas = csdlSchemas(parseXml(xml));
  const aliases = csdlAliases(schemas);
  const byName = new Map<string, XmlElement>();
  for (const schema of schemas) {
    for (const element of schema.children) {
      if (['EntityType', 'ComplexType', 'EnumType'].includes(element.name)) byName.set(`${schema.attrs.Namespace}.${element.attrs.Name}`, element);
    }
  }
  const baseOf = (element: XmlElement): string | undefined => (element.attrs.BaseType ? typeReference(element.attrs.BaseType, aliases).name : undefined);
  const derivedOf = new Map<string, string[]>();
  for (const [name, element] of byName) {
    const base = baseOf(element);
    if (base) derivedOf.set(base, [...(derivedOf.get(base) ?? []), name]);
  }

  const kept = new Set<string>();
  const queue: string[] = [];
  const keep = (name: string): void => {
    if (name.startsWith('Edm.') || kept.has(name)) return;
    if (!byName.has(name)) throw new Error(`${name} is not in ${SOURCE_PATH} at ${commit}`);
    kept.add(name);
    queue.push(name);
  };
  const keepDerived = (name: string): void => {
    for (const derived of derivedOf.get(name) ?? []) {
      keep(derived);
      keepDerived(derived);
    }
  };
  SEEDS.forEach(keep);
  WITH_DERIVED.forEach(keepDerived);
  while (queue.length) {
    const name = queue.shift() as string;
    const element = byName.get(name) as XmlElement;
    const base = baseOf(element);
    if (base) keep(base);
    if (element.name === 'ComplexType') keepDerived(name);
    for (const p of element.children) if (p.name === 'Property') keep(typeReference(p.attrs.Type, aliases).name);
  }

  const indent = (depth: number): string => '  '.repeat(depth);
  const serialise = (element: XmlElement, depth: number, filter: (child: XmlElement) => boolean = () => true): string[] => {
    const open = `${indent(depth)}<${element.name}${element.rawAttrs ? ` ${element.rawAttrs}` : ''}`;
    const children = element.children.filter(filter);
    if (children.length === 0) return [`${open} />`];
    return [`${open}>`, ...children.flatMap((c) => serialise(c, depth + 1)), `${indent(depth)}</${element.name}>`];
  };
  const keepMember = (child: XmlElement): boolean =>
    child.name !== 'NavigationProperty' || kept.has(typeReference(child.attrs.Type, aliases).name);

  const body: string[] = [];
  let typeCount = 0;
  for (const schema of schemas) {
    const ns = schema.attrs.Namespace;
    const lines: string[] = [];
    for (const element of schema.children) {
      const name = `${ns}.${element.attrs.Name}`;
      if (['EntityType', 'ComplexType', 'EnumType'].includes(element.name) && kept.has(name)) {
        lines.push(...serialise(element, 3, keepMember));
        typeCount++;
      } else if ((element.name === 'Action' || element.name === 'Function') && element.attrs.IsBound === 'true') {
        const binding = element.children.find((c) => c.name === 'Parameter');
        const bound = binding && typeReference(binding.attrs.Type, aliases).name;
        if (OPERATIONS.some((o) => o.name === element.attrs.Name && o.binding === bound)) lines.push(...serialise(element, 3));
      } else if (element.name === 'EntityContainer') {
        const items = element.children.filter((c) => (c.name === 'EntitySet' && ENTITY_SETS.includes(c.attrs.Name)) || (c.name === 'Singleton' && SINGLETONS.includes(c.attrs.Name)));
        // Bindings and annotations inside sets are left out: the check does not use them.
        lines.push(...serialise({ ...element, children: items.map((c) => ({ ...c, children: [] })) }, 3));
      }
    }
    if (lines.length) body.push(`    <Schema ${schema.rawAttrs}>`, ...lines, '    </Schema>');
  }

  const header = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<!--',
    `  Microsoft Graph v1.0 metadata (CSDL), trimmed to the types the Graph emulator serves.`,
    `  repository: ${REPOSITORY}`,
    `  path: ${SOURCE_PATH}`,
    `  commit: ${commit} (the file last changed in ${lastChange})`,
    `  blob: ${blob}`,
    `  types kept: ${typeCount} (seeds, their structural-property closure, base and derived types)`,
    '  Generated by scripts/trim-graph-csdl.ts; do not edit by hand (docs/dev/graph-emulator-schema.md says how to refresh it).',
    '-->',
    '<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">',
    '  <edmx:DataServices>',
  ];
  writeFileSync(out, [...header, ...body, '  </edmx:DataServices>', '</edmx:Edmx>', ''].join('\n'));
  console.log(`${out}: ${typeCount} types from ${SOURCE_PATH} at ${commit}`);
}

main();
