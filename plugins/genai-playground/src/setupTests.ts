import '@testing-library/jest-dom';

// The page tests click through forms and dialogs; on a loaded 2-core machine running every
// package's tests at once, one can take longer than jest's 5 s default. (testTimeout in
// package.json is a global option that the repo-wide multi-project run ignores.)
jest.setTimeout(30_000);
