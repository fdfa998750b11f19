import { logger } from '../../server/lib/logger';

// Tests provoke failures on purpose (dead-lettering, bad input): their log lines would bury the results.
// TEST_LOG_LEVEL=debug brings them back when a test needs explaining.
logger.level = process.env.TEST_LOG_LEVEL ?? 'silent';
