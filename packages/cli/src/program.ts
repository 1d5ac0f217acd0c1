import { Command } from 'commander';
import { registerBrokerCommand } from './commands/broker.js';
import { registerDashboardCommand } from './commands/dashboard.js';
import { registerDiagnoseCommand } from './commands/diagnose.js';
import { registerLagCommand } from './commands/lag.js';

export function buildProgram(): Command {
  const program = new Command('tributary')
    .description('Tributary: Kafka consumers with declarative handlers — tools')
    .showHelpAfterError()
    .configureOutput({ outputError: (text, write) => write(text) })
    .exitOverride((err) => {
      // commander's own usage errors (unknown option, missing value) exit 2 like ours; help exits 0.
      process.exit(err.exitCode === 0 ? 0 : 2);
    });
  registerBrokerCommand(program);
  registerLagCommand(program);
  registerDiagnoseCommand(program);
  registerDashboardCommand(program);
  return program;
}

export async function runCli(argv: string[]): Promise<void> {
  await buildProgram().parseAsync(argv);
}
