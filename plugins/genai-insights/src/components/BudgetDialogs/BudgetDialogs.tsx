import { useApi } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Alert from '@material-ui/lab/Alert';
import type { BudgetScope } from '@genai-portal/plugin-genai-insights-common';
import { useEffect, useState, type ReactNode } from 'react';
import { genaiInsightsApiRef } from '@genai-portal/plugin-genai-insights-react';
import { useConfirmAction } from '../../hooks/useConfirmAction';

/** The largest monthly budget the backend takes, in currency units. */
const MAX_AMOUNT = 1_000_000_000;

/** Why a budget amount is refused, or undefined when it is a positive number the backend takes. */
export function validateAmount(text: string): string | undefined {
  const value = text.trim();
  if (value === '') {
    return 'Enter the monthly budget';
  }
  if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(value)) {
    return 'Enter a number, like 5000 or 2500.50 (no currency sign or separators)';
  }
  const amount = Number(value);
  if (amount <= 0) {
    return 'The budget must be a positive amount (use Remove budget to drop it)';
  }
  if (amount > MAX_AMOUNT) {
    return 'The budget must be at most 1,000,000,000';
  }
  return undefined;
}

function BudgetDialog(props: {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  confirmColor: 'primary' | 'secondary';
  confirmDisabled?: boolean;
  busy: boolean;
  failure?: string;
  onConfirm: () => void;
  onClose: () => void;
}) {
  const { open, busy, onClose } = props;
  return (
    <Dialog
      open={open}
      onClose={busy ? undefined : onClose}
      maxWidth="xs"
      fullWidth
      aria-labelledby="genai-insights-budget-dialog-title"
    >
      <DialogTitle id="genai-insights-budget-dialog-title">
        {props.title}
      </DialogTitle>
      <DialogContent>
        {props.children}
        {props.failure && (
          <Alert severity="error" style={{ marginTop: 16 }}>
            {props.failure}
          </Alert>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={busy}>
          Cancel
        </Button>
        <Button
          variant="contained"
          color={props.confirmColor}
          onClick={props.onConfirm}
          disabled={props.confirmDisabled || busy}
        >
          {props.confirmLabel}
        </Button>
      </DialogActions>
    </Dialog>
  );
}

/** What a budget dialog acts on. */
export interface BudgetTarget {
  scope: BudgetScope;
  /** A group ref for a team, the code for a cost center. */
  subject: string;
  /** How people read it: the team's name. */
  label: string;
  /** The budget now, in currency units, if there is one. */
  currentAmount?: number;
}

/** Sets a monthly budget: an amount in the currency, checked before it is sent. */
export function SetBudgetDialog(props: {
  open: boolean;
  target: BudgetTarget;
  currency: string;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { open, target, currency, onClose, onSaved } = props;
  const api = useApi(genaiInsightsApiRef);
  const initial =
    target.currentAmount === undefined ? '' : String(target.currentAmount);
  const [text, setText] = useState(initial);
  const [touched, setTouched] = useState(false);
  const invalid = validateAmount(text);
  const { busy, failure, confirm } = useConfirmAction(open, async () => {
    await api.setBudget({
      scope: target.scope,
      subject: target.subject,
      monthlyAmount: Number(text.trim()),
    });
    onSaved();
    onClose();
  });

  useEffect(() => {
    if (open) {
      setText(initial);
      setTouched(false);
    }
  }, [open, initial]);

  const save = () => {
    setTouched(true);
    if (!invalid) {
      confirm();
    }
  };
  const showError = touched && !!invalid;

  return (
    <BudgetDialog
      open={open}
      title={`Set budget for ${target.label}`}
      confirmLabel="Save"
      confirmColor="primary"
      confirmDisabled={showError}
      busy={busy}
      failure={failure}
      onConfirm={save}
      onClose={onClose}
    >
      <DialogContentText>
        A monthly budget in {currency}, spent in the chargeback basis. The cost
        page marks 50%, 80% and 100% of it, and a forecast over it.
      </DialogContentText>
      <TextField
        fullWidth
        id="genai-insights-budget-amount"
        label={`Monthly budget (${currency})`}
        value={text}
        inputProps={{ inputMode: 'decimal' }}
        onChange={e => {
          setText(e.target.value);
          setTouched(true);
        }}
        onKeyDown={e => {
          if (e.key === 'Enter') {
            save();
          }
        }}
        error={showError}
        helperText={showError ? invalid : 'For example 5000'}
      />
    </BudgetDialog>
  );
}

/** Removes a budget, after asking. */
export function RemoveBudgetDialog(props: {
  open: boolean;
  target: BudgetTarget;
  onClose: () => void;
  onRemoved: () => void;
}) {
  const { open, target, onClose, onRemoved } = props;
  const api = useApi(genaiInsightsApiRef);
  const { busy, failure, confirm } = useConfirmAction(open, async () => {
    await api.setBudget({
      scope: target.scope,
      subject: target.subject,
      monthlyAmount: null,
    });
    onRemoved();
    onClose();
  });
  return (
    <BudgetDialog
      open={open}
      title={`Remove the budget of ${target.label}?`}
      confirmLabel="Remove"
      confirmColor="secondary"
      busy={busy}
      failure={failure}
      onConfirm={confirm}
      onClose={onClose}
    >
      <DialogContentText>
        Its spending is still counted; it is no longer checked against a budget.
      </DialogContentText>
    </BudgetDialog>
  );
}
