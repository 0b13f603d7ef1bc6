import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { teamName } from '../../lib/teams';

/** What a refusal is about: the cost pages' costs, or the GPU page's GPU utilization. @public */
export type RefusalSubject = 'costs' | 'gpus';

const NOUNS: Record<RefusalSubject, string> = {
  costs: 'costs',
  gpus: 'GPU utilization',
};

/** The refusal's title: "You can't see ml-research's costs", "... the costs of a and b", "... these costs". @public */
export function refusalText(
  teams: string[],
  subject: RefusalSubject = 'costs',
): string {
  const noun = NOUNS[subject];
  const names = teams.map(teamName);
  if (names.length === 0) {
    return subject === 'costs'
      ? "You can't see these costs"
      : `You can't see this ${noun}`;
  }
  if (names.length === 1) {
    return `You can't see ${names[0]}'s ${noun}`;
  }
  return `You can't see the ${noun} of ${names.slice(0, -1).join(', ')} and ${
    names[names.length - 1]
  }`;
}

/** Props of {@link Refusal}. @public */
export interface RefusalProps {
  /** The teams refused (group refs or names); none for "these costs". */
  teams: string[];
  /** The backend's message, shown small under the explanation. */
  message?: string;
  /** `costs` when absent. */
  subject?: RefusalSubject;
}

/**
 * A 403, or a team outside the caller's scope: who it is about, and what to do. No numbers: the
 * page shows this instead of everything that has them.
 * @public
 */
export function Refusal(props: RefusalProps) {
  const subject = props.subject ?? 'costs';
  return (
    <Alert
      severity="warning"
      data-testid={subject === 'costs' ? 'cost-refusal' : 'gpu-refusal'}
    >
      <AlertTitle>{refusalText(props.teams, subject)}</AlertTitle>
      {subject === 'costs'
        ? "Members see their teams' costs, leads their teams' (and set their budgets), admins every team's."
        : "Members and leads see their teams' GPUs (other teams' pods show without their names), admins every team's."}{' '}
      Pick one of your teams, or ask the team's lead for access.
      {props.message && (
        <div>
          <small>{props.message}</small>
        </div>
      )}
    </Alert>
  );
}
