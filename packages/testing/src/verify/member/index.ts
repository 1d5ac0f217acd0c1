export {
  type HandledOutcome,
  recordAssignment,
  recordEffect,
  recordHandled,
  recordLine,
  VERIFY_ENV,
} from './record.js';
