/**
 * The accessibility check every spec runs on every screen it shows, in each
 * theme: axe-core (Deque's engine, the one Lighthouse uses) against WCAG 2.x
 * A and AA, failing on any serious or critical finding (contrast, names,
 * labels, roles). Moderate and minor findings are attached to the report,
 * not failed, so a spec names what to look at without flaking on style.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page, TestInfo } from '@playwright/test';
import { expect } from '@playwright/test';

export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

export type ThemeName = 'light' | 'dark';

/**
 * Runs axe on the page as it is now and fails on serious or critical
 * findings, each listed with its rule, impact, help and the first targets.
 */
export async function expectAccessible(page: Page, screen: string, testInfo?: TestInfo): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const others = results.violations.filter((v) => !serious.includes(v));
  if (testInfo !== undefined && results.violations.length > 0) {
    await testInfo.attach(`axe-${screen}.json`, { body: JSON.stringify(results.violations, null, 2), contentType: 'application/json' });
  }
  if (others.length > 0) console.log(`[axe] ${screen}: ${others.length} moderate or minor findings (${others.map((v) => v.id).join(', ')})`);
  const described = serious.map((v) => `${v.impact ?? ''} ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  expect(described, `axe found serious or critical problems on ${screen}`).toEqual([]);
}

/**
 * Checks the page in the light and then the dark theme, switched with the
 * app's own visible toggle (a person's path, and it must itself be
 * accessible), then puts the theme back to following the system.
 *
 * While a modal dialog is open (`<dialog>` shown with showModal()), the
 * page behind it, the toggle too, is inert (HTML, "modal dialogs"): no
 * person can reach it. The theme then follows the system (every check ends
 * there), so the system's colour scheme is switched instead, which is what
 * the light-dark() pairs of renderer/styles.css follow.
 */
export async function expectAccessibleInBothThemes(page: Page, screen: string, testInfo?: TestInfo): Promise<void> {
  if (await page.evaluate(() => document.querySelector(':modal') !== null)) {
    await expect(page.locator('html'), 'the theme follows the system while a modal dialog is open').not.toHaveAttribute('data-theme', /./);
    try {
      for (const theme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: theme });
        expect(await page.evaluate((t) => matchMedia(`(prefers-color-scheme: ${t})`).matches, theme)).toBe(true);
        await expectAccessible(page, `${screen} (${theme}, system theme under a modal dialog)`, testInfo);
      }
    } finally {
      await page.emulateMedia({ colorScheme: null });
    }
    return;
  }
  const themes = page.getByRole('group', { name: 'Theme' });
  for (const theme of ['Light', 'Dark'] as const) {
    await themes.getByRole('radio', { name: theme }).check();
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme.toLowerCase());
    await expectAccessible(page, `${screen} (${theme.toLowerCase()})`, testInfo);
  }
  await themes.getByRole('radio', { name: 'System' }).check();
}
