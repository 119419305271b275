import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{shared,electron,renderer,test,scripts}/**/*.test.{ts,tsx}'],
    // SOFTHSM2_CONF must be set in the main test process before any worker
    // calls C_Initialize (FACTS.md): the global setup makes a private
    // SoftHSM folder per run and never touches the system token folder.
    globalSetup: ['test/support/softhsm.global-setup.ts'],
    // Each file in its own process: PKCS#11 state is per process.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
