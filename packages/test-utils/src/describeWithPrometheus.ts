/* eslint-disable jest/no-export, jest/valid-title, jest/valid-describe-callback, jest/no-disabled-tests --
   a helper that builds suites for test files, not a test file itself */
import { PROMETHEUS_BINARY, prometheusInstalled } from './prometheus';

/**
 * `describe` for a suite that needs the real Prometheus. In CI (`CI` set) its absence is a
 * failing test, as the CI script installs it; elsewhere the suite is skipped with a warning
 * saying how to install it.
 */
export function describeWithPrometheus(name: string, suite: () => void) {
  if (prometheusInstalled()) {
    describe(name, suite);
  } else if (process.env.CI) {
    test(`${name}: Prometheus is installed`, () => {
      expect(`${PROMETHEUS_BINARY} is missing`).toBe(
        `${PROMETHEUS_BINARY} exists (install the Debian package "prometheus")`,
      );
    });
  } else {
    // eslint-disable-next-line no-console
    console.warn(
      `Skipping "${name}": ${PROMETHEUS_BINARY} is not installed (apt-get install prometheus).`,
    );
    describe.skip(name, suite);
  }
}
