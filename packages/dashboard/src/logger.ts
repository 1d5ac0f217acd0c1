/** The part of a pino logger the dashboard uses: pass yours, or get JSON lines on stderr. */
export interface DashboardLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

/**
 * JSON lines on stderr, warnings only by default (the CLI prints the URL on stdout; a broker going
 * away or coming back is worth a line, every explorer read is not). Fields are offsets, names and
 * counts: nothing logged carries message bytes.
 */
export function stderrLogger(level: 'info' | 'warn' = 'warn'): DashboardLogger {
  const write = (lvl: string, fields: Record<string, unknown>, msg: string) =>
    process.stderr.write(
      `${JSON.stringify({ level: lvl, time: Date.now(), name: 'tributary-dashboard', ...fields, msg })}\n`,
    );
  return {
    info: (fields, msg) => {
      if (level === 'info') write('info', fields, msg);
    },
    warn: (fields, msg) => write('warn', fields, msg),
  };
}
