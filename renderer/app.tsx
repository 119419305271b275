import { useEffect } from 'react';
import { getKeyrite } from './bridge.ts';
import { AuditTimeline } from './features/audit/audit-timeline.tsx';
import { AuditorScreen } from './features/auditor/auditor-screen.tsx';
import { CeremonyScreen } from './features/ceremony/ceremony-screen.tsx';
import { HomeScreen } from './features/home/home-screen.tsx';
import { RehearsalBanner } from './features/home/rehearsal-banner.tsx';
import { ThemeToggle } from './features/home/theme-toggle.tsx';
import { hsmSelectors } from './store/hsm-slice.ts';
import { useKeyriteStore } from './store/store.ts';

/** Every screen of the app, by id: adding a screen is one line here. */
export const screens = {
  home: HomeScreen,
  auditor: AuditorScreen,
  ceremony: CeremonyScreen,
} as const;
export type ScreenId = keyof typeof screens;

export function App() {
  const rehearsal = useKeyriteStore((s) => s.app?.rehearsal === true || hsmSelectors.isRehearsal(s));
  const describeApp = useKeyriteStore((s) => s.describeApp);
  const recordAuditEvent = useKeyriteStore((s) => s.recordAuditEvent);
  const recordRefusal = useKeyriteStore((s) => s.recordRefusal);
  const recordAuditorProgress = useKeyriteStore((s) => s.recordAuditorProgress);
  const screen = useKeyriteStore((s) => s.screen);
  const theme = useKeyriteStore((s) => s.theme);
  const Screen = screens[screen];

  useEffect(() => {
    void describeApp();
    return getKeyrite().events.subscribe((event) => {
      if (event.name === 'audit/recorded') recordAuditEvent(event.payload);
      else if (event.name === 'boundary/refused') recordRefusal(event.payload);
      else if (event.name === 'auditor/progress') recordAuditorProgress(event.payload);
      else if (event.name.startsWith('ceremony/')) useKeyriteStore.getState().recordCeremonyEvent(event);
    });
  }, [describeApp, recordAuditEvent, recordRefusal, recordAuditorProgress]);

  // styles.css: no data-theme follows prefers-color-scheme; light or dark overrides it.
  useEffect(() => {
    if (theme === 'system') delete document.documentElement.dataset['theme'];
    else document.documentElement.dataset['theme'] = theme;
  }, [theme]);

  return (
    <div className="app-shell">
      {rehearsal && <RehearsalBanner />}
      <header className="app-header">
        <span className="brand">Keyrite</span>
        <ThemeToggle />
      </header>
      <div className="app-body">
        <Screen />
        <AuditTimeline />
      </div>
    </div>
  );
}
