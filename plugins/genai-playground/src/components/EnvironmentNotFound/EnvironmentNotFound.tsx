import { EmptyState } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import { Link as RouterLink } from 'react-router-dom';
import { rootRouteRef } from '../../routes';

/** A clear answer for an id the backend does not know. */
export function EnvironmentNotFound(props: { id: string }) {
  const listLink = useRouteRef(rootRouteRef);
  return (
    <EmptyState
      missing="data"
      title={`Environment ${props.id} not found`}
      description="No playground environment by this name is visible to you: it does not exist, it was deleted and purged, or it belongs to a team you are not in."
      action={
        <Button
          variant="contained"
          color="primary"
          component={RouterLink}
          to={listLink()}
        >
          Back to the environments
        </Button>
      }
    />
  );
}
