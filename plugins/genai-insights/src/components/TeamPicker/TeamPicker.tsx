import Checkbox from '@material-ui/core/Checkbox';
import ListItemText from '@material-ui/core/ListItemText';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import { teamName } from '@genai-portal/plugin-genai-insights-react';

const ALL = '__all__';

/**
 * The teams picker of the pages: several teams, or none for "All my teams" (the backend then
 * answers every team the caller may read).
 */
export function TeamPicker(props: {
  options: string[];
  value: string[];
  onChange: (teams: string[]) => void;
}) {
  const { value, onChange } = props;
  // A team from the URL the caller may not read is still listed, so the selection shows it.
  const options = [
    ...props.options,
    ...value.filter(t => !props.options.includes(t)),
  ];
  return (
    <TextField
      select
      fullWidth
      id="genai-insights-teams"
      label="Teams"
      value={value}
      SelectProps={{
        multiple: true,
        displayEmpty: true,
        renderValue: selected => {
          const teams = selected as string[];
          return teams.length === 0
            ? 'All my teams'
            : teams.map(teamName).join(', ');
        },
      }}
      InputLabelProps={{ shrink: true }}
      onChange={e => {
        const next = e.target.value as unknown as string[];
        onChange(next.includes(ALL) ? [] : next);
      }}
    >
      <MenuItem value={ALL}>
        <Checkbox checked={value.length === 0} size="small" />
        <ListItemText primary="All my teams" />
      </MenuItem>
      {options.map(team => (
        <MenuItem key={team} value={team}>
          <Checkbox checked={value.includes(team)} size="small" />
          <ListItemText primary={teamName(team)} />
        </MenuItem>
      ))}
    </TextField>
  );
}
