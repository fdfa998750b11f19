import { z } from 'zod';
import { USAGE_WINDOWS } from '../../services/compute/usage.service';
import { authedProcedure, router } from '../trpc';

export const ZDailyUsageInput = z.object({
  days: z
    .number()
    .int()
    .refine((d) => (USAGE_WINDOWS as readonly number[]).includes(d), `must be one of ${USAGE_WINDOWS.join(', ')}`),
});

/** The overview's usage chart: the session project's instance usage per UTC day. */
export const usageRouter = router({
  daily: authedProcedure
    .input(ZDailyUsageInput)
    .query(({ ctx, input }) => ctx.compute.usage.daily(ctx.auth, ctx.auth.projectId ?? '', input.days)),
});
