import { afterAll } from 'vitest';
import { runFileCleanups } from '../helpers/file-cleanup';

afterAll(runFileCleanups);
