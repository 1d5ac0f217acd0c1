export { loadServiceConfig, type ServiceConfig, serviceEnvSchema } from './config.js';
export { TaskCompleted, TaskCreated, TOPICS } from './events.js';
export { GROUP_ID, TaskNotifications } from './handlers.js';
export { completedNotification, createdNotification } from './notifications.js';
export { ConsoleNotifier } from './notifier/console-notifier.js';
export { FileNotifier } from './notifier/file-notifier.js';
export { NOTIFIER, type Notification, type Notifier } from './notifier/notifier.js';
export { notifierFor } from './notifier/notifier-for.js';
export { WebhookError, WebhookNotifier } from './notifier/webhook-notifier.js';
export { type RunningService, startNotificationService } from './service.js';
export {
  type NotificationRecord,
  readNotificationFiles,
  type ServiceProcess,
  serviceMain,
  spawnServiceProcess,
} from './service-process.js';
