/**
 * What a packaged Keyrite holds: the Vite output (.vite/build for main and
 * preload, .vite/renderer for the page), package.json, and the Node-API
 * addons the main bundle leaves external (plus what they load at run time).
 * Both packagers read this list.
 */
export const NATIVE_RUNTIME_PACKAGES = ['pkcs11js', 'usb', 'node-gyp-build'] as const;

/** Paths inside the app (leading `/`, as @electron/packager's ignore callback sees them). */
const KEPT = ['/.vite', '/package.json', ...NATIVE_RUNTIME_PACKAGES.map((name) => `/node_modules/${name}`)];

/**
 * For @electron/packager's `ignore`: true for everything we do not ship.
 * Parent folders of kept paths are not ignored, so the packager walks into them.
 */
export function ignoredInPackage(file: string): boolean {
  if (file === '') return false;
  if (KEPT.some((kept) => file === kept || file.startsWith(`${kept}/`))) return false;
  if (KEPT.some((kept) => kept.startsWith(`${file}/`))) return false;
  return true;
}

/** Native addons must live outside app.asar to be loaded. */
export const ASAR_UNPACK_GLOB = '**/*.node';
