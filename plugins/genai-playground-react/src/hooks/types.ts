/**
 * What the data hooks return: react-use's async state, plus `retry` to load again (after an
 * extend or delete, or on a "Retry" button).
 * @public
 */
export interface AsyncResource<T> {
  value?: T;
  loading: boolean;
  error?: Error;
  retry: () => void;
}
