/**
 * The pre-flight panel as a QA engineer reads it: one item by what it
 * checks, its state in words, and its "what to do"; and the time a witness
 * reads from a clock that is off by some minutes.
 */
import type { Locator, Page } from '@playwright/test';
import { collectDevicePreflight } from '../../electron/core/devices/index.ts';
import { expect } from './fixtures.ts';

export type PreflightItemName = 'air-gap' | 'environment' | 'devices' | 'clock' | 'custody-serials' | 'hsm-inventory';
export type PreflightState = 'to-do' | 'passed' | 'warned' | 'failed';

const WORDS: Record<PreflightState, string> = { 'to-do': 'To do', passed: 'Passed', warned: 'Warned', failed: 'Failed' };

export const preflightPanel = (page: Page): Locator => page.getByRole('region', { name: 'Pre-flight checks' });

export const preflightItem = (page: Page, item: PreflightItemName): Locator => preflightPanel(page).locator(`[data-testid="preflight-item"][data-item="${item}"]`);

/** The item shows this state, as an attribute and in words; warned and failed items say what to do (matching `whatToDo`), the others say nothing. */
export async function expectPreflightItem(page: Page, item: PreflightItemName, state: PreflightState, whatToDo?: RegExp): Promise<void> {
  const found = preflightItem(page, item);
  await expect(found).toHaveAttribute('data-state', state);
  await expect(found.getByTestId('preflight-state')).toHaveText(WORDS[state]);
  const advice = found.getByTestId('preflight-what-to-do');
  if (state === 'warned' || state === 'failed') await expect(advice).toContainText(whatToDo ?? /\S/);
  else await expect(advice).toHaveCount(0);
}

/** "YYYY-MM-DD HH:MM:SS" in UTC, `minutes` ahead of this machine's clock: what a witness whose reference is off would read. */
export function skewedWitnessTime(minutes: number, now = new Date()): string {
  return new Date(now.getTime() + minutes * 60_000).toISOString().slice(0, 19).replace('T', ' ');
}

/** What this machine's devices module finds (the same code the engine's pre-flight runs): the air gap's and the device inventory's expected states. */
export async function expectedOnThisMachine(): Promise<{ airGap: PreflightState; devices: PreflightState; os: string }> {
  const found = await collectDevicePreflight({ mode: 'rehearsal', appVersion: 'e2e', bundlePath: null });
  const { os } = found.environment;
  return {
    airGap: found.airGapDecision.decision === 'pass' ? 'passed' : 'warned',
    devices: found.usb.available && found.media.ok ? 'passed' : 'warned',
    os: `Operating system: ${os.type} ${os.release} (${os.arch}).`,
  };
}
