/**
 * keyrite/layering: which folder may import what. VS Code enforces its
 * runtime layers with a lint rule (.eslint-plugin-local/code-layering.ts);
 * this is ours. It resolves every relative import against the importing
 * file, so `../../electron/x` from shared/ is caught however deep it sits,
 * and checks bare imports (npm packages, Node built-ins) against the layer.
 * It covers `import`, `export … from`, dynamic `import()` and `require()`.
 */
import { isBuiltin } from 'node:module';
import { dirname, relative, resolve, sep } from 'node:path';
import type { Rule } from 'eslint';

export interface Layer {
  /** Human name used in messages: "the engine", "shared/". */
  name: string;
  /** Folder (relative to the repo root, forward slashes) this layer covers; the longest match wins. */
  folder: string;
  /** Folders this layer may import from with a relative path. */
  mayImportFolders: string[];
  /** Node built-ins allowed? */
  nodeBuiltins: boolean;
  /** npm packages this layer must not import (exact name or `name/...`). */
  forbiddenPackages?: string[];
  /** If set, the only npm packages this layer may import. */
  onlyPackages?: string[];
}

/** Packages only one folder may touch: the hardware modules. */
export interface PackageOwner {
  package: string;
  folder: string;
  why: string;
}

export interface LayeringOptions {
  root: string;
  layers: Layer[];
  packageOwners: PackageOwner[];
}

const packageName = (source: string): string => {
  const parts = source.split('/');
  return source.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? source);
};
const within = (path: string, folder: string): boolean => path === folder || path.startsWith(`${folder}/`);
const posix = (path: string): string => path.split(sep).join('/');

export const layeringRule: Rule.RuleModule = {
  meta: {
    type: 'problem',
    docs: { description: 'Keeps shared/, renderer/, the engine and the hardware modules inside their boundaries.' },
    schema: [{ type: 'object', additionalProperties: true }],
    messages: {
      crossesLayer: '{{layer}} must not import {{target}} ({{source}}).',
      builtin: '{{layer}} must not import the Node built-in "{{source}}".',
      forbiddenPackage: '{{layer}} must not import "{{source}}".',
      notAllowedPackage: '{{layer}} may import only {{allowed}}; not "{{source}}".',
      ownedPackage: '"{{source}}" may be imported only in {{folder}}/ ({{why}}).',
    },
  },
  create(context) {
    const options = context.options[0] as LayeringOptions;
    const file = posix(relative(options.root, context.filename));
    const layer = options.layers
      .filter((l) => within(file, l.folder))
      .sort((a, b) => b.folder.length - a.folder.length)[0];

    const check = (node: Rule.Node, source: string): void => {
      if (source.startsWith('.')) {
        if (layer === undefined) return;
        const target = posix(relative(options.root, resolve(dirname(context.filename), source)));
        if (!layer.mayImportFolders.some((folder) => within(target, folder))) {
          context.report({ node, messageId: 'crossesLayer', data: { layer: layer.name, target: `${target.split('/').slice(0, 2).join('/')}/`, source } });
        }
        return;
      }
      const name = packageName(source);
      const owner = options.packageOwners.find((o) => o.package === name);
      if (owner !== undefined && !within(file, owner.folder)) {
        context.report({ node, messageId: 'ownedPackage', data: { source, folder: owner.folder, why: owner.why } });
        return;
      }
      if (layer === undefined) return;
      if (source.startsWith('node:') || isBuiltin(source)) {
        if (!layer.nodeBuiltins) context.report({ node, messageId: 'builtin', data: { layer: layer.name, source } });
        return;
      }
      if (layer.forbiddenPackages?.some((p) => p === name) === true) {
        context.report({ node, messageId: 'forbiddenPackage', data: { layer: layer.name, source } });
        return;
      }
      if (layer.onlyPackages !== undefined && !layer.onlyPackages.includes(name)) {
        context.report({ node, messageId: 'notAllowedPackage', data: { layer: layer.name, source, allowed: layer.onlyPackages.join(', ') } });
      }
    };

    const literal = (node: unknown): string | null => {
      const n = node as { type?: string; value?: unknown } | null;
      return n?.type === 'Literal' && typeof n.value === 'string' ? n.value : null;
    };

    return {
      ImportDeclaration(node) {
        check(node, String(node.source.value));
      },
      ExportNamedDeclaration(node) {
        if (node.source) check(node, String(node.source.value));
      },
      ExportAllDeclaration(node) {
        check(node, String(node.source.value));
      },
      ImportExpression(node) {
        const source = literal(node.source);
        if (source !== null) check(node, source);
      },
      CallExpression(node) {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require') {
          const source = literal(node.arguments[0]);
          if (source !== null) check(node, source);
        }
      },
    };
  },
};
