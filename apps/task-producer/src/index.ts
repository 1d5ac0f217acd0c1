export { type ProduceProgress, type ProduceTasksOptions, produceTasks } from './produce-tasks.js';
export { seededRandom, type TaskEvent, TaskEventSource } from './task-events.js';
