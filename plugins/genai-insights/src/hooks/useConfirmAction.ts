import { useEffect, useState } from 'react';
import { errorMessage } from '@genai-portal/plugin-genai-insights-react';

/**
 * Runs a dialog's action once confirmed: `busy` while it runs (the dialog may not close then),
 * the backend's message in `failure` when it fails. The failure is forgotten when the dialog opens
 * again.
 */
export function useConfirmAction(open: boolean, action: () => Promise<void>) {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string>();

  useEffect(() => {
    if (open) {
      setFailure(undefined);
    }
  }, [open]);

  const confirm = async () => {
    setBusy(true);
    setFailure(undefined);
    try {
      await action();
    } catch (e) {
      setFailure(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return { busy, failure, confirm };
}
