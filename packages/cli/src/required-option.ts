import { type Command, Option } from 'commander';

/**
 * commander checks required options before unknown ones, so `tributary lag --grup x` would say
 * "required option '--group' not specified" and never reach its "Did you mean --group?". Options
 * made with this function are checked in a preAction hook instead, which commander runs after its
 * unknown-option check; the message is commander's own.
 */
const required = new WeakSet<Option>();

/** A plain option marked as required (checked by `checkRequiredOptions`). */
export function requiredOption(flags: string, description: string): Option {
  const option = new Option(flags, description);
  required.add(option);
  return option;
}

/** preAction hook: the first required option of `command` without a value is a usage error. */
export function checkRequiredOptions(command: Command): void {
  for (const option of command.options) {
    if (required.has(option) && command.getOptionValue(option.attributeName()) === undefined) {
      command.error(`error: required option '${option.flags}' not specified`, {
        code: 'commander.missingMandatoryOptionValue',
      });
    }
  }
}
