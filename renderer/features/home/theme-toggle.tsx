import type { Theme } from '../../store/session-slice.ts';
import { useKeyriteStore } from '../../store/store.ts';

const CHOICES: readonly { value: Theme; label: string }[] = [
  { value: 'system', label: 'System' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

/** Light, dark, or whatever the system says: native radio buttons, so arrows and Tab work as everywhere. */
export function ThemeToggle() {
  const theme = useKeyriteStore((s) => s.theme);
  const setTheme = useKeyriteStore((s) => s.setTheme);
  return (
    <fieldset className="theme-toggle">
      <legend>Theme</legend>
      {CHOICES.map((choice) => (
        <label key={choice.value}>
          <input type="radio" name="theme" value={choice.value} checked={theme === choice.value} onChange={() => setTheme(choice.value)} />
          {choice.label}
        </label>
      ))}
    </fieldset>
  );
}
