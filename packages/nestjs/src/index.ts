import 'reflect-metadata';

export { NestResolver } from './nest-resolver.js';
export { TRIBUTARY_MODULE_OPTIONS, type TributaryModuleAsyncOptions, type TributaryModuleOptions } from './options.js';
export { TributaryProducerCloser } from './producer.js';
export { TributaryModule } from './tributary.module.js';
export { TributaryHost } from './tributary-host.js';
