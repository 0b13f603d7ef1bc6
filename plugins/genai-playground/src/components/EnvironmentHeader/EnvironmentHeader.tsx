import { Link } from '@backstage/core-components';
import type { EnvironmentWithDetails } from '@genai-portal/plugin-genai-playground-common';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { shortRef } from '../../lib/format';
import { EnvironmentStatusChip } from '../EnvironmentStatusChip';
import { LabelledValue as Label } from '../LabelledValue';

/** An environment's name, status, pool and facts (team, namespace, owner, catalog entity). */
export function EnvironmentHeader(props: {
  environment: EnvironmentWithDetails;
}) {
  const { environment: e } = props;
  return (
    <Box mb={3}>
      <Box display="flex" alignItems="center" flexWrap="wrap">
        <Typography variant="h4" component="h1" style={{ marginRight: 16 }}>
          {e.name}
        </Typography>
        <EnvironmentStatusChip status={e.status} size="medium" />
        <Box ml={1}>
          <Chip size="small" variant="outlined" label={e.gpuPool} />
        </Box>
      </Box>
      <Box display="flex" flexWrap="wrap" mt={2}>
        <Label label="Team">{shortRef(e.team)}</Label>
        <Label label="GPU pool">{e.gpuPool}</Label>
        <Label label="Namespace">{e.namespace}</Label>
        <Label label="Cluster">{e.cluster}</Label>
        <Label label="Owner">{shortRef(e.owner)}</Label>
        <Label label="Cost center">{e.costCenter}</Label>
        <Label label="Data">{e.dataClassification}</Label>
        <Label label="Security level">{e.securityLevel}</Label>
        <Label label="Catalog">
          <Link to={`/catalog/default/resource/${e.namespace}`}>
            resource:{e.namespace}
          </Link>
        </Label>
      </Box>
      {e.description && (
        <Typography variant="body1" color="textSecondary">
          {e.description}
        </Typography>
      )}
    </Box>
  );
}
