/** A config value the plugin cannot start with: the message names the full key. */
export class ConfigProblem extends Error {
  constructor(key: string, problem: string) {
    super(`Invalid config at ${key}: ${problem}`);
    this.name = 'ConfigProblem';
  }
}
