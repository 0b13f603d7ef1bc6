import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import type { ComplianceLevel } from '@genai-portal/plugin-genai-insights-common';
import { levelCounts } from '../../lib/compliance';

/** How many environments reach each level, the highest first, then those with none. */
export function LevelCounts(props: {
  levels: ComplianceLevel[];
  environments: Array<{ level?: string }>;
}) {
  const counts = levelCounts(props.levels, props.environments);
  return (
    <Box
      component="ul"
      aria-label="Environments by level"
      display="flex"
      flexWrap="wrap"
      p={0}
      m={0}
      style={{ listStyle: 'none', gap: 8 }}
    >
      {counts.map(c => (
        <li key={c.level}>
          <Chip
            size="small"
            variant={c.count > 0 ? 'default' : 'outlined'}
            label={`${c.level}: ${c.count}`}
          />
        </li>
      ))}
    </Box>
  );
}
