import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { TributaryHost } from '../tributary-host.js';

/**
 * `@nestjs/terminus` indicators answering from the same state as Tributary's `/health/*`:
 * `isLive` is up while the app is not stopped; `isReady` is up once the app runs, every subscribed
 * topic exists, every group has joined and its poll loop polls (`app.readiness()`), and down with
 * the reason otherwise. Register it in a module that imports `TerminusModule`.
 */
@Injectable()
export class TributaryHealthIndicator {
  constructor(
    private readonly host: TributaryHost,
    private readonly health: HealthIndicatorService,
  ) {}

  isLive(key = 'tributary') {
    const indicator = this.health.check(key);
    const status = this.host.app.status;
    return status === 'stopped' ? indicator.down({ appStatus: status }) : indicator.up({ appStatus: status });
  }

  isReady(key = 'tributary', options: { stuckAfterMs?: number } = {}) {
    const indicator = this.health.check(key);
    const { ready, reason, groups } = this.host.app.readiness(options);
    const summary = groups.map((g) => ({ group: g.group, joined: g.joined, assigned: g.assigned.length }));
    return ready ? indicator.up({ groups: summary }) : indicator.down({ reason, groups: summary });
  }
}
