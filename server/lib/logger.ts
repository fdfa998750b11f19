import pino from 'pino';

/**
 * One logger for every process; children carry the component name (e.g. `logger.child({ c: 'bus' })`).
 * The level comes from config (LOG_LEVEL) and is set by the process entry point, not read here.
 */
export const logger = pino({ level: 'info', base: undefined });

export type Logger = typeof logger;
