import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// The page tests click through forms and dialogs; on a loaded 2-core machine running every
// package's tests at once, a render can take longer than jest's 5 s test default and
// testing-library's 1 s wait. (testTimeout in package.json is a global option that the
// repo-wide multi-project run ignores.)
jest.setTimeout(30_000);
configure({ asyncUtilTimeout: 10_000 });
