import { z } from 'zod';

/** What the renderer may know about a PKCS#11 module: public facts only. */
export const HsmModuleInfo = z
  .object({
    /** Library path as configured, e.g. /usr/lib/softhsm/libsofthsm2.so */
    path: z.string().max(4096),
    manufacturer: z.string().max(64),
    description: z.string().max(64),
    libraryVersion: z.string().max(16),
    cryptokiVersion: z.string().max(16),
    /** True when this is Keyrite's own rehearsal SoftHSM token, not a real HSM. */
    rehearsal: z.boolean(),
  })
  .strict();
export type HsmModuleInfo = z.infer<typeof HsmModuleInfo>;

/**
 * A token as PKCS#11 describes it (CK_TOKEN_INFO), plus where it sits.
 * Slot ids are not stable (SoftHSM renumbers them), so serial + label is
 * how a token is identified; the slot id is only for display.
 */
export const TokenSummary = z
  .object({
    slotId: z.string().max(32),
    slotDescription: z.string().max(64),
    label: z.string().max(32),
    manufacturer: z.string().max(32),
    model: z.string().max(16),
    serial: z.string().max(16),
    hardwareVersion: z.string().max(16),
    firmwareVersion: z.string().max(16),
    initialized: z.boolean(),
    userPinInitialized: z.boolean(),
    loggedIn: z.boolean(),
    writeProtected: z.boolean(),
    hasRng: z.boolean(),
  })
  .strict();
export type TokenSummary = z.infer<typeof TokenSummary>;
