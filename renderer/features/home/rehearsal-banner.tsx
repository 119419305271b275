/** Shown on every screen while the rehearsal SoftHSM token is in use. */
export function RehearsalBanner() {
  return (
    <div className="rehearsal-banner" role="status" data-testid="rehearsal-banner">
      <strong>REHEARSAL</strong> — this session uses Keyrite&apos;s SoftHSM rehearsal token, not a real HSM. Nothing made here is real.
    </div>
  );
}
