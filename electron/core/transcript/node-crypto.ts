/** The verifier's hash and signature functions on node:crypto, for every verification the main process and the CLI run. */
import { nodeEd25519Verify } from './node-ed25519.ts';
import { nodeSha256 } from './node-sha256.ts';

export const nodeCrypto = { sha256: nodeSha256, ed25519: nodeEd25519Verify } as const;
