export * from './roles.js';
export * from './password.js';
export * from './envelope.js';
export * from './auth.js';
export * from './jobs.js';
export * from './settings.js';
