#!/usr/bin/env node
// The `qwasm` command line. Subcommands live in js/cli/<name>.mjs and export { summary, usage, run(args) }.
import { readFileSync } from 'node:fs';

const COMMANDS = {
  info: () => import('./cli/info.mjs'),
  run: () => import('./cli/run.mjs'),
  calibrate: () => import('./cli/calibrate.mjs'),
  quantize: () => import('./cli/quantize.mjs'),
  observe: () => import('./cli/observe.mjs'),
  features: () => import('./cli/features.mjs'),
  serve: () => import('./cli/serve.mjs'),
  bench: () => import('./cli/bench.mjs'),
};

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

async function help() {
  const lines = [
    `qwasm ${pkg.version} — int8 inference and calibration in WebAssembly, bit-exact with PyTorch`,
    '',
    'Usage: qwasm <command> [options]',
    '       qwasm --help | --version',
    '',
    'Commands:',
  ];
  for (const [name, load] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(12)} ${(await load()).summary}`);
  lines.push('', 'Run `qwasm <command> --help` for a command\'s options.');
  return lines.join('\n');
}

export async function main(argv) {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    console.log(await help());
    return command === undefined ? 2 : 0;
  }
  if (command === '--version' || command === '-v') {
    console.log(pkg.version);
    return 0;
  }
  const load = COMMANDS[command];
  if (!load) {
    console.error(`qwasm: unknown command '${command}'. Run 'qwasm --help' for the list.`);
    return 2;
  }
  const cmd = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(cmd.usage);
    return 0;
  }
  try {
    return (await cmd.run(rest)) ?? 0;
  } catch (e) {
    console.error(`qwasm ${command}: ${e.message}`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
