/**
 * The fuses of every packaged Keyrite binary, in one place for both
 * packagers (Forge's plugin-fuses and electron-builder's `electronFuses`).
 * Fuses are flipped in the Electron binary itself, so they hold even if
 * someone edits the app's JavaScript. https://www.electronjs.org/docs/latest/tutorial/fuses
 *
 * WARNING: EnableEmbeddedAsarIntegrityValidation is only enforced on macOS
 * and Windows (FACTS.md); on Linux OnlyLoadAppFromAsar still applies, but a
 * modified app.asar is not detected by Electron itself.
 */
import { FuseV1Options, FuseVersion, type FuseV1Config } from '@electron/fuses';

/** Each fuse by its Electron name, with the value we ship and why. */
export const KEYRITE_FUSES = {
  /** ELECTRON_RUN_AS_NODE ignored: the signed binary is never a general Node. */
  RunAsNode: false,
  /** Cookies (we set none) encrypted with the OS key store anyway. */
  EnableCookieEncryption: true,
  /** NODE_OPTIONS and NODE_EXTRA_CA_CERTS ignored: nothing injected from the environment. */
  EnableNodeOptionsEnvironmentVariable: false,
  /** --inspect and friends, and SIGUSR1, do not start a debugger. */
  EnableNodeCliInspectArguments: false,
  /** app.asar checked against the hash in the binary (macOS, Windows). */
  EnableEmbeddedAsarIntegrityValidation: true,
  /** Only app.asar is loaded, never a loose `app/` folder beside it. */
  OnlyLoadAppFromAsar: true,
  /** The default V8 snapshot for the browser process; no separate snapshot file to swap. */
  LoadBrowserProcessSpecificV8Snapshot: false,
  /** file:// gets no extra privileges: we serve the renderer from app://. */
  GrantFileProtocolExtraPrivileges: false,
  /** Electron's default: WebAssembly trap handlers stay on (we ship no Wasm; safe either way). */
  WasmTrapHandlers: true,
} as const satisfies Record<keyof typeof FuseV1Options, boolean>;

export type FuseName = keyof typeof KEYRITE_FUSES;

/**
 * For @electron/fuses and @electron-forge/plugin-fuses. `strictlyRequireAllFuses`
 * makes the flip fail if a future Electron adds a fuse we have not decided on.
 */
export function forgeFuseConfig(): FuseV1Config {
  const config: Record<number, boolean> = {};
  for (const [name, value] of Object.entries(KEYRITE_FUSES) as [FuseName, boolean][]) config[FuseV1Options[name]] = value;
  return { version: FuseVersion.V1, strictlyRequireAllFuses: true, ...(config as Record<FuseV1Options, boolean>) };
}

/** electron-builder 26's `electronFuses` option (camel-case names, same values). */
export function builderFuseConfig() {
  return {
    runAsNode: KEYRITE_FUSES.RunAsNode,
    enableCookieEncryption: KEYRITE_FUSES.EnableCookieEncryption,
    enableNodeOptionsEnvironmentVariable: KEYRITE_FUSES.EnableNodeOptionsEnvironmentVariable,
    enableNodeCliInspectArguments: KEYRITE_FUSES.EnableNodeCliInspectArguments,
    enableEmbeddedAsarIntegrityValidation: KEYRITE_FUSES.EnableEmbeddedAsarIntegrityValidation,
    onlyLoadAppFromAsar: KEYRITE_FUSES.OnlyLoadAppFromAsar,
    loadBrowserProcessSpecificV8Snapshot: KEYRITE_FUSES.LoadBrowserProcessSpecificV8Snapshot,
    grantFileProtocolExtraPrivileges: KEYRITE_FUSES.GrantFileProtocolExtraPrivileges,
    // electron-builder 26 has no wasmTrapHandlers option: that fuse keeps Electron's default (on).
  } as const;
}
