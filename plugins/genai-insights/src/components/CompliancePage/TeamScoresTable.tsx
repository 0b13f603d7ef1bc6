import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import type { ComplianceScorecards } from '@genai-portal/plugin-genai-insights-common';
import { teamName } from '@genai-portal/plugin-genai-insights-react';
import { formatScore, levelLabel } from '../../lib/compliance';

/** Each team's score, its environments, and how many reach each level (the highest first). */
export function TeamScoresTable(props: { cards: ComplianceScorecards }) {
  const { cards } = props;
  const levels = [...cards.levels].reverse().map(l => l.name);
  if (cards.teams.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No team's environment has been evaluated yet.
      </Typography>
    );
  }
  const noLevel = (name: string) => {
    const team = cards.teams.find(t => t.name === name)!;
    const reached = Object.values(team.levels).reduce((a, b) => a + b, 0);
    return team.environments - reached;
  };
  return (
    <Table size="small" aria-label="Team scores">
      <TableHead>
        <TableRow>
          <TableCell>Team</TableCell>
          <TableCell align="right">Score</TableCell>
          <TableCell align="right">Environments</TableCell>
          {levels.map(level => (
            <TableCell key={level} align="right">
              {level}
            </TableCell>
          ))}
          <TableCell align="right">{levelLabel()}</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {cards.teams.map(team => (
          <TableRow
            key={team.name}
            data-testid={`compliance-team-${team.name}`}
          >
            <TableCell>{teamName(team.name)}</TableCell>
            <TableCell align="right">
              {formatScore(team.score.percent)}
            </TableCell>
            <TableCell align="right">{team.environments}</TableCell>
            {levels.map(level => (
              <TableCell key={level} align="right">
                {team.levels[level] ?? 0}
              </TableCell>
            ))}
            <TableCell align="right">{noLevel(team.name)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
