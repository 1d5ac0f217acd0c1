import { join } from 'node:path';

export { NotificationModule } from './app.module.js';
export { TaskNotifications } from './handlers.js';
export { ServiceMiddleware } from './service-middleware.js';

/** The Nest service's entry point, for `spawnServiceProcess(…, { main: nestServiceMain })`. */
export const nestServiceMain = join(__dirname, 'main.js');
