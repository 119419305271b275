/**
 * Read access to sysfs, procfs and /dev, behind an interface so that every
 * parser runs over a recorded snapshot in tests (fixtures/sysfs-fixture.ts)
 * and over the live files in the app.
 */
import { readdirSync, readFileSync, realpathSync } from 'node:fs';

export interface SysfsReader {
  /** Trimmed file contents, or null when absent or unreadable. */
  readText(path: string): string | null;
  /** The resolved path, or null when absent. */
  realpath(path: string): string | null;
  /** Entry names, or null when the folder is absent. */
  list(path: string): string[] | null;
}

export const liveSysfs: SysfsReader = {
  readText(path) {
    try {
      return readFileSync(path, 'utf8').trim();
    } catch {
      return null;
    }
  },
  realpath(path) {
    try {
      return realpathSync(path);
    } catch {
      return null;
    }
  },
  list(path) {
    try {
      return readdirSync(path);
    } catch {
      return null;
    }
  },
};
