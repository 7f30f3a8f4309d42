// Generates api-server/openapi/definitions.generated.ts from the `kubernetes-types` package (the upstream
// Kubernetes OpenAPI definitions as TypeScript declarations): every type's fields, field types, required
// fields, descriptions and, for top-level kinds, the group/version/kind. Run after upgrading
// kubernetes-types:  node scripts/gen-api-definitions.mjs
//
// Definition names follow upstream OpenAPI (io.k8s.api.core.v1.Container, ...). Field types use the
// compact notation of api/patch/schema.ts. Patch strategies and merge keys are not in kubernetes-types;
// they are overlaid at runtime from api-server/openapi/patch-strategies.ts.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));
const ts = require('typescript');
const pkgDir = path.dirname(require.resolve('kubernetes-types/package.json'));
const pkgVersion = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8')).version;

/** the modules served by kubemu, plus the shared ones they reference */
const MODULES = [
  'core/v1', 'apps/v1', 'batch/v1', 'autoscaling/v1', 'autoscaling/v2', 'coordination/v1', 'discovery/v1',
  'events/v1', 'policy/v1', 'networking/v1', 'rbac/v1', 'storage/v1', 'scheduling/v1', 'node/v1',
  'meta/v1', 'api/resource', 'runtime',
];

function packageOf(mod) {
  if (mod === 'meta/v1') return 'io.k8s.apimachinery.pkg.apis.meta.v1';
  if (mod === 'api/resource') return 'io.k8s.apimachinery.pkg.api.resource';
  if (mod === 'runtime') return 'io.k8s.apimachinery.pkg.runtime';
  return `io.k8s.api.${mod.replace('/', '.')}`;
}

function docOf(node) {
  const docs = ts.getJSDocCommentsAndTags(node).filter((d) => d.kind === ts.SyntaxKind.JSDoc);
  const text = docs.map((d) => (typeof d.comment === 'string' ? d.comment : ts.getTextOfJSDocComment(d.comment) ?? '')).join('\n');
  return text.trim() || undefined;
}

/** per module: local name -> { kind: 'interface' | 'alias', node }, and imports: local name -> module */
const modules = new Map();
for (const mod of MODULES) {
  const file = path.join(pkgDir, `${mod}.d.ts`);
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const decls = new Map();
  const imports = new Map();
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st)) {
      const from = path.posix.normalize(path.posix.join(path.posix.dirname(mod), st.moduleSpecifier.text));
      for (const el of st.importClause?.namedBindings?.elements ?? []) imports.set(el.name.text, from);
    } else if (ts.isInterfaceDeclaration(st)) {
      decls.set(st.name.text, { kind: 'interface', node: st });
    } else if (ts.isTypeAliasDeclaration(st)) {
      decls.set(st.name.text, { kind: 'alias', node: st });
    }
  }
  modules.set(mod, { decls, imports });
}

function lookup(mod, name) {
  const m = modules.get(mod);
  if (m.decls.has(name)) return { mod, decl: m.decls.get(name) };
  const from = m.imports.get(name);
  if (from && modules.has(from) && modules.get(from).decls.has(name)) return { mod: from, decl: modules.get(from).decls.get(name) };
  throw new Error(`${mod}: cannot resolve type ${name}`);
}

function typeExpr(mod, t) {
  switch (t.kind) {
    case ts.SyntaxKind.StringKeyword: return 'string';
    case ts.SyntaxKind.NumberKeyword: return 'number';
    case ts.SyntaxKind.BooleanKeyword: return 'boolean';
    case ts.SyntaxKind.LiteralType: return 'string';
    case ts.SyntaxKind.ArrayType: return `[]${typeExpr(mod, t.elementType)}`;
    case ts.SyntaxKind.UnionType: {
      const kinds = t.types.map((x) => x.kind).sort();
      if (kinds.length === 2 && kinds.includes(ts.SyntaxKind.NumberKeyword) && kinds.includes(ts.SyntaxKind.StringKeyword)) return 'int-or-string';
      throw new Error(`${mod}: unsupported union ${t.getText()}`);
    }
    case ts.SyntaxKind.TypeLiteral: {
      const idx = t.members.find((m) => ts.isIndexSignatureDeclaration(m));
      if (!idx || t.members.length !== 1) throw new Error(`${mod}: unsupported type literal ${t.getText()}`);
      return `map[${typeExpr(mod, idx.type)}]`;
    }
    case ts.SyntaxKind.TypeReference: {
      const name = t.typeName.getText();
      if (name === 'Array') return `[]${typeExpr(mod, t.typeArguments[0])}`;
      const { mod: target, decl } = lookup(mod, name);
      if (decl.kind === 'alias') return typeExpr(target, decl.node.type);
      if (decl.node.members.length === 0) return 'any';
      return `#${packageOf(target)}.${name}`;
    }
    default:
      throw new Error(`${mod}: unsupported type ${t.getText()}`);
  }
}

const definitions = {};
for (const mod of MODULES) {
  for (const [name, { kind, node }] of modules.get(mod).decls) {
    if (kind !== 'interface' || node.members.length === 0) continue;
    const fields = {};
    const required = [];
    let apiVersion;
    let kindName;
    for (const m of node.members) {
      if (!ts.isPropertySignature(m)) throw new Error(`${mod}.${name}: unsupported member`);
      const field = m.name.getText().replace(/^"|"$/g, '');
      const f = { type: typeExpr(mod, m.type) };
      const d = docOf(m);
      if (d) f.description = d;
      fields[field] = f;
      if (!m.questionToken) required.push(field);
      if (field === 'apiVersion' && ts.isLiteralTypeNode(m.type)) apiVersion = m.type.literal.text;
      if (field === 'kind' && ts.isLiteralTypeNode(m.type)) kindName = m.type.literal.text;
    }
    const def = { fields };
    const d = docOf(node);
    if (d) def.description = d;
    if (required.length) def.required = required;
    if (apiVersion && kindName) {
      const i = apiVersion.indexOf('/');
      def.gvk = { group: i < 0 ? '' : apiVersion.slice(0, i), version: i < 0 ? apiVersion : apiVersion.slice(i + 1), kind: kindName };
    }
    definitions[`${packageOf(mod)}.${name}`] = def;
  }
}

const names = Object.keys(definitions).sort();
const lines = names.map((n) => `  ${JSON.stringify(n)}: ${JSON.stringify(definitions[n])},`);
const out = `// Code generated by scripts/gen-api-definitions.mjs from kubernetes-types ${pkgVersion}; DO NOT EDIT.
import type { GeneratedDefinitions } from './definitions.js';

export const KUBERNETES_TYPES_VERSION = ${JSON.stringify(pkgVersion)};

export const GENERATED_DEFINITIONS: GeneratedDefinitions = {
${lines.join('\n')}
};
`;
writeFileSync(path.join(root, 'api-server/openapi/definitions.generated.ts'), out);
console.log(`${names.length} definitions, ${out.length} bytes`);
