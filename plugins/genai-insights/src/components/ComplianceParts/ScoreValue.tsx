import Typography from '@material-ui/core/Typography';
import { formatScore } from '../../lib/compliance';

/** A score, large, named for assistive technology ("Platform score: 68.5%"). */
export function ScoreValue(props: {
  label: string;
  percent: number | null;
  size?: 'large' | 'medium';
}) {
  return (
    <Typography
      component="p"
      variant={props.size === 'medium' ? 'h4' : 'h3'}
      aria-label={props.label}
      data-testid="compliance-score"
    >
      {formatScore(props.percent)}
    </Typography>
  );
}
