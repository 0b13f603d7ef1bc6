import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { teamName } from '../../lib/format';

/** "ml-research's costs", "the costs of a and b", "these costs". */
export function refusalText(teams: string[]): string {
  const names = teams.map(teamName);
  if (names.length === 0) {
    return "You can't see these costs";
  }
  if (names.length === 1) {
    return `You can't see ${names[0]}'s costs`;
  }
  return `You can't see the costs of ${names.slice(0, -1).join(', ')} and ${
    names[names.length - 1]
  }`;
}

/**
 * A 403, or a team outside the caller's scope: who it is about, and what to do. No numbers: the
 * page shows this instead of everything that has them.
 */
export function Refusal(props: { teams: string[]; message?: string }) {
  return (
    <Alert severity="warning" data-testid="cost-refusal">
      <AlertTitle>{refusalText(props.teams)}</AlertTitle>
      Members see their teams' costs, leads their teams' (and set their
      budgets), admins every team's. Pick one of your teams, or ask the team's
      lead for access.
      {props.message && (
        <div>
          <small>{props.message}</small>
        </div>
      )}
    </Alert>
  );
}
