import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type } from 'node:os';
import { dirname, join } from 'node:path';
import { librdkafkaVersion } from '@confluentinc/kafka-javascript';

export interface MachineDescription {
  os: string;
  cpuCount: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  librdkafka: string;
  kafkaJavascript: string;
  kafkajs: string;
  nestjsMicroservices: string;
  /** 1-minute load average when the run started: other work on the machine skews timings. */
  loadAverageAtStart: number;
}

/** The installed version of a package, found by walking up from its entry point (ESM packages hide package.json). */
function versionOf(pkg: string): string {
  try {
    for (let dir = dirname(require.resolve(pkg)); dir !== dirname(dir); dir = dirname(dir)) {
      const file = join(dir, 'package.json');
      if (!existsSync(file)) continue;
      const json = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (json.name === pkg) return json.version ?? 'unknown';
    }
  } catch {
    /* not installed */
  }
  return 'unknown';
}

export function describeMachine(): MachineDescription {
  const list = cpus();
  return {
    os: `${type()} ${release()}`,
    cpuCount: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    librdkafka: librdkafkaVersion,
    kafkaJavascript: versionOf('@confluentinc/kafka-javascript'),
    kafkajs: versionOf('kafkajs'),
    nestjsMicroservices: versionOf('@nestjs/microservices'),
    loadAverageAtStart: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  };
}
