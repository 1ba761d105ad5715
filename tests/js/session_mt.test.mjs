import { registerSessionTests } from './session_cases.mjs';

registerSessionTests({ threads: 'auto', expectBuild: 'simd128-mt' });
