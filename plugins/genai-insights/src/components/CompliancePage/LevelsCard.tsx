import { InfoCard } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import {
  SEVERITY_WEIGHTS,
  type ComplianceCheckInfo,
  type ComplianceLevel,
} from '@genai-portal/plugin-genai-insights-common';

const H2 = { component: 'h2' };

/** What each level needs, in words: its checks, on top of the levels below. */
export function levelText(
  level: ComplianceLevel,
  below: ComplianceLevel | undefined,
  checks: ComplianceCheckInfo[],
): string {
  if (level.checks === '*') {
    return 'every check passes (or is waived, or does not apply).';
  }
  const titles = level.checks.map(
    id => checks.find(c => c.id === id)?.title ?? id,
  );
  return `${below ? `${below.name}, and ` : ''}${titles.join(', ')}.`;
}

/** The levels explained briefly, and how a score is weighed. */
export function LevelsCard(props: {
  levels: ComplianceLevel[];
  checks: ComplianceCheckInfo[];
}) {
  const { levels, checks } = props;
  return (
    <InfoCard title="Levels" titleTypographyProps={H2}>
      <Typography variant="body2" component="div">
        <ul aria-label="Levels" style={{ margin: 0, paddingLeft: 20 }}>
          {levels.map((level, i) => (
            <li key={level.name}>
              <strong>{level.name}</strong>:{' '}
              {levelText(level, levels[i - 1], checks)}
            </li>
          ))}
        </ul>
      </Typography>
      <Typography variant="caption" color="textSecondary" component="p">
        An environment reaches a level when that level's checks and those of the
        levels below pass, are waived or do not apply. A score is the share of
        applicable checks passed, each weighed by its severity (critical{' '}
        {SEVERITY_WEIGHTS.critical}, high {SEVERITY_WEIGHTS.high}, medium{' '}
        {SEVERITY_WEIGHTS.medium}, low {SEVERITY_WEIGHTS.low}); a waived failure
        counts as passed, a check that could not run as failed.
      </Typography>
    </InfoCard>
  );
}
