/**
 * Proves each boundary rule by handing the real ESLint configuration a file
 * that breaks it (and one that keeps it, so a rule that reports everything
 * fails too). The files exist only in memory, at the path named.
 */
import { ESLint } from 'eslint';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './layers.ts';

const eslint = new ESLint({ cwd: repoRoot });

async function problems(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(repoRoot, path) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'keyrite/layering' || m.ruleId === 'no-restricted-globals').map((m) => m.message);
}

describe('boundary: shared/ is pure', () => {
  it.each([
    ['a Node built-in', "import { readFileSync } from 'node:fs';", 'must not import the Node built-in "node:fs"'],
    ['a bare Node built-in', "import path from 'path';", 'must not import the Node built-in "path"'],
    ['electron/', "import { createEngine } from '../../electron/core/engine.ts';", 'must not import electron/core/'],
    ['electron/ from the top of shared/', "import { x } from '../../electron/main/index.ts';", 'must not import electron/main/'],
    ['renderer/', "import { App } from '../../renderer/app.tsx';", 'must not import renderer/'],
    ['the electron package', "import { app } from 'electron';", 'may import only'],
    ['React', "import { useState } from 'react';", 'may import only'],
    ['a dynamic import', "export const m = () => import('node:crypto');", 'node:crypto'],
    ['a re-export', "export { x } from '../../renderer/x.ts';", 'must not import renderer/'],
    ['a DOM global', 'export const here = () => document.title;', '"document" is a DOM global'],
  ])('rejects %s', async (_what, code, message) => {
    expect((await problems('shared/domain/example.ts', code)).join('\n')).toContain(message);
  });

  it('resolves relative paths: ../electron from shared/domain stays inside shared/', async () => {
    expect(await problems('shared/domain/example.ts', "import { x } from '../electron/y.ts';\nexport const a = x;")).toEqual([]);
  });

  it('rejects a Node built-in in a test inside shared/ too; the same test under test/shared/ may use one', async () => {
    expect((await problems('shared/domain/example.test.ts', "import { createHash } from 'node:crypto';\nexport const h = createHash;")).join('\n')).toContain('must not import the Node built-in "node:crypto"');
    expect(await problems('test/shared/domain/example.test.ts', "import { createHash } from 'node:crypto';\nexport const h = createHash;")).toEqual([]);
  });

  it('accepts shared/ importing shared/ and its pure libraries', async () => {
    expect(await problems('shared/domain/example.ts', "import { z } from 'zod';\nimport { ok } from '../result.ts';\nexport const a = [z, ok];")).toEqual([]);
  });
});

describe('boundary: renderer/ reaches only shared/ and its own packages', () => {
  it.each([
    ['the engine', "import { createEngine } from '../../../electron/core/engine.ts';", 'must not import electron/core/'],
    ['the preload', "import '../../../electron/preload/index.ts';", 'must not import electron/preload/'],
    ['the electron package', "import { ipcRenderer } from 'electron';", 'may import only'],
    ['a Node built-in', "import { readFile } from 'node:fs/promises';", 'Node built-in'],
    ['a CommonJS require', "const fs = require('fs');", 'Node built-in "fs"'],
    ['the e2e test bridge', "import '../../../e2e/support/test-bridge.ts';", 'must not import e2e/'],
    ['pkcs11js', "import pkcs11js from 'pkcs11js';", 'may be imported only in electron/core/hsm/'],
  ])('rejects %s', async (_what, code, message) => {
    expect((await problems('renderer/features/home/home-screen.tsx', code)).join('\n')).toContain(message);
  });

  it('accepts React, zustand and shared/', async () => {
    expect(await problems('renderer/features/home/home-screen.tsx', "import { useState } from 'react';\nimport { create } from 'zustand';\nimport type { TokenList } from '../../../shared/contract.ts';\nexport const a = [useState, create];\nexport type T = TokenList;")).toEqual([]);
  });
});

describe('boundary: the engine never imports electron', () => {
  it.each([
    ['electron/core', 'electron/core/ceremony/runner.ts'],
    ['the CLI', 'electron/cli/keyrite.ts'],
    ['the IPC router', 'electron/ipc/router.ts'],
  ])('rejects electron in %s', async (_what, path) => {
    expect((await problems(path, "import { app } from 'electron';")).join('\n')).toContain('must not import "electron"');
  });

  it('rejects the engine importing the main process', async () => {
    expect((await problems('electron/core/engine.ts', "import { x } from '../main/index.ts';")).join('\n')).toContain('must not import electron/main/');
  });

  it('accepts electron in the main process and Node built-ins in the engine', async () => {
    expect(await problems('electron/main/index.ts', "import { app } from 'electron';\nexport const a = app;")).toEqual([]);
    expect(await problems('electron/core/engine.ts', "import { EventEmitter } from 'node:events';\nexport const e = EventEmitter;")).toEqual([]);
  });
});

describe('boundary: one owner for each hardware package', () => {
  it.each([
    ['pkcs11js', 'electron/core/shares/split.ts', 'electron/core/hsm/'],
    ['pkcs11js', 'electron/main/index.ts', 'electron/core/hsm/'],
    ['usb', 'electron/core/hsm/hsm-module.ts', 'electron/core/devices/'],
    ['usb', 'electron/core/engine.ts', 'electron/core/devices/'],
  ])('rejects %s in %s', async (pkg, path, owner) => {
    expect((await problems(path, `import lib from '${pkg}';\nexport const l = lib;`)).join('\n')).toContain(`may be imported only in ${owner}`);
  });

  it('accepts each package in its own module', async () => {
    expect(await problems('electron/core/hsm/session.ts', "import pkcs11js from 'pkcs11js';\nexport const p = pkcs11js;")).toEqual([]);
    expect(await problems('electron/core/devices/usb-inventory.ts', "import { usb } from 'usb';\nexport const u = usb;")).toEqual([]);
  });
});

describe('boundary: renderer/bridge.ts is the only door to the preload API', () => {
  const code = 'export const f = () => window.keyrite?.hsm.listTokens({});';
  it('rejects window.keyrite elsewhere in the renderer', async () => {
    const [result] = await eslint.lintText(code, { filePath: join(repoRoot, 'renderer/features/home/home-screen.tsx') });
    expect(result?.messages.map((m) => m.message).join('\n')).toContain('only through renderer/bridge.ts');
  });
  it('accepts it in renderer/bridge.ts', async () => {
    const [result] = await eslint.lintText(code, { filePath: join(repoRoot, 'renderer/bridge.ts') });
    expect(result?.messages.filter((m) => m.ruleId === 'no-restricted-syntax')).toEqual([]);
  });
});

describe('the lint configuration', () => {
  it('rejects an explicit any', async () => {
    const [result] = await eslint.lintText('export const f = (x: any) => x;', { filePath: join(repoRoot, 'electron/core/x.ts') });
    expect(result?.messages.map((m) => m.ruleId)).toContain('@typescript-eslint/no-explicit-any');
  });
});
