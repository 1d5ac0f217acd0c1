import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { registerBrokerCommand } from './commands/broker.js';
import { registerDashboardCommand } from './commands/dashboard.js';
import { registerDiagnoseCommand } from './commands/diagnose.js';
import { registerDlqCommand } from './commands/dlq.js';
import { registerLagCommand } from './commands/lag.js';
import { registerOffsetsCommand } from './commands/offsets.js';
import { registerProduceCommand } from './commands/produce.js';
import { registerTailCommand } from './commands/tail.js';
import { registerVerifyCommand } from './commands/verify.js';
import { checkRequiredOptions } from './required-option.js';

/** The version of @tributary/cli (dist/program.js sits one level below its package.json). */
function cliVersion(): string {
  return (JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;
}

export function buildProgram(): Command {
  const program = new Command('tributary')
    .description('Tributary: Kafka consumers with declarative handlers — tools')
    .version(cliVersion(), '-V, --version', 'print the version')
    .showSuggestionAfterError(true)
    .showHelpAfterError("(run 'tributary --help' for the commands)")
    .configureOutput({ outputError: (text, write) => write(text) })
    .exitOverride((err) => {
      // commander's own usage errors (unknown option, missing value) exit 2 like ours; help and version exit 0.
      process.exit(err.exitCode === 0 ? 0 : 2);
    })
    .hook('preAction', (_program, command) => checkRequiredOptions(command))
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  tributary broker --topic task-created:6     # a local Kafka to develop against\n' +
        '  tributary lag --brokers 127.0.0.1:9092 --group notification-service --watch\n' +
        '  tributary diagnose --brokers 127.0.0.1:9092 --group notification-service --window 30\n' +
        '  tributary tail task-created --brokers 127.0.0.1:9092 --count 10\n' +
        '  tributary dlq list task-created.dlq --brokers 127.0.0.1:9092\n' +
        '  tributary verify --app dist/main.js --scenario sigkill,storm --instances 3   # prove delivery for your app\n\n' +
        "Run 'tributary <command> --help' for a command's options and examples.",
    );
  registerBrokerCommand(program);
  registerLagCommand(program);
  registerDiagnoseCommand(program);
  registerDashboardCommand(program);
  registerTailCommand(program);
  registerProduceCommand(program);
  registerOffsetsCommand(program);
  registerDlqCommand(program);
  registerVerifyCommand(program);
  // Subcommands copy these settings when created; set them on each so none depends on that.
  const configure = (parent: Command, path: string) => {
    for (const command of parent.commands) {
      const name = `${path} ${command.name()}`;
      command
        .showSuggestionAfterError(true)
        .showHelpAfterError(`(run 'tributary ${name.trim()} --help' for usage and examples)`);
      configure(command, name);
    }
  };
  configure(program, '');
  return program;
}

export async function runCli(argv: string[]): Promise<void> {
  await buildProgram().parseAsync(argv);
}
