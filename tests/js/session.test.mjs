import { registerSessionTests } from './session_cases.mjs';

registerSessionTests({ threads: false, expectBuild: 'simd128-st' });
