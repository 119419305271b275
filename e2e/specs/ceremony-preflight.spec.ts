/**
 * Issue #8's pre-flight screen and enrolment rules, through the UI alone on
 * built-in ceremony 7 and the rehearsal token:
 * - beside the step runner, the pre-flight panel lists the script's checks
 *   (air gap, environment record, devices and media, clock, HSM inventory),
 *   each to do, passed or warned as the engine derived it from what its
 *   pre-flight steps recorded; the witness reads a clock 20 minutes ahead,
 *   and the clock is warned with what to do in words (the script says
 *   continue, so the engine records a pre-flight warning and needs no
 *   exception); the panel is axe-checked in both themes and photographed;
 * - enrolment: once the administrator is enrolled, choosing that role again
 *   shows it full and says why before anything is submitted, and so does an
 *   id already enrolled in another role;
 * - the ceremony goes on to a verified bundle whose transcript holds the
 *   skew, and Back to home leaves none of the ceremony's audit events behind;
 * - a copy of the script that enforces the air gap, on an online machine,
 *   stops at the air gap: the panel stays on the outcome screen with the
 *   air gap failed and what to do.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expectAccessibleInBothThemes } from '../support/axe.ts';
import { CeremonyDriver, castOf, expectNoSecretIn, verifyFolder } from '../support/ceremony-driver.ts';
import { expect, test } from '../support/fixtures.ts';
import { expectPreflightItem, expectedOnThisMachine, preflightItem, preflightPanel, skewedWitnessTime } from '../support/preflight-panel.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const TITLE = 'HSM inventory and policy check';
const cast = castOf('07-hsm-inventory-and-policy.answers.yaml');
const CLOCK_ADVICE = /^What to do: The clock differs from the witness's reading by 20 minutes \(the script allows 5 minutes\): correct this computer's clock and start the ceremony again, or go on and raise an exception after enrolment stating why\./;

test.describe('ceremony 7: the pre-flight panel and enrolment rules before they are refused', () => {
  test.setTimeout(300_000);

  test('a clock 20 minutes off is warned with what to do, a full role is explained before submit, and the ceremony ends with a verified bundle', async ({ app }, testInfo) => {
    const driver = new CeremonyDriver(app, testInfo);
    const page = app.page;
    const seen = new Set<string>();
    const machine = await expectedOnThisMachine();
    const checked = new Set<string>();
    await driver.start(TITLE);
    const result = await driver.run(cast, {
      seen,
      intercept: async (request) => {
        const form = page.getByRole('form', { name: 'Enrol a participant' });
        const enrolled = request.kind === 'participant' ? await page.getByRole('list', { name: 'Enrolled participants' }).getByRole('listitem').count() : -1;
        if (request.kind === 'witness-time') {
          // The air gap and the environment are recorded; the clock waits for the witness; the inventory is still to do.
          await expect(preflightPanel(page)).toBeVisible();
          await expectPreflightItem(page, 'air-gap', machine.airGap);
          await expect(preflightItem(page, 'environment')).toContainText(machine.os);
          await expectPreflightItem(page, 'clock', 'to-do');
          await expect(preflightItem(page, 'clock')).toContainText('Now: waiting for the time a witness reads from their own clock.');
          await expectPreflightItem(page, 'devices', 'to-do');
          await expectPreflightItem(page, 'hsm-inventory', 'to-do');
          await driver.type(page.getByLabel('UTC time read by the witness (HH:MM:SS)', { exact: true }), skewedWitnessTime(20));
          await driver.press(page.getByRole('button', { name: 'Record the time' }));
          checked.add('clock typed');
          return true;
        }
        if (request.kind === 'participant' && enrolled === 0) {
          // Every pre-flight check is done; the panel stays beside the enrolment.
          await expectPreflightItem(page, 'clock', 'warned', CLOCK_ADVICE);
          await expect(preflightItem(page, 'clock')).toContainText(/The witness read \d{4}-\d\d-\d\dT[\d:.]+Z; this computer said/);
          await expectPreflightItem(page, 'air-gap', machine.airGap);
          await expectPreflightItem(page, 'devices', machine.devices);
          await expectPreflightItem(page, 'hsm-inventory', 'passed');
          const digest = preflightItem(page, 'hsm-inventory').locator('.read-aloud-item').filter({ hasText: 'snapshotSha256' });
          await expect(digest.locator('.words')).toHaveText(/^[a-z]+( [a-z]+){10,}$/);
          await expect(page.locator('.step-list [data-step="clock"]')).toContainText('warned: recorded in the transcript as a pre-flight warning');
          await app.screenshot('ceremony-preflight-panel-page');
          await preflightPanel(page).screenshot({ path: testInfo.outputPath('ceremony-preflight-panel.png') });
          await expectAccessibleInBothThemes(page, 'pre-flight panel with a warned clock', testInfo);
          checked.add('panel');
        }
        if (request.kind === 'participant' && enrolled === 1 && !checked.has('role full')) {
          // Ada is the one administrator the script allows: the role is marked full and, chosen, explained before submit.
          await expect(form.getByLabel('Role', { exact: true }).locator('option[value="administrator"]')).toHaveAttribute('label', 'administrator (full)');
          await driver.choose(form.getByLabel('Role', { exact: true }), 'administrator');
          const problem = form.getByTestId('enrol-problem');
          await expect(problem).toHaveAttribute('data-code', 'CEREMONY_ROLE_FULL');
          await expect(problem).toHaveText('The administrator role is full: the script allows at most 1 administrator and 1 is enrolled (Ada Admin). Choose another role.');
          await expect(form.getByLabel('Role', { exact: true })).toHaveAttribute('aria-invalid', 'true');
          // The administrator's id under another role: one person holds one role.
          await driver.choose(form.getByLabel('Role', { exact: true }), 'witness');
          await driver.type(form.getByLabel('Participant id (lower-case letters, digits, hyphens)', { exact: true }), 'ada');
          await expect(problem).toHaveAttribute('data-code', 'CEREMONY_ROLE_SEPARATION');
          await expect(problem).toHaveText('Ada Admin (ada) is already enrolled as administrator: one person holds one role, so Keyrite would refuse this enrolment.');
          await driver.checkScreen('enrolment-role-explained', seen);
          await driver.type(form.getByLabel('Participant id (lower-case letters, digits, hyphens)', { exact: true }), '');
          await expect(problem).toHaveText('');
          checked.add('role full');
        }
        if (request.kind === 'pin') {
          // Enrolment is signed off: the steps go on without the pre-flight panel.
          await expect(preflightPanel(page)).toHaveCount(0);
          checked.add('panel gone');
        }
        return false;
      },
    });
    expect([...checked].sort()).toEqual(['clock typed', 'panel', 'panel gone', 'role full']);
    expect(verifyFolder(result.bundleFolder).status).toBe('verified');
    // The transcript holds the clock's warning: a deviation of about 20 minutes, never refused.
    const events = readFileSync(join(result.bundleFolder, 'transcript.jsonl'), 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { type: string; step?: string; payload: Record<string, unknown> });
    const clock = events.find((e) => e.type === 'step/result' && e.step === 'clock')?.payload as { deviation: boolean; result: { skewSeconds: number } } | undefined;
    expect(clock?.deviation).toBe(true);
    expect(Math.abs((clock?.result.skewSeconds ?? 0) - 1200)).toBeLessThan(60);
    expect(events.filter((e) => e.type === 'input/refused')).toEqual([]);
    expectNoSecretIn(app.received);
    // The end of the ceremony: Home's audit timeline keeps none of the ceremony's events (Home's own, recorded since, may follow).
    const auditEvents = page.getByTestId('audit-event');
    await expect(auditEvents.filter({ hasText: 'Ceremony started' })).toHaveCount(1);
    const lastSeq = Math.max(...(await auditEvents.evaluateAll((items) => items.map((li) => Number(li.getAttribute('data-seq'))))));
    await driver.press(page.getByRole('button', { name: 'Back to home' }));
    await expect(page.getByRole('heading', { level: 1, name: 'Key ceremonies' })).toBeVisible();
    await expect(page.locator('.ceremony-timeline')).toHaveCount(0);
    const kept = await auditEvents.evaluateAll((items, last) => items.map((li) => Number(li.getAttribute('data-seq'))).filter((seq) => seq <= last), lastSeq);
    expect(kept).toEqual([]);
  });

  test('a script that enforces the air gap, on an online machine: the air gap fails and the panel says what to do', async ({ app }, testInfo) => {
    const machine = await expectedOnThisMachine();
    test.skip(machine.airGap === 'passed', 'this machine is air-gapped, so an enforced air gap passes here');
    const page = app.page;
    const driver = new CeremonyDriver(app, testInfo);
    const script = readFileSync(join(repo, 'assets/ceremonies/07-hsm-inventory-and-policy.yaml'), 'utf8').replace('airGap: warn', 'airGap: enforce');
    await page.getByLabel('Open a script file').setInputFiles({ name: 'enforced.yaml', mimeType: 'text/yaml', buffer: Buffer.from(script) });
    await driver.press(page.getByRole('list', { name: 'Checked script' }).getByRole('button', { name: `Start ${TITLE}` }));
    await driver.timelineShows('ceremony/closed');
    await expect(page.getByTestId('ceremony-outcome')).toContainText(/not air-gapped/);
    await expectPreflightItem(page, 'air-gap', 'failed', /^What to do: Unplug every network cable and turn off every radio \(Wi-Fi, Bluetooth\), then start the ceremony again\.$/);
    await expect(preflightItem(page, 'air-gap')).toContainText(/^Failed Air gapThe ceremony stopped here: .*not air-gapped/);
    await expectPreflightItem(page, 'environment', 'failed', /^What to do: Start the ceremony again once the air gap passes; the environment is recorded with it\.$/);
    await expectPreflightItem(page, 'clock', 'to-do');
    await expectPreflightItem(page, 'hsm-inventory', 'to-do');
    await app.screenshot('ceremony-preflight-air-gap-failed');
    await expectAccessibleInBothThemes(page, 'pre-flight panel with a failed air gap', testInfo);
  });
});
