import { registerModelGoldenTests } from './model_golden_cases.mjs';

registerModelGoldenTests({ threads: 'auto', expectBuild: 'simd128-mt' });
