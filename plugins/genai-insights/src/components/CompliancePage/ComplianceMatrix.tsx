import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import ButtonBase from '@material-ui/core/ButtonBase';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import type {
  ComplianceCheckInfo,
  ComplianceCheckSummary,
  ComplianceScorecards,
} from '@genai-portal/plugin-genai-insights-common';
import { teamName } from '@genai-portal/plugin-genai-insights-react';
import {
  formatScore,
  levelLabel,
  severityLabel,
  STATUS_LOOKS,
} from '../../lib/compliance';

/** The row's own columns keep their text on one line; the check columns take what is left. */
const fixed = { whiteSpace: 'nowrap', verticalAlign: 'bottom' } as const;

function CheckHeader(props: { check: ComplianceCheckInfo }) {
  const { check } = props;
  return (
    <Tooltip
      title={
        <>
          <strong>{check.title}</strong>
          <br />
          Severity: {severityLabel(check.severity)}
          <br />
          Looks at {check.looksAt}
        </>
      }
    >
      <span
        data-testid={`compliance-check-${check.id}`}
        // Seventeen checks side by side: titles read bottom to top, so the columns stay narrow.
        style={{
          display: 'inline-block',
          writingMode: 'vertical-rl',
          transform: 'rotate(180deg)',
          whiteSpace: 'nowrap',
          maxHeight: 240,
          overflow: 'hidden',
          textOverflow: 'ellipsis',
          textAlign: 'left',
        }}
      >
        {check.title}
        <Typography
          variant="caption"
          color="textSecondary"
          component="span"
          style={{ display: 'inline-block', marginRight: 2 }}
        >
          {` · ${severityLabel(check.severity)}`}
        </Typography>
      </span>
    </Tooltip>
  );
}

function StatusCell(props: {
  environment: string;
  check: ComplianceCheckInfo;
  result?: ComplianceCheckSummary;
  onOpen: () => void;
}) {
  const { environment, check, result } = props;
  if (!result) {
    return (
      <TableCell align="center" aria-label={`${check.title}: not evaluated`}>
        —
      </TableCell>
    );
  }
  const look = STATUS_LOOKS[result.status];
  const failing =
    result.failureCount > 0 ? `, ${result.failureCount} failing` : '';
  return (
    <TableCell
      align="center"
      data-status={result.status}
      style={{ background: look.background, padding: 0 }}
    >
      <ButtonBase
        onClick={props.onOpen}
        // The row's header names the environment; the name stays apart from the environment's
        // own button, so that a search for the environment's name finds that one button.
        aria-label={`${check.title}: ${look.label}${failing}`}
        data-environment={environment}
        title={`${check.title}: ${look.label}${failing}`}
        style={{
          width: '100%',
          minWidth: 28,
          minHeight: 36,
          color: look.color,
          fontWeight: 700,
        }}
      >
        <span aria-hidden>{look.symbol}</span>
      </ButtonBase>
    </TableCell>
  );
}

/**
 * Environments by check: each cell the check's status in the environment, coloured and labelled
 * (a symbol, and a name for assistive technology); the severity is in the column's tooltip.
 * The statuses are the scorecards' own: drawing the matrix reads nothing more. Clicking an
 * environment or a cell opens its checks.
 */
export function ComplianceMatrix(props: {
  cards: ComplianceScorecards;
  onOpen: (environment: string, checkId?: string) => void;
}) {
  const { cards, onOpen } = props;
  if (cards.environments.length === 0) {
    return (
      <Typography
        variant="body2"
        color="textSecondary"
        data-testid="compliance-no-environments"
      >
        No environment has been evaluated for these teams yet: environments are
        checked as they are created, then every few minutes.
      </Typography>
    );
  }
  return (
    <Box style={{ overflowX: 'auto' }}>
      <Table size="small" aria-label="Environments by check">
        <TableHead>
          <TableRow>
            <TableCell style={fixed}>Environment</TableCell>
            <TableCell style={fixed}>Team</TableCell>
            <TableCell style={fixed} align="right">
              Score
            </TableCell>
            <TableCell style={fixed}>Level</TableCell>
            {cards.checks.map(check => (
              <TableCell
                key={check.id}
                align="center"
                style={{ verticalAlign: 'bottom', padding: '6px 2px' }}
              >
                <CheckHeader check={check} />
              </TableCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          {cards.environments.map(env => {
            // An answer of an older backend has no statuses: every cell says not evaluated.
            const own = env.checks ?? {};
            return (
              <TableRow
                key={env.environment}
                data-testid={`compliance-row-${env.environment}`}
              >
                <TableCell component="th" scope="row" style={fixed}>
                  <Button
                    size="small"
                    color="primary"
                    onClick={() => onOpen(env.environment)}
                    style={{ textTransform: 'none' }}
                  >
                    {env.environment}
                  </Button>
                </TableCell>
                <TableCell style={fixed}>
                  {env.team ? teamName(env.team) : '—'}
                </TableCell>
                <TableCell style={fixed} align="right">
                  {formatScore(env.score.percent)}
                </TableCell>
                <TableCell style={fixed}>{levelLabel(env.level)}</TableCell>
                {cards.checks.map(check => (
                  <StatusCell
                    key={check.id}
                    environment={env.environment}
                    check={check}
                    result={
                      Object.hasOwn(own, check.id) ? own[check.id] : undefined
                    }
                    onOpen={() => onOpen(env.environment, check.id)}
                  />
                ))}
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
    </Box>
  );
}
