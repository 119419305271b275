import { useEffect, useState } from 'react';
import type { Choice } from '../../../shared/contract/ceremony.ts';
import { useKeyriteStore } from '../../store/store.ts';

/** What the engine offers for the pending request (media, earlier bundles), loaded once per request. */
export function useChoices(requestId: number): { choices: Choice[]; defaultLabel: string | null } | null {
  const load = useKeyriteStore((s) => s.choices);
  const [offered, setOffered] = useState<{ id: number; value: { choices: Choice[]; defaultLabel: string | null } } | null>(null);
  useEffect(() => {
    let live = true;
    void load().then((value) => {
      if (live && value !== null) setOffered({ id: requestId, value });
    });
    return () => {
      live = false;
    };
  }, [load, requestId]);
  return offered?.id === requestId ? offered.value : null;
}
