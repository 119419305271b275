import { useEffect } from 'react';
import { getKeyrite } from './bridge.ts';
import { AuditTimeline } from './features/audit/audit-timeline.tsx';
import { HomeScreen } from './features/home/home-screen.tsx';
import { RehearsalBanner } from './features/home/rehearsal-banner.tsx';
import { hsmSelectors } from './store/hsm-slice.ts';
import { useKeyriteStore } from './store/store.ts';

export function App() {
  const rehearsal = useKeyriteStore((s) => s.app?.rehearsal === true || hsmSelectors.isRehearsal(s));
  const describeApp = useKeyriteStore((s) => s.describeApp);
  const recordAuditEvent = useKeyriteStore((s) => s.recordAuditEvent);
  const recordRefusal = useKeyriteStore((s) => s.recordRefusal);

  useEffect(() => {
    void describeApp();
    return getKeyrite().events.subscribe((event) => {
      if (event.name === 'audit/recorded') recordAuditEvent(event.payload);
      else if (event.name === 'boundary/refused') recordRefusal(event.payload);
    });
  }, [describeApp, recordAuditEvent, recordRefusal]);

  return (
    <div className="app-shell">
      {rehearsal && <RehearsalBanner />}
      <header className="app-header">
        <span className="brand">Keyrite</span>
      </header>
      <div className="app-body">
        <HomeScreen />
        <AuditTimeline />
      </div>
    </div>
  );
}
