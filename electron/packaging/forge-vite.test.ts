/**
 * The Vite configurations as Forge's Vite plugin resolves them for
 * `electron-forge start` / `package` (its own ViteConfigGenerator merging
 * its defaults under ours), so the Forge path and the plain
 * `vite build -c ...` path produce the same files in the same places.
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const internal = (file: string) => pathToFileURL(path.join(root, 'node_modules', file)).href;

interface ResolvedConfig {
  root?: string;
  build: { outDir: string; lib?: { entry: unknown; formats?: string[]; fileName?: unknown }; rollupOptions?: { external?: unknown[]; input?: unknown; output?: Record<string, unknown> } };
}

const resolved = new Map<boolean, ReturnType<typeof loadForgeViteConfigs>>();
function resolveForgeViteConfigs(isProd: boolean): ReturnType<typeof loadForgeViteConfigs> {
  let configs = resolved.get(isProd);
  if (configs === undefined) {
    configs = loadForgeViteConfigs(isProd);
    resolved.set(isProd, configs);
  }
  return configs;
}

async function loadForgeViteConfigs(isProd: boolean): Promise<{ builds: ResolvedConfig[]; renderers: ResolvedConfig[] }> {
  // Neither module is in its package's export map; both are imported by file.
  const { default: loadForgeConfig } = (await import(internal('@electron-forge/core/dist/util/forge-config.js'))) as { default: (dir: string) => Promise<{ plugins: { name?: string; config?: unknown }[] }> };
  const { default: Generator } = (await import(internal('@electron-forge/plugin-vite/dist/ViteConfig.js'))) as { default: new (config: unknown, dir: string, isProd: boolean) => { getBuildConfigs(): Promise<ResolvedConfig[]>; getRendererConfig(): Promise<ResolvedConfig[]> } };
  const forge = await loadForgeConfig(root);
  const vite = forge.plugins.find((plugin) => plugin.name === 'vite');
  expect(vite).toBeDefined();
  const generator = new Generator(vite?.config, root, isProd);
  return { builds: await generator.getBuildConfigs(), renderers: await generator.getRendererConfig() };
}

describe.each([true, false])('Forge Vite plugin (production build: %s)', (isProd) => {
  it('builds main.cjs: CommonJS, into .vite/build, electron and the Node-API addons external', async () => {
    const [main] = (await resolveForgeViteConfigs(isProd)).builds;
    expect(main?.build.outDir).toBe('.vite/build');
    expect(main?.build.lib).toMatchObject({ entry: 'electron/main/index.ts', formats: ['cjs'] });
    const fileName = main?.build.lib?.fileName as () => string;
    expect(fileName()).toBe('main.cjs');
    const external = main?.build.rollupOptions?.external ?? [];
    for (const name of ['electron', 'pkcs11js', 'usb', 'node:fs']) expect(external, name).toContain(name);
  });

  it('builds preload.cjs: one CommonJS file into .vite/build, only electron external', async () => {
    const [, preload] = (await resolveForgeViteConfigs(isProd)).builds;
    expect(preload?.build.outDir).toBe('.vite/build');
    expect(preload?.build.rollupOptions?.input).toEqual({ preload: 'electron/preload/index.ts' });
    expect(preload?.build.rollupOptions?.output).toMatchObject({ format: 'cjs', codeSplitting: false, entryFileNames: '[name].cjs' });
    const external = (preload?.build.rollupOptions?.external ?? []).filter((name) => typeof name === 'string' && !name.startsWith('node:') && !name.startsWith('_'));
    expect(external).not.toContain('zod');
    expect(external).toContain('electron');
  });

  it('puts the renderer where the app:// protocol serves it from', async () => {
    const [renderer] = (await resolveForgeViteConfigs(isProd)).renderers;
    const outDir = path.resolve(root, renderer?.root ?? '.', renderer?.build.outDir ?? '');
    expect(outDir).toBe(path.join(root, '.vite', 'renderer', 'main_window'));
  });
});
