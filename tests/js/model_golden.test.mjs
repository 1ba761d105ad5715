import { registerModelGoldenTests } from './model_golden_cases.mjs';

registerModelGoldenTests({ threads: false, expectBuild: 'simd128-st' });
