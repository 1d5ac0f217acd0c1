#!/usr/bin/env node
import { runCli } from './program.js';

runCli(process.argv).catch((err: Error) => {
  process.stderr.write(`tributary: ${err.message}\n`);
  process.exit(1);
});
